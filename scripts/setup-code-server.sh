#!/usr/bin/env bash
# Installs code-server (a real VS Code: server + web workbench) into a git-ignored cache folder
# keyed by version, for the end-to-end tests (test/e2e/launch.mjs) and `npm run demo`.
#
#   bash scripts/setup-code-server.sh          install once; later runs return at once
#   CODE_SERVER_VERSION=4.100.3 bash ...        (default) 4.100.3 = VS Code 1.100.3, runs on Node 20
#
# Prints the path of the code-server entry script as its last line of output.
#
# Why the install is done by hand (see shared notes "real-vscode.md"): a plain
# `npm install code-server` fails here because its postinstall runs `npm install` inside
# lib/vscode, where @vscode/ripgrep's postinstall downloads a binary from the internet. So we
# install with --ignore-scripts, then build only the native modules from source against
# Debian's headers/libraries, and point ripgrep at Debian's /usr/bin/rg.
#
# Needs the Debian packages: libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
# ripgrep (and chromium to run the tests); .ci/run installs them.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/code-server"
DEST="$CACHE/$VERSION"
PKG="$DEST/node_modules/code-server"
ENTRY="$PKG/out/node/entry.js"
MARKER="$DEST/.assetline-install-complete"

say() { echo "setup-code-server: $*" >&2; }
fail() {
  echo "setup-code-server: ERROR: $*" >&2
  exit 1
}

if [[ -f "$MARKER" && -f "$ENTRY" ]]; then
  say "code-server $VERSION is already installed in ${DEST#"$ROOT"/}"
  echo "$ENTRY"
  exit 0
fi

# --- preconditions, each with what to do about it -----------------------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[[ "$node_major" == "20" ]] || say "warning: code-server $VERSION is built for Node 20; this is Node $(node --version 2>/dev/null || echo '?')"
# Debian packages the native modules build against: installed when missing (as root or with
# password-less sudo), else the script says which to install.
bash "$ROOT/scripts/install-system-deps.sh" --build </dev/null ||
  fail "the build prerequisites above are missing (or run: bash .ci/run, which installs them)"
missing=()
for cmd in rg pkg-config g++ make python3; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
for lib in krb5-gssapi x11 xkbfile libsecret-1; do
  pkg-config --exists "$lib" 2>/dev/null || missing+=("pkg-config:$lib")
done
if ((${#missing[@]} > 0)); then
  fail "missing build prerequisites: ${missing[*]}.
  Install them with: apt-get update && apt-get install -y ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config g++ make python3"
fi

# --- install into a scratch folder, then move into place, so a failure leaves no half install
started=$SECONDS
WORK="$CACHE/.tmp-$VERSION-$$"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
rm -rf "$WORK"
mkdir -p "$WORK"
# node-pty's install script calls `npx node-gyp`; as root npm refuses lifecycle scripts without
# unsafe-perm. Neither may prompt (CI has no stdin).
export npm_config_yes=true npm_config_unsafe_perm=true npm_config_update_notifier=false
export npm_config_audit=false npm_config_fund=false
# Only errors: npm warns about the unsafe-perm setting above (kept for older npm) and about
# install scripts, which reads as trouble to someone running `npm run demo`.
export npm_config_loglevel=error
# node-gyp must build against the installed Node's headers: it cannot download them here.
node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [[ -z "${npm_config_nodedir:-}" && -f "$node_prefix/include/node/node_api.h" ]]; then
  export npm_config_nodedir="$node_prefix"
fi

run() {
  say "+ (cd ${PWD#"$ROOT"/}) $*"
  "$@" || fail "command failed: $* (in $PWD)"
}

cd "$WORK"
echo '{ "name": "assetline-code-server-cache", "private": true }' >package.json
say "installing code-server@$VERSION (npm, --ignore-scripts) into ${DEST#"$ROOT"/}"
run npm install --no-save --no-package-lock --ignore-scripts --loglevel=error "code-server@$VERSION"
[[ -d node_modules/code-server/lib/vscode ]] || fail "code-server@$VERSION has no lib/vscode; is it the right version?"

cd node_modules/code-server/lib/vscode
say "installing VS Code's own dependencies (lib/vscode, production only, no scripts)"
run npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
say "building VS Code's native modules from source"
run npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog
say "pointing @vscode/ripgrep at Debian's $(command -v rg)"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar

cd extensions
say "installing the built-in extensions' dependencies (lib/vscode/extensions)"
run npm install --omit=dev --no-audit --no-fund --loglevel=error

cd "$WORK"
say "building argon2's native binding (code-server's password hashing)"
run npm rebuild argon2

# --- smoke test: the server starts and prints its version -------------------------------------
cd "$WORK"
# (its own config and data folders point into the scratch folder, so nothing is written to ~)
out="$(XDG_CONFIG_HOME="$WORK/.xdg/config" XDG_DATA_HOME="$WORK/.xdg/data" \
  node node_modules/code-server/out/node/entry.js --version 2>&1)" || fail "code-server --version failed: $out"
rm -rf "$WORK/.xdg"
say "code-server --version: $(echo "$out" | tail -n 1)"
for mod in node-pty @parcel/watcher @vscode/spdlog kerberos; do
  node -e 'require(process.argv[1])' "$WORK/node_modules/code-server/lib/vscode/node_modules/$mod" ||
    fail "the native module $mod does not load: its rebuild did not produce a binary"
done

# The install refers to its own absolute paths only through relative links, so it can move.
rm -rf "$DEST"
mv "$WORK" "$DEST"
trap - EXIT
date -u +%FT%TZ >"$MARKER"
say "installed code-server $VERSION in $((SECONDS - started)) s"
echo "$ENTRY"
