"""Paths of the projects the tests load, and the checks that the repository is built."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHOP = REPO / "examples" / "shop"
#: The second project: small assets with a known outcome each (test/fixtures/dagster-lab).
LAB = REPO / "test" / "fixtures" / "dagster-lab"
SHOP_DEPLOYMENT = REPO / "examples" / "shop" / "dagster"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (REPO / "sdk" / "dist" / "cli.js").exists():
        pytest.exit(
            "the assetline CLI is not built: run `npm ci` and `node scripts/build.mjs` at the "
            "repository root first.",
            returncode=2,
        )
    # The analysis resolves `asset(...)` through the assetline package's types: without them
    # the graph is empty.
    if not (REPO / "sdk" / "dist" / "index.d.ts").exists():
        pytest.exit(
            "the assetline package's types are not built: run `npx tsc -b` at the repository "
            "root first.",
            returncode=2,
        )
