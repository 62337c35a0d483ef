"""@assetline/core's partitions and cron schedules against real Dagster, for the same parameters.

The TypeScript side prints its keys, windows and ticks for a battery of definitions (several
time zones, daylight-saving changes, offsets, ends); each definition goes through the bridge's own
mapping (`to_partitions_def`) and Dagster computes the same things.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator

from dagster_assetline.partitions import to_partitions_def

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def battery() -> dict[str, Any]:
    out = subprocess.run(
        [
            "node",
            "--conditions=assetline-source",
            "--import",
            "tsx",
            "test/support/dagster-parity.ts",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def test_battery_is_not_empty(battery: dict[str, Any]) -> None:
    assert len(battery["partitions"]) >= 40
    assert len(battery["schedules"]) >= 30


def test_partition_keys_and_windows_match_dagster(battery: dict[str, Any]) -> None:
    now = dt.datetime.fromtimestamp(battery["now"], tz=dt.timezone.utc)
    mismatches: list[str] = []
    for case in battery["partitions"]:
        definition = to_partitions_def(case["definition"])
        assert definition is not None
        keys = [str(k) for k in definition.get_partition_keys(current_time=now)]
        label = json.dumps(case["definition"])
        if keys != case["keys"]:
            first = next(
                (i for i, (a, b) in enumerate(zip(keys, case["keys"], strict=False)) if a != b),
                min(len(keys), len(case["keys"])),
            )
            mismatches.append(
                f"{label}: keys differ at {first}: dagster {keys[first : first + 3]}, "
                f"ours {case['keys'][first : first + 3]} ({len(keys)} vs {len(case['keys'])})"
            )
            continue
        if not isinstance(definition, dg.TimeWindowPartitionsDefinition):
            continue
        for key, (start, end) in case["windows"].items():
            window = definition.time_window_for_partition_key(key)
            if (window.start.timestamp(), window.end.timestamp()) != (start, end):
                mismatches.append(
                    f"{label}: window of {key}: dagster {window}, ours {start}..{end}"
                )
                break
    assert mismatches == []


def test_cron_ticks_match_dagster_schedules(battery: dict[str, Any]) -> None:
    mismatches: list[str] = []
    for case in battery["schedules"]:
        for window in case["windows"]:
            ticks: list[float] = []
            # Dagster's iterator starts at its start, included; ours are in (after, upTo].
            for tick in cron_string_iterator(window["after"], case["cron"], case["timezone"]):
                if tick.timestamp() > window["upTo"]:
                    break
                if tick.timestamp() > window["after"]:
                    ticks.append(tick.timestamp())
            if ticks != window["ticks"]:
                ours = set(window["ticks"])
                theirs = set(ticks)
                mismatches.append(
                    f"{case['cron']} in {case['timezone']}: only dagster "
                    f"{sorted(theirs - ours)[:3]}, only ours {sorted(ours - theirs)[:3]}"
                )
    assert mismatches == []
