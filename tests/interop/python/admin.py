"""The emulator's admin API from a journey, with the standard library only (a client's own
calls cannot dictate outcomes or move the clock): admin(base_url, path, body[, method]).
Any answer but a 2xx, or one that is not JSON, fails the journey with what came."""

import json
import urllib.error
import urllib.request

from checks import fail


def admin(base_url, path, body, method="POST"):
    url = f"{base_url}__admin/{path}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        fail(f"admin {method} {url}", "HTTP 2xx", f"HTTP {e.code}: {e.read().decode('utf-8', 'replace')}")
    except OSError as e:
        fail(f"admin {method} {url}", "an answer", f"{type(e).__name__}: {e}")
    try:
        return json.loads(text) if text else None
    except ValueError:
        fail(f"admin {method} {url}: answer", "JSON", text)


def admin_get(base_url, path):
    return admin(base_url, path, None, method="GET")
