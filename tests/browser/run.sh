#!/usr/bin/env bash
# The dashboard in a real browser: run.sh BASE_URL WORK_DIR [TOKEN]
# Drives headless Chromium through chromedriver (WebDriver over HTTP, from Python's standard
# library) through dashboard.py's journey against the emulator at BASE_URL; TOKEN is the
# emulator's --admin-token, if it has one. Leaves dashboard.png in WORK_DIR.
# Exits 77, with one line saying what is missing, when Chromium or chromedriver is not here.
set -uo pipefail
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: $0 BASE_URL WORK_DIR [TOKEN]" >&2
    exit 2
fi
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver || true)}
if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    echo "chromium or chromedriver is not installed (run tests/browser/install.sh)"
    exit 77
fi
if ! command -v python3 >/dev/null; then
    echo "python3 is not installed"
    exit 77
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$2" || exit 2
CHROMIUM="$CHROMIUM" CHROMEDRIVER="$CHROMEDRIVER" PYTHONDONTWRITEBYTECODE=1 \
    exec python3 "$HERE/dashboard.py" "$1" "$2" "${3:-}"
