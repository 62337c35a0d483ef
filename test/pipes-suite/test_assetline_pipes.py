"""The community cross-language Pipes suite run against our entry (entry.ts). See README.md."""

from pathlib import Path

from dagster_pipes_tests import PipesTestSuite

HERE = Path(__file__).resolve().parent


class TestAssetlinePipes(PipesTestSuite):
    BASE_ARGS = ["node", "--conditions=assetline-source", "--import", "tsx", str(HERE / "entry.ts")]
