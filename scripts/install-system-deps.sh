#!/usr/bin/env bash
# Installs the Debian packages that Assetline's real-VS-Code tests and the browser demo need,
# only those missing. Used by .ci/run, scripts/setup-code-server.sh and test/e2e/launch.mjs, so
# that `npm run demo` and `npm test` work on a fresh Debian machine as they are.
#
#   bash scripts/install-system-deps.sh --build     what code-server's native modules build against
#   bash scripts/install-system-deps.sh --browser   Chromium, which drives the workbench in the tests
#
# Needs root or password-less sudo; otherwise it prints the apt-get command to run and fails.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=()
for arg in "$@"; do
  case "$arg" in
    --build) packages+=(ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config g++ make python3) ;;
    --browser) packages+=(chromium) ;;
    *) echo "install-system-deps: unknown option $arg (use --build and/or --browser)" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian system; install these yourself: ${packages[*]}" >&2
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  if [[ "$package" == python3 ]] && command -v python3 >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then exit 0; fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "install-system-deps: these Debian packages are missing: ${missing[*]}." >&2
    echo "  Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-system-deps: installing Debian packages: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -q >&2
"${as_root[@]}" apt-get install -y -q "${missing[@]}" </dev/null >&2
