"""Assetline's declarative automation conditions (the JSON `assetline graph --json` carries) as
Dagster AutomationConditions, so that a deployment's daemon requests the same runs that
`assetline dev` would."""

from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from typing import Any

import dagster as dg

AC = dg.AutomationCondition

_LEAVES = {
    "eager": AC.eager,
    "onMissing": AC.on_missing,
    "missing": AC.missing,
    "newlyMissing": AC.newly_missing,
    "inProgress": AC.in_progress,
    "newlyUpdated": AC.newly_updated,
    "anyDepsUpdated": AC.any_deps_updated,
    "anyDepsMissing": AC.any_deps_missing,
    "anyDepsInProgress": AC.any_deps_in_progress,
}

_CRON = {
    "onCron": AC.on_cron,
    "cronTickPassed": AC.cron_tick_passed,
    "allDepsUpdatedSinceCron": AC.all_deps_updated_since_cron,
}


def to_automation_condition(c: Mapping[str, Any] | None) -> dg.AutomationCondition | None:
    """Dagster's AutomationCondition for an Assetline condition (None when there is none)."""
    if c is None:
        return None
    kind = c["type"]
    if kind in _LEAVES:
        return _LEAVES[kind]()
    if kind in _CRON:
        return _CRON[kind](c["cron"], c.get("timezone", "UTC"))
    if kind == "sinceLastHandled":
        return _required(c["operand"]).since_last_handled()
    if kind == "not":
        return ~_required(c["operand"])
    if kind in ("and", "or"):
        operands = [_required(o) for o in c["operands"]]
        if kind == "and":
            return reduce(lambda a, b: a & b, operands)
        return reduce(lambda a, b: a | b, operands)
    raise ValueError(f"Assetline automation condition {kind!r} has no Dagster equivalent here.")


def _required(c: Mapping[str, Any]) -> dg.AutomationCondition:
    found = to_automation_condition(c)
    assert found is not None
    return found
