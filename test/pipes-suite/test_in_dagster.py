"""Our side of Pipes under real Dagster (PyPI only): typed metadata, and `assetline pipes`."""

import os
from pathlib import Path

import pytest
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    DagsterEventType,
    DagsterInstance,
    MetadataValue,
    PipesSubprocessClient,
    TableColumn,
    TableColumnConstraints,
    TableColumnDep,
    TableSchema,
    asset,
    materialize,
    multi_asset,
)
from dagster._core.pipes.utils import PipesEnvContextInjector

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CLI = REPO / "sdk" / "bin" / "assetline.js"
NODE_TS = ["node", "--conditions=assetline-source", "--import", "tsx"]

PROJECT = """import { asset, check } from "assetline";
export const orders = asset("ingest/orders", { codeVersion: "v2" }, (ctx) => {
  ctx.log.info("read 2 orders");
  return [{ id: 1, amount: 10.5 }, { id: 2, amount: 4 }];
});
export const total = asset("report/total", { ins: { orders } }, (_ctx, { orders }) => ({
  total: orders.reduce((s, o) => s + o.amount, 0),
}));
export const positive = check(total, "positive", { blocking: true }, (_ctx, v) => ({
  passed: v.total > 0, metadata: { total: v.total },
}));
export const broken = asset("ingest/broken", {}, () => {
  throw new TypeError("the source file is gone");
});
"""


def test_typed_metadata_reaches_dagster_with_its_types():
    @asset
    def typed(context: AssetExecutionContext, pipes: PipesSubprocessClient):
        return pipes.run(
            context=context, command=[*NODE_TS, str(HERE / "metadata-entry.ts")]
        ).get_materialize_result()

    result = materialize([typed], resources={"pipes": PipesSubprocessClient()})
    assert result.success
    [mat] = result.asset_materializations_for_node("typed")
    md = mat.metadata
    assert md["integral_float"] == MetadataValue.float(2.0)
    assert md["inferred_int"] == MetadataValue.int(2)
    assert md["when"] == MetadataValue.timestamp(1767323045.5)
    assert md["raw_date"] == MetadataValue.timestamp(1767323045.5)
    assert md["big"] == MetadataValue.int(9007199254740991)
    assert md["rows"].schema == TableSchema(
        columns=[
            TableColumn("id", "int"),
            TableColumn("name", "string", constraints=TableColumnConstraints(nullable=False)),
        ]
    )
    assert [r.data for r in md["rows"].records] == [{"id": 1, "name": "a"}]
    assert md["schema"] == MetadataValue.table_schema(
        TableSchema(columns=[TableColumn("total", "float", description="sum of amounts")])
    )
    assert md["lineage"].column_lineage.deps_by_column["total"] == [
        TableColumnDep(asset_key=AssetKey(["ingest", "orders"]), column_name="amount")
    ]
    assert md["upstream"] == MetadataValue.asset(AssetKey(["ingest", "orders"]))
    assert mat.tags["dagster/data_version"] == "v1"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    if not (REPO / "sdk" / "dist" / "cli.js").exists():
        pytest.fail("sdk/dist/cli.js is missing: run `node scripts/build.mjs` first.")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "definitions.ts").write_text(PROJECT)
    (tmp_path / "node_modules").mkdir()
    os.symlink(REPO / "sdk", tmp_path / "node_modules" / "assetline")
    return tmp_path


def _defs(project: Path, keys):
    @multi_asset(
        specs=[AssetSpec(AssetKey(k.split("/"))) for k in keys],
        check_specs=[AssetCheckSpec("positive", asset=AssetKey(["report", "total"]), blocking=True)]
        if "report/total" in keys
        else None,
        can_subset=False,
        name="assetline_" + "_".join(k.replace("/", "_") for k in keys),
    )
    def assets(context: AssetExecutionContext, pipes: PipesSubprocessClient):
        yield from pipes.run(
            context=context, command=["node", str(CLI), "pipes", "--root", str(project)]
        ).get_results()

    return assets


def test_assetline_pipes_materializes_with_metadata_checks_and_logs(project: Path):
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [_defs(project, ["ingest/orders", "report/total"])],
        resources={"pipes": PipesSubprocessClient()},
        instance=instance,
    )
    assert result.success
    mats = {
        tuple(m.asset_key.path): m
        for m in result.asset_materializations_for_node("assetline_ingest_orders_report_total")
    }
    orders = mats[("ingest", "orders")]
    assert orders.metadata["dagster/row_count"] == MetadataValue.int(2)
    assert orders.metadata["dagster/code_version"] == MetadataValue.text("v2")
    assert orders.metadata["dagster/column_schema"].schema.columns[0].name == "id"
    assert len(orders.tags["dagster/data_version"]) == 64
    [check] = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    assert check.passed and check.check_name == "positive"
    assert check.metadata["total"] == MetadataValue.float(14.5)
    logs = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any("ingest/orders: read 2 orders" in m for m in logs), logs


def test_assetline_pipes_env_context_injector(project: Path):
    """The inline context (`data`), as the Kubernetes, Docker and ECS clients inject it."""
    result = materialize(
        [_defs(project, ["ingest/orders"])],
        resources={"pipes": PipesSubprocessClient(context_injector=PipesEnvContextInjector())},
    )
    assert result.success
    assert len(result.asset_materializations_for_node("assetline_ingest_orders")) == 1


def test_a_throwing_asset_fails_the_step_with_the_typescript_error(project: Path):
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [_defs(project, ["ingest/broken"])],
        resources={"pipes": PipesSubprocessClient()},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    closed = [
        e.dagster_event
        for e in instance.all_logs(result.run_id)
        if e.dagster_event
        and e.dagster_event.event_type == DagsterEventType.ENGINE_EVENT
        and "closed with exception" in (e.dagster_event.message or "")
    ]
    [event] = closed
    error = event.event_specific_data.error
    assert error.cls_name == "TypeError"
    assert "the source file is gone" in error.message
    assert any("definitions.ts" in frame for frame in error.stack)
