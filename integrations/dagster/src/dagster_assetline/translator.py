"""From the static graph to Dagster's specs: one `AssetSpec` per asset, one `AssetCheckSpec` per
check. What has no Dagster equivalent travels as metadata under `assetline/...`, never dropped."""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg

from .automation import to_automation_condition
from .graph import AssetlineAsset, AssetlineError
from .partitions import to_partition_mapping, to_partitions_def

#: Dagster's names (groups, ops): letters, digits and underscores.
_INVALID_NAME_CHARS = re.compile(r"[^A-Za-z0-9_]")
#: Dagster's tag keys (an optional `prefix/`) and strict tag values (kubernetes label syntax).
_TAG_KEY = re.compile(r"^([A-Za-z0-9_.-]{1,63}/)?[A-Za-z0-9_.-]{1,63}$")
_TAG_VALUE = re.compile(r"^[A-Za-z0-9_.-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_SHORT_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$")
_ISO_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def asset_key(key: str) -> dg.AssetKey:
    """`ingest/raw_orders` is `AssetKey(["ingest", "raw_orders"])`, shown as the same string."""
    return dg.AssetKey(key.split("/"))


def dagster_name(text: str) -> str:
    """A valid Dagster name (group, op) for any Assetline name: other characters become `_`."""
    name = _INVALID_NAME_CHARS.sub("_", text)
    return name if name and not name[0].isdigit() else f"_{name}"


def parse_duration(text: str) -> timedelta | None:
    """The durations Assetline's specs take (`@assetline/core`'s `parseDuration`): "30m", "24h",
    "7d", "1w", or ISO 8601 such as "PT6H" (years and months as 365 and 30 days)."""
    text = text.strip()
    simple = _SHORT_DURATION.match(text)
    if simple:
        return timedelta(seconds=float(simple.group(1)) * _UNIT_SECONDS[simple.group(2)])
    iso = _ISO_DURATION.match(text)
    if iso and text != "P" and not text.endswith("T"):
        y, mo, w, d, h, m, s = (float(part or 0) for part in iso.groups())
        return timedelta(days=y * 365 + mo * 30 + w * 7 + d, hours=h, minutes=m, seconds=s)
    return None


def metadata_value(value: Any) -> Any:
    """A JSON value as Dagster metadata: scalars as themselves, lists and objects as JSON."""
    if value is None:
        return dg.MetadataValue.null()
    if isinstance(value, (bool, int, float, str)):
        return value
    return dg.MetadataValue.json(value)


def asset_metadata(asset: AssetlineAsset, project_dir: Path) -> dict[str, Any]:
    """The asset's metadata (classification included), where it is declared, and what the
    Dagster fields cannot hold (owners and tags Dagster refuses), each under `assetline/`."""
    metadata: dict[str, Any] = {k: metadata_value(v) for k, v in asset.metadata.items()}
    metadata["assetline/key"] = asset.key
    metadata["assetline/source"] = f"{asset.file}:{asset.line}:{asset.column}"
    if asset.file:
        # Beta in 1.13 (the warning says so at every load): shown as "source" in the UI.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dg.BetaWarning)
            metadata["dagster/code_references"] = dg.CodeReferencesMetadataValue(
                code_references=[
                    dg.LocalFileCodeReference(
                        file_path=str(project_dir / asset.file), line_number=asset.line
                    )
                ]
            )
    if asset.generated:
        metadata["assetline/generated"] = True
    other_owners = [o for o in asset.owners if dagster_owner(o) is None]
    if other_owners:
        metadata["assetline/owners"] = dg.MetadataValue.json(other_owners)
    other_tags = {k: v for k, v in asset.tags.items() if not _valid_tag(k, v)}
    if other_tags:
        metadata["assetline/tags"] = dg.MetadataValue.json(other_tags)
    return metadata


def dagster_owner(owner: str) -> str | None:
    """Dagster takes an email or `team:name`; Assetline's `user:ada@example.com` is the email."""
    if owner.startswith("team:") and len(owner) > 5:
        return owner
    email = owner[len("user:") :] if owner.startswith("user:") else owner
    return email if _EMAIL.match(email) else None


def _valid_tag(key: str, value: str) -> bool:
    return bool(_TAG_KEY.match(key)) and bool(_TAG_VALUE.match(value))


def freshness_policy(asset: AssetlineAsset) -> dg.FreshnessPolicy | None:
    """`freshness: { maxLag }` is a time-window policy: failing once the last materialization
    is older than `maxLag`."""
    if asset.max_lag is None:
        return None
    window = parse_duration(asset.max_lag)
    if window is None:
        raise AssetlineError(
            f"asset {asset.key!r} ({asset.file}:{asset.line}) has freshness.maxLag "
            f"{asset.max_lag!r}, which is not a duration; use e.g. '30m', '24h' or 'PT6H'."
        )
    return dg.FreshnessPolicy.time_window(fail_window=window)


