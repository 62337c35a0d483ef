#!/usr/bin/env bash
# Creates the Python virtual environment for the Dagster integration (integrations/dagster) in the
# git-ignored .venv/ at the repository root, and installs dagster-assetline into it (editable, with
# its test extras: Dagster 1.13, the webserver, dg, pytest, ruff).
#
#   bash scripts/setup-python.sh     set up once; later runs return at once while nothing changed
#   PYTHON=python3.12 bash ...       the interpreter to build the venv with (default: python3)
#
# The install is keyed by a hash of integrations/dagster/pyproject.toml: editing it re-installs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PKG="$ROOT/integrations/dagster"
MARKER="$VENV/.assetline-install"
say() { echo "setup-python: $*" >&2; }

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  say "ERROR: $PYTHON is not on the PATH; install Python 3.10 or newer, or set PYTHON=python3.x."
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  say "ERROR: $PYTHON is $("$PYTHON" --version 2>&1); Dagster 1.13 needs Python 3.10 or newer: set PYTHON=python3.x."
  exit 1
fi

want="$(sha256sum "$PKG/pyproject.toml" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$want" ]; then
  say "up to date ($VENV)"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
rm -f "$MARKER"
say "installing dagster-assetline[test] (editable)"
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet --upgrade pip
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet -e "$PKG[test]"
echo "$want" >"$MARKER"
say "done: $("$VENV/bin/dagster" --version)"
