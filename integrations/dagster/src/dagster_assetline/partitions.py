"""Assetline's partitions definitions and mappings (the JSON `assetline graph --json` carries)
as Dagster's own classes, so that a Dagster deployment partitions the assets the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg

_TIME_CLASSES: dict[str, type[dg.TimeWindowPartitionsDefinition]] = {
    "hourly": dg.HourlyPartitionsDefinition,
    "daily": dg.DailyPartitionsDefinition,
    "weekly": dg.WeeklyPartitionsDefinition,
    "monthly": dg.MonthlyPartitionsDefinition,
}


def _time_partitions(d: Mapping[str, Any]) -> dg.PartitionsDefinition:
    kind = d["type"]
    options: dict[str, Any] = {
        "start_date": d["start"],
        "end_date": d.get("end"),
        "timezone": d.get("timezone", "UTC"),
        "fmt": d.get("format"),
        "minute_offset": d.get("minuteOffset", 0),
        "end_offset": d.get("endOffset", 0),
    }
    if kind != "hourly":
        options["hour_offset"] = d.get("hourOffset", 0)
    if kind in ("weekly", "monthly"):
        options["day_offset"] = d.get("dayOffset", 1 if kind == "monthly" else 0)
    return _TIME_CLASSES[kind](**{k: v for k, v in options.items() if v is not None})


def to_partitions_def(d: Mapping[str, Any] | None) -> dg.PartitionsDefinition | None:
    """Dagster's partitions definition for an Assetline one (None for an unpartitioned asset)."""
    if d is None:
        return None
    kind = d["type"]
    if kind == "static":
        return dg.StaticPartitionsDefinition(list(d["keys"]))
    if kind == "multi":
        dimensions = d["dimensions"]
        items: list[tuple[str, Mapping[str, Any]]] = (
            list(dimensions.items())
            if isinstance(dimensions, Mapping)
            else [(dim["name"], dim["partitions"]) for dim in dimensions]
        )
        return dg.MultiPartitionsDefinition(
            {name: _dimension(partitions) for name, partitions in items}
        )
    if kind in _TIME_CLASSES:
        return _time_partitions(d)
    if kind == "cron":
        options: dict[str, Any] = {
            "cron_schedule": d["cron"],
            "start": d["start"],
            "fmt": d.get("format", "%Y-%m-%d-%H:%M"),
            "timezone": d.get("timezone", "UTC"),
            "end": d.get("end"),
            "end_offset": d.get("endOffset", 0),
        }
        return dg.TimeWindowPartitionsDefinition(
            **{k: v for k, v in options.items() if v is not None}
        )
    raise ValueError(f"Assetline partitions of type {kind!r} have no Dagster equivalent here.")


def _dimension(d: Mapping[str, Any]) -> dg.PartitionsDefinition:
    found = to_partitions_def(d)
    assert found is not None
    return found


def to_partition_mapping(m: Mapping[str, Any] | None) -> dg.PartitionMapping | None:
    """Dagster's partition mapping for an Assetline input's mapping (None: Dagster's default)."""
    if m is None:
        return None
    kind = m["type"]
    if kind == "identity":
        return dg.IdentityPartitionMapping()
    if kind == "timeWindow":
        return dg.TimeWindowPartitionMapping(
            start_offset=m.get("startOffset", 0), end_offset=m.get("endOffset", 0)
        )
    if kind == "all":
        return dg.AllPartitionMapping()
    if kind == "last":
        return dg.LastPartitionMapping()
    if kind == "static":
        by_upstream = {
            up: set(down) if isinstance(down, list) else down
            for up, down in m["downstreamKeysByUpstreamKey"].items()
        }
        return dg.StaticPartitionMapping(by_upstream)
    if kind == "dimension":
        return dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name=m["dimension"])
    raise ValueError(f"Assetline partition mapping {kind!r} has no Dagster equivalent here.")
