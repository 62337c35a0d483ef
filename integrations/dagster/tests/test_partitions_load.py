"""Partitioned assets in the translator, from a hand-written graph (the shape of the contract):
partitions definitions, dep mappings, checks, automation, and the multi-assets split by
definition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from dagster_assetline import AssetlineError, build_assetline_defs
from dagster_assetline.graph import parse_graph

DAILY = {
    "type": "daily",
    "start": "2024-01-01",
    "end": "2024-02-01",
    "timezone": "UTC",
    "format": "%Y-%m-%d",
    "minuteOffset": 0,
    "hourOffset": 0,
    "dayOffset": 0,
    "endOffset": 0,
}
WEEKLY = {**DAILY, "type": "weekly"}
REGIONS = {"type": "static", "keys": ["eu", "us"]}


def node(key: str, **fields: Any) -> dict[str, Any]:
    return {
        "key": key,
        "file": "assets.ts",
        "line": 1,
        "column": 1,
        "group": "alpha",
        "deps": [],
        "ins": {},
        "checks": [],
        "generated": False,
        **fields,
    }


def defs_of(*nodes: dict[str, Any]) -> dg.Definitions:
    graph = parse_graph(json.dumps({"version": 1, "assets": list(nodes), "diagnostics": []}))
    return build_assetline_defs(graph, Path("."), pipes_client=dg.PipesSubprocessClient())


def key(text: str) -> dg.AssetKey:
    return dg.AssetKey.from_user_string(text)


CHAIN = (
    node(
        "raw/events",
        partitions=DAILY,
        checks=["not_empty"],
        checkSpecs={"not_empty": {"blocking": True}},
    ),
    node("clean/events", partitions=DAILY, deps=["raw/events"], ins={"events": "raw/events"}),
    node(
        "report/weekly",
        partitions=WEEKLY,
        deps=["clean/events"],
        ins={"days": "clean/events"},
        partitionMappings={"days": {"type": "timeWindow", "startOffset": -1, "endOffset": 0}},
    ),
    node("report/total", deps=["clean/events"], ins={"all": "clean/events"}),
    node(
        "by_region",
        partitions=REGIONS,
        deps=["raw/events"],
        partitionMappings={"raw/events": {"type": "all"}},
        automationCondition={"type": "onCron", "cron": "0 1 * * *", "timezone": "UTC"},
    ),
)


def test_each_asset_gets_its_partitions_and_each_dep_its_mapping() -> None:
    graph = defs_of(*CHAIN).resolve_asset_graph()
    daily = graph.get(key("raw/events")).partitions_def
    assert isinstance(daily, dg.DailyPartitionsDefinition)
    assert daily.get_partition_keys()[:2] == ["2024-01-01", "2024-01-02"]
    assert len(daily.get_partition_keys()) == 31
    assert graph.get(key("clean/events")).partitions_def == daily
    assert isinstance(graph.get(key("report/weekly")).partitions_def, dg.WeeklyPartitionsDefinition)
    assert graph.get(key("report/total")).partitions_def is None
    assert graph.get(key("by_region")).partitions_def == dg.StaticPartitionsDefinition(["eu", "us"])

    def mapping(down: str, up: str) -> dg.PartitionMapping | None:
        assets_def = graph.get(key(down)).assets_def
        return assets_def.get_partition_mapping_for_dep(key(up))

    assert mapping("report/weekly", "clean/events") == dg.TimeWindowPartitionMapping(
        start_offset=-1, end_offset=0
    )
    assert isinstance(mapping("by_region", "raw/events"), dg.AllPartitionMapping)
    # No explicit mapping: Dagster's default, partition to partition for the same definition.
    assert mapping("clean/events", "raw/events") is None
    assert graph.get_partition_mapping(
        key("clean/events"), key("raw/events")
    ) == dg.TimeWindowPartitionMapping(start_offset=0, end_offset=0)
    # The check of a partitioned asset is there, blocking.
    check = graph.get(dg.AssetCheckKey(key("raw/events"), "not_empty"))
    assert check.blocking
    # Automation on a partitioned asset builds.
    assert graph.get(key("by_region")).automation_condition is not None


def members(defs: dg.Definitions) -> list[list[str]]:
    """The executable multi-assets, each as the sorted list of its asset keys."""
    return sorted(
        sorted(k.to_user_string() for k in a.keys)
        for a in defs.assets or []
        if isinstance(a, dg.AssetsDefinition) and a.is_executable
    )


def test_a_group_is_split_by_partitions_definition() -> None:
    defs = defs_of(*CHAIN)
    assert members(defs) == [
        ["by_region"],
        ["clean/events", "raw/events"],
        ["report/total"],
        ["report/weekly"],
    ]
    # Dagster accepts the whole (its validation of mappings between definitions included).
    dg.Definitions.validate_loadable(defs)


def test_a_mapping_for_no_upstream_is_a_sentence() -> None:
    with pytest.raises(AssetlineError, match="neither one of its inputs"):
        defs_of(
            node("a", partitions=DAILY),
            node("b", partitions=DAILY, deps=["a"], partitionMappings={"x": {"type": "all"}}),
        )


def test_an_unknown_mapping_or_definition_is_a_sentence() -> None:
    with pytest.raises(AssetlineError, match="upstream 'a': its partition mapping has no Dagster"):
        defs_of(
            node("a", partitions=DAILY),
            node("b", partitions=DAILY, deps=["a"], partitionMappings={"a": {"type": "odd"}}),
        )
    with pytest.raises(AssetlineError, match="has partitions Dagster cannot take"):
        defs_of(node("a", partitions={"type": "yearly", "start": "2024-01-01"}))


def test_a_mapping_given_twice_or_not_an_object_is_a_sentence() -> None:
    with pytest.raises(AssetlineError, match="maps the partitions of 'a' twice"):
        defs_of(
            node("a", partitions=DAILY),
            node(
                "b",
                partitions=DAILY,
                deps=["a"],
                ins={"x": "a"},
                partitionMappings={"x": {"type": "identity"}, "a": {"type": "all"}},
            ),
        )
    with pytest.raises(AssetlineError, match="is not a mapping object with a `type`"):
        defs_of(
            node("a", partitions=DAILY),
            node("b", partitions=DAILY, deps=["a"], partitionMappings={"a": "all"}),
        )
