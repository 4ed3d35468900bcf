#!/bin/sh
# Everything the test suite needs on a fresh Debian machine: headless Chromium and a CJK font (the HTML
# report is rendered in a real browser and must show Chinese), then the package with its test extras in .venv.
set -eu
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh family 2>/dev/null | grep -q "Noto Sans CJK SC"; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fontconfig >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
