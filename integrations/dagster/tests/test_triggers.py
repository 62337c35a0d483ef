"""Assetline's schedules and sensors under Dagster: examples/shop's nightly schedule and its
sensor on data/in, whose TypeScript function Dagster evaluates through `assetline sensor`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
from conftest import SHOP

from dagster_assetline import load_assetline_defs


@pytest.fixture()
def shop_copy(tmp_path: Path) -> Path:
    """The example with its own data/in, so that touching a CSV changes nothing shared."""
    root = tmp_path / "shop"
    shutil.copytree(
        SHOP,
        root,
        ignore=shutil.ignore_patterns(".assetline", "node_modules", "out", "dagster"),
        symlinks=True,
    )
    (root / "node_modules").symlink_to(SHOP.parents[1] / "node_modules")
    return root


def test_the_schedule_maps_with_its_cron_time_zone_and_selection(shop_copy: Path) -> None:
    defs = load_assetline_defs(shop_copy)
    schedule = defs.get_schedule_def("nightly_ingest")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Berlin"
    graph = defs.resolve_asset_graph()
    keys = schedule.target.resolvable_to_job.selection.resolve(graph)
    assert keys == {dg.AssetKey(["ingest", "raw_orders"]), dg.AssetKey(["ingest", "raw_customers"])}


def test_the_sensor_runs_the_typescript_function_and_keeps_its_cursor(shop_copy: Path) -> None:
    defs = load_assetline_defs(shop_copy)
    sensor = defs.get_sensor_def("new_shop_files")
    assert sensor.minimum_interval_seconds == 30
    with dg.instance_for_test() as instance:
        first = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))
        assert [r.asset_selection for r in first.run_requests] == [
            [dg.AssetKey(["ingest", "raw_orders"]), dg.AssetKey(["ingest", "raw_customers"])]
        ]
        assert first.run_requests[0].run_key and first.cursor
        # Nothing new in data/in: the cursor holds and the sensor skips, with the TS reason.
        again = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, definitions=defs, cursor=first.cursor)
        )
        assert again.run_requests == []
        assert again.skip_message == "no new CSV in data/in"
        # A CSV lands: a new run request.
        orders = shop_copy / "data" / "in" / "orders.csv"
        later = orders.stat().st_mtime + 60
        os.utime(orders, (later, later))
        landed = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, definitions=defs, cursor=first.cursor)
        )
        assert len(landed.run_requests) == 1
        assert landed.run_requests[0].run_key != first.run_requests[0].run_key