def asset_spec(asset: AssetlineAsset, project_dir: Path) -> dg.AssetSpec:
    """The Dagster spec of one asset. Materializable specs are `skippable`: a run that stops
    before an asset (a failed upstream or blocking check) leaves it unmaterialized."""
    owners = [o for o in (dagster_owner(owner) for owner in asset.owners) if o is not None]
    return dg.AssetSpec(
        key=asset_key(asset.key),
        deps=asset_deps(asset),
        partitions_def=partitions_def(asset),
        description=asset.description,
        group_name=dagster_name(asset.group) if asset.group else None,
        owners=list(dict.fromkeys(owners)),
        tags={k: v for k, v in asset.tags.items() if _valid_tag(k, v)},
        kinds=set(asset.kinds) | {"typescript"} if not asset.external else set(asset.kinds),
        metadata=asset_metadata(asset, project_dir),
        code_version=asset.code_version,
        freshness_policy=freshness_policy(asset),
        automation_condition=None
        if asset.external
        else to_automation_condition(asset.raw.get("automationCondition")),
        skippable=not asset.external,
    )


def partitions_def(asset: AssetlineAsset) -> dg.PartitionsDefinition | None:
    """The asset's partitions as Dagster's own definition (same keys: tests/test_core_parity.py)."""
    try:
        return to_partitions_def(asset.partitions)
    except (ValueError, KeyError, TypeError) as error:
        raise AssetlineError(
            f"asset {asset.key!r} ({asset.file}:{asset.line}) has partitions Dagster cannot take: "
            f"{error}. Fix the definition (`assetline check` says what is wrong with it)."
        ) from error


def asset_deps(asset: AssetlineAsset) -> list[dg.AssetDep]:
    """Each upstream, with the partition mapping the asset declares for it (by input name, or
    by the key of a plain dep); Dagster's default mapping otherwise, which is Assetline's."""
    mappings = asset.raw.get("partitionMappings")
    mappings = mappings if isinstance(mappings, Mapping) else {}
    by_upstream: dict[str, Any] = {}
    for name, mapping in mappings.items():
        upstream = asset.ins.get(str(name), str(name))
        where = f"asset {asset.key!r} ({asset.file}:{asset.line})"
        if upstream not in asset.deps:
            inputs = ", ".join(repr(i) for i in sorted(asset.ins)) or "none"
            raise AssetlineError(
                f"{where} has a partition mapping for {name!r}, which is neither one of its "
                f"inputs ({inputs}) nor the key of an upstream it depends on; key "
                "`partitionMappings` by input name or by dep key."
            )
        if upstream in by_upstream:
            raise AssetlineError(
                f"{where} maps the partitions of {upstream!r} twice (by input name and by dep "
                "key); keep one."
            )
        if not isinstance(mapping, Mapping) or "type" not in mapping:
            raise AssetlineError(
                f"{where}: its partition mapping for {name!r} is not a mapping object with a "
                f"`type` ({json.dumps(mapping)}); use identityMapping(), timeWindowMapping(), ..."
            )
        by_upstream[upstream] = mapping
    deps = []
    for dep in asset.deps:
        mapping = by_upstream.get(dep)
        try:
            partition_mapping = (
                to_partition_mapping(mapping) if isinstance(mapping, Mapping) else None
            )
        except (ValueError, KeyError, TypeError) as error:
            raise AssetlineError(
                f"asset {asset.key!r} ({asset.file}:{asset.line}), upstream {dep!r}: its partition "
                f"mapping has no Dagster equivalent: {error}"
            ) from error
        deps.append(dg.AssetDep(asset_key(dep), partition_mapping=partition_mapping))
    return deps


def check_specs(asset: AssetlineAsset) -> list[dg.AssetCheckSpec]:
    """One `AssetCheckSpec` per check, `blocking` kept (a failing blocking check stops the
    asset's downstream in Dagster as in Assetline)."""
    return [
        dg.AssetCheckSpec(
            name=check.name,
            asset=asset_key(asset.key),
            blocking=check.blocking,
            description=check.description,
            metadata={"assetline/severity": check.severity} if check.severity else None,
        )
        for check in asset.checks
    ]


def partition_of(asset: AssetlineAsset, split: str) -> str:
    """Which multi-asset an asset belongs to: the whole project, its group, or itself."""
    if split == "project":
        return "project"
    if split == "group":
        return asset.group or "default"
    if split == "asset":
        return asset.key
    raise AssetlineError(f"split must be 'project', 'group' or 'asset', not {split!r}.")


def op_name(prefix: str, part: str) -> str:
    return dagster_name(f"{prefix}_{part.replace('/', '__')}")


def specs_by_part(
    assets: Mapping[str, AssetlineAsset], split: str
) -> dict[str, list[AssetlineAsset]]:
    """The multi-assets: by `split`, and within it by partitions definition (Dagster runs one
    multi-asset for one set of partitions; an unpartitioned part keeps its plain name)."""
    parts: dict[str, list[AssetlineAsset]] = {}
    for asset in assets.values():
        if not asset.external:
            part = partition_of(asset, split)
            if asset.partitions is not None:
                part = f"{part}_{_partitions_label(asset.partitions)}"
            parts.setdefault(part, []).append(asset)
    return parts


def _partitions_label(partitions: Mapping[str, Any]) -> str:
    """A short, stable name for a partitions definition: its type and a hash of the rest."""
    text = json.dumps(partitions, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{partitions.get('type', 'partitioned')}_{digest}"
