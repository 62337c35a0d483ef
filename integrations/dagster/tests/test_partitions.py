"""Partitions under real Dagster: the definitions and mappings Dagster gets from the static graph
(test/fixtures/dagster-partitions), one partition and a range materialized through
`load_assetline_defs`, and the `ctx.partition` the TypeScript side saw (written into each stored
value by the fixture's assets)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest
from conftest import REPO

from dagster_assetline import load_assetline_defs

PARTITIONS = REPO / "test" / "fixtures" / "dagster-partitions"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "partitions"
    shutil.copytree(PARTITIONS, copy, ignore=shutil.ignore_patterns(".assetline"))
    (copy / "node_modules").symlink_to(REPO / "node_modules")
    return copy


def stored(project: Path, key: str, partition: str | None = None) -> object:
    folder = project / ".assetline" / "storage" / key
    path = folder.with_suffix(".json") if partition is None else folder / f"{partition}.json"
    return json.loads(path.read_text())


def materialize(
    project: Path, selection: list[str], instance: dg.DagsterInstance, **kwargs: object
) -> dg.ExecuteInProcessResult:
    defs = load_assetline_defs(project)
    return dg.materialize(
        list(defs.assets or []),
        selection=selection,
        resources=defs.resources,
        instance=instance,
        raise_on_error=False,
        **kwargs,  # type: ignore[arg-type]
    )


def materialized_partitions(result: dg.ExecuteInProcessResult, key: str) -> list[str]:
    return sorted(
        str(e.materialization.partition)
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == key
    )


def test_dagster_gets_the_partitions_definitions_and_mappings(project: Path) -> None:
    defs = load_assetline_defs(project)
    graph = defs.resolve_asset_graph()
    orders = graph.get(dg.AssetKey(["part", "orders"]))
    days = orders.partitions_def
    assert isinstance(days, dg.DailyPartitionsDefinition)
    keys = days.get_partition_keys()
    assert (keys[0], keys[-1], len(keys)) == ("2024-01-01", "2024-02-29", 60)
    weekly = graph.get(dg.AssetKey(["part", "weekly"]))
    assert isinstance(weekly.partitions_def, dg.WeeklyPartitionsDefinition)
    assert graph.get(dg.AssetKey(["part", "total"])).partitions_def is None
    # The weekly rollup's explicit mapping, and Dagster's reading of it equal to Assetline's.
    mapping = graph.get_partition_mapping(
        dg.AssetKey(["part", "weekly"]), dg.AssetKey(["part", "revenue"])
    )
    assert mapping == dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=0)
    subset = weekly.partitions_def.empty_subset().with_partition_keys(["2024-01-14"])
    upstream = mapping.get_upstream_mapped_partitions_result_for_partitions(
        subset, weekly.partitions_def, days
    )
    assert sorted(upstream.partitions_subset.get_partition_keys()) == [
        f"2024-01-{day:02d}" for day in range(7, 21)
    ]
    # The identity default between the two daily assets.
    default = graph.get_partition_mapping(
        dg.AssetKey(["part", "revenue"]), dg.AssetKey(["part", "orders"])
    )
    assert isinstance(default, (dg.IdentityPartitionMapping, dg.TimeWindowPartitionMapping))


def test_one_partition_runs_with_that_ctx_partition(project: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = materialize(
        project, ["part/orders", "part/revenue"], instance, partition_key="2024-01-05"
    )
    assert result.success
    assert materialized_partitions(result, "part/orders") == ["2024-01-05"]
    assert materialized_partitions(result, "part/revenue") == ["2024-01-05"]
    assert stored(project, "part/orders", "2024-01-05") == {
        "key": "2024-01-05",
        "range": None,
        "start": "2024-01-05T00:00:00.000Z",
        "end": "2024-01-06T00:00:00.000Z",
    }
    assert stored(project, "part/revenue", "2024-01-05") == {
        "key": "2024-01-05",
        "read": "2024-01-05",
    }
    # Only that partition was materialized on the TypeScript side.
    assert sorted(p.name for p in (project / ".assetline/storage/part/orders").iterdir()) == [
        "2024-01-05.json"
    ]


def test_a_range_runs_in_one_process_and_the_rollup_reads_what_dagster_maps(project: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    tags = {
        "dagster/asset_partition_range_start": "2024-01-07",
        "dagster/asset_partition_range_end": "2024-01-20",
    }
    result = materialize(project, ["part/orders", "part/revenue"], instance, tags=tags)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    days = [f"2024-01-{day:02d}" for day in range(7, 21)]
    assert materialized_partitions(result, "part/revenue") == days
    for day in days:
        value = stored(project, "part/orders", day)
        assert isinstance(value, dict)
        assert value["key"] == day
        assert value["range"] == {"start": "2024-01-07", "end": "2024-01-20"}
    # The rollup of the week of the 14th reads its week and the one before, as Dagster maps it.
    weekly = materialize(project, ["part/weekly"], instance, partition_key="2024-01-14")
    assert weekly.success, [e.message for e in weekly.all_events if e.is_failure]
    assert stored(project, "part/weekly", "2024-01-14") == {"week": "2024-01-14", "days": days}


def test_a_partition_whose_upstream_is_missing_fails_with_what_to_do(project: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = materialize(project, ["part/revenue"], instance, partition_key="2024-02-01")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    text = str(failure.event_specific_data)
    assert "2024-02-01" in text and "part/orders" in text


def test_a_range_reaches_the_process_through_any_client_that_takes_extras(project: Path) -> None:
    from test_execute import StderrPipesClient

    from dagster_assetline.graph import find_assetline_command

    defs = load_assetline_defs(
        project,
        pipes_client=StderrPipesClient(),
        remote_command=find_assetline_command(project),
        remote_project_dir=str(project),
    )
    tags = {
        "dagster/asset_partition_range_start": "2024-01-02",
        "dagster/asset_partition_range_end": "2024-01-03",
    }
    result = dg.materialize(
        list(defs.assets or []),
        selection=["part/orders"],
        resources=defs.resources,
        instance=dg.DagsterInstance.ephemeral(),
        tags=tags,
    )
    assert result.success
    assert materialized_partitions(result, "part/orders") == ["2024-01-02", "2024-01-03"]
    assert stored(project, "part/orders", "2024-01-03")["range"] == {  # type: ignore[index]
        "start": "2024-01-02",
        "end": "2024-01-03",
    }


class _NoExtrasClient(dg.PipesClient):
    """A Pipes client whose `run` takes no `extras` (a hand-written one)."""

    def run(self, *, context: dg.AssetExecutionContext) -> dg.PipesClientCompletedInvocation:  # type: ignore[override]
        raise AssertionError("a range run must not launch through a client that drops it")

    def get_description(self) -> str:
        return "no extras"


def test_a_range_through_a_client_without_extras_fails_saying_so(project: Path) -> None:
    defs = load_assetline_defs(project, pipes_client=_NoExtrasClient())
    result = dg.materialize(
        list(defs.assets or []),
        selection=["part/orders"],
        resources=defs.resources,
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": "2024-01-02",
            "dagster/asset_partition_range_end": "2024-01-03",
        },
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "takes no `extras`" in str(failure.event_specific_data)
