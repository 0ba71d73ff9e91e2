#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (Playwright cannot download its own browser on this network).
# The test project runs this before it builds, only when /usr/bin/chromium is missing, so that the README's one
# test command works on a new machine. A new machine has no apt package lists: without `apt-get update` first,
# `apt-get install chromium` answers "Unable to locate package chromium".
set -euo pipefail

chromium=/usr/bin/chromium
[ -x "$chromium" ] && exit 0

fail() {
    echo "install-chromium: $1" >&2
    exit 1
}

command -v apt-get >/dev/null || fail "$chromium is missing and apt-get is not available; install Chromium so that $chromium exists"
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    fail "$chromium is missing and installing it needs root (or sudo without a password); run as root: apt-get update && apt-get install -y --no-install-recommends chromium"
fi

# apt's own output goes to a log, shown only when it fails. Waiting for the dpkg lock lets two test runs on one
# machine install at the same time without one of them failing.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -q -o DPkg::Lock::Timeout=600)
echo "install-chromium: $chromium is missing; apt-get update && apt-get install chromium (about a minute)"
if ! "${as_root[@]}" "${apt[@]}" update >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "'apt-get update' failed (output above)"
fi
if ! "${as_root[@]}" "${apt[@]}" install -y --no-install-recommends chromium >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "'apt-get install chromium' failed (output above)"
fi
[ -x "$chromium" ] || fail "apt-get installed chromium but $chromium is still missing"
echo "install-chromium: installed $("$chromium" --version 2>/dev/null || echo chromium)"
