#!/usr/bin/env bash
# gSOAP (C++) interop journey: usage run.sh BASE_URL WORK_DIR (see tests/interop/README.md).
# As gSOAP's tutorials do it: wsdl2h turns the served WSDL (${BASE_URL}?wsdl, document/literal
# wrapped) into cnode.h, soapcpp2 -j -C generates the C++ client proxy class from it, and g++
# builds main.cpp (this folder) with the generated code against Debian's libgsoap++.
# Everything generated or built goes into WORK_DIR.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
BASE_URL=$1
WORK_DIR=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for tool in wsdl2h soapcpp2 g++ pkg-config; do
    command -v "$tool" >/dev/null || { echo "gsoap: $tool not found (run tests/interop/gsoap/install.sh)"; exit 77; }
done
if [ ! -e /usr/share/gsoap/import/stlvector.h ] || ! pkg-config --exists gsoap++; then
    echo "gsoap: libgsoap-dev (gsoap++.pc) or /usr/share/gsoap/import not found (run tests/interop/gsoap/install.sh)"
    exit 77
fi

echo "version: gSOAP $(soapcpp2 -V 2>&1 | head -n 1)"

cd "$WORK_DIR"
# Runs a build step quietly; on failure shows its output and stops.
step() {
    local log=$1; shift
    "$@" >"$log" 2>&1 || { tail -n 30 "$log"; echo "FAIL: $* (log: $WORK_DIR/$log)"; exit 1; }
}
step wsdl2h.log wsdl2h -o cnode.h "${BASE_URL}?wsdl"
step soapcpp2.log soapcpp2 -j -C -x -L -I/usr/share/gsoap/import cnode.h

# -O0 and the three translation units in parallel: soapC.cpp (the serializers) dominates.
read -r -a CFLAGS <<<"$(pkg-config --cflags gsoap++)"
read -r -a LIBS <<<"$(pkg-config --libs gsoap++)"
pids=()
for src in soapC.cpp soapCNodeBindingProxy.cpp "$HERE/main.cpp"; do
    obj=$(basename "${src%.cpp}").o
    g++ -std=c++11 -O0 -w "${CFLAGS[@]}" -I. -c "$src" -o "$obj" >"$obj.log" 2>&1 &
    pids+=("$!:$obj")
done
for p in "${pids[@]}"; do
    wait "${p%%:*}" || { tail -n 30 "${p#*:}.log"; echo "FAIL: compiling ${p#*:} (log: $WORK_DIR/${p#*:}.log)"; exit 1; }
done
step link.log g++ -o cnode_journey soapC.o soapCNodeBindingProxy.o main.o "${LIBS[@]}"

exec ./cnode_journey
