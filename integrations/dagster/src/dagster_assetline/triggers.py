"""Assetline's schedules and sensors as Dagster's, so that a deployment's daemon starts the same
runs `assetline dev` would. A schedule is data (cron, time zone, selection). A sensor's function
is TypeScript: each evaluation runs `assetline sensor NAME --json [--cursor C]` (our own small
protocol: run requests with the keys they select, the new cursor, why), and the Dagster sensor
turns its answer into RunRequests and its cursor."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg

from .graph import AssetlineError, AssetlineGraph
from .translator import asset_key, dagster_name, parse_duration


def selected_keys(command: Sequence[str], root: Path, selection: str) -> list[str]:
    """The materializable keys a selection means (`assetline list --select SEL --json`)."""
    argv = [*command, "list", "--select", selection, "--json", "--root", str(root)]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=root, check=False)
    if done.returncode != 0:
        raise AssetlineError(
            f"the selection {selection!r} of {root} cannot be resolved: "
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    assets = json.loads(done.stdout)["assets"]
    return [a["key"] for a in assets if not a.get("external")]


def schedule_definitions(
    graph: AssetlineGraph, root: Path, command: Sequence[str]
) -> list[dg.ScheduleDefinition]:
    schedules = []
    for schedule in graph.schedules:
        keys = selected_keys(command, root, schedule["select"])
        schedules.append(
            dg.ScheduleDefinition(
                name=dagster_name(schedule["name"]),
                cron_schedule=schedule["cron"],
                execution_timezone=schedule.get("timezone", "UTC"),
                target=dg.AssetSelection.assets(*(asset_key(k) for k in keys)),
                description=schedule.get("description")
                or f"assetline schedule {schedule['name']} ({schedule.get('file')}:"
                f"{schedule.get('line')}): {schedule['select']}",
            )
        )
    return schedules


def evaluate_sensor(
    command: Sequence[str], root: Path, name: str, cursor: str | None
) -> Mapping[str, Any]:
    """One evaluation of the TypeScript sensor, through the CLI."""
    argv = [*command, "sensor", name, "--json", "--root", str(root)]
    if cursor is not None:
        argv += ["--cursor", cursor]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=root, check=False)
    try:
        answer: Mapping[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        answer = {}
    if done.returncode != 0 or not answer:
        reason = answer.get("error") or done.stderr.strip() or done.stdout.strip()
        raise AssetlineError(f"the Assetline sensor {name!r} failed: {reason}")
    return answer


def sensor_definitions(
    graph: AssetlineGraph, root: Path, command: Sequence[str]
) -> list[dg.SensorDefinition]:
    sensors = []
    for sensor in graph.sensors:
        name = sensor["name"]
        targets = selected_keys(command, root, sensor["targets"])
        interval = parse_duration(sensor.get("interval", "30s"))
        seconds = max(1, int(interval.total_seconds())) if interval else 30

        def evaluate(
            context: dg.SensorEvaluationContext, name: str = name
        ) -> dg.SkipReason | list[dg.RunRequest]:
            answer = evaluate_sensor(command, root, name, context.cursor)
            if answer.get("cursor") is not None:
                context.update_cursor(str(answer["cursor"]))
            requests = [
                dg.RunRequest(
                    run_key=request.get("runKey"),
                    asset_selection=[asset_key(k) for k in request["keys"]],
                )
                for request in answer.get("requests", [])
                if request.get("keys")
            ]
            return requests or dg.SkipReason(str(answer.get("reason", "no run requested")))

        sensors.append(
            dg.SensorDefinition(
                name=dagster_name(name),
                evaluation_fn=evaluate,
                minimum_interval_seconds=seconds,
                target=dg.AssetSelection.assets(*(asset_key(k) for k in targets)),
                description=sensor.get("description")
                or f"assetline sensor {name} ({sensor.get('file')}:{sensor.get('line')})",
            )
        )
    return sensors
