"""The project's static graph, as `assetline graph --json` prints it (no TypeScript is run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GRAPH_FORMAT_VERSION = 1


class AssetlineError(Exception):
    """The project cannot be read or run; the message says what to do."""


@dataclass(frozen=True)
class AssetlineCheck:
    """A check attached to an asset: its name, and what its spec says (the graph's `checkSpecs`)."""

    name: str
    blocking: bool = False
    severity: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class AssetlineAsset:
    """One asset of the graph, with the fields of `assetline graph --json`."""

    key: str
    file: str
    line: int
    column: int
    deps: tuple[str, ...]
    ins: Mapping[str, str]
    checks: tuple[AssetlineCheck, ...]
    generated: bool
    external: bool = False
    group: str | None = None
    description: str | None = None
    kinds: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    code_version: str | None = None
    #: `freshness.maxLag` ("24h", "PT6H"), when the graph carries it.
    max_lag: str | None = None
    #: The `partitions` object of the contract, when the graph carries it.
    partitions: Mapping[str, Any] | None = None
    #: The readable `automation` condition, when the graph carries it.
    automation: Any = None
    #: The whole node as printed, for translators that read fields this class does not name.
    raw: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_json(node: Mapping[str, Any]) -> AssetlineAsset:
        key = node.get("key")
        if not isinstance(key, str) or not key:
            raise AssetlineError(f"an asset in the graph has no key: {json.dumps(node)[:200]}")
        freshness = node.get("freshness")
        max_lag = freshness.get("maxLag") if isinstance(freshness, Mapping) else None
        code_version = node.get("codeVersion")
        specs = node.get("checkSpecs")
        specs = specs if isinstance(specs, Mapping) else {}
        return AssetlineAsset(
            key=key,
            file=str(node.get("file", "")),
            line=int(node.get("line", 0)),
            column=int(node.get("column", 0)),
            deps=tuple(str(d) for d in node.get("deps", [])),
            ins={str(k): str(v) for k, v in (node.get("ins") or {}).items()},
            checks=tuple(_check_from_json(key, c, specs) for c in node.get("checks", [])),
            generated=bool(node.get("generated", False)),
            external=bool(node.get("external", False)),
            group=node.get("group"),
            description=node.get("description"),
            kinds=tuple(str(k) for k in node.get("kinds") or ()),
            owners=tuple(str(o) for o in node.get("owners") or ()),
            tags={str(k): str(v) for k, v in (node.get("tags") or {}).items()},
            metadata=dict(node.get("metadata") or {}),
            code_version=None if code_version is None else str(code_version),
            max_lag=max_lag if isinstance(max_lag, str) else None,
            partitions=node.get("partitions"),
            automation=node.get("automation"),
            raw=dict(node),
        )


def _check_from_json(asset_key: str, check: Any, specs: Mapping[str, Any]) -> AssetlineCheck:
    if not isinstance(check, str):
        raise AssetlineError(f"asset {asset_key!r} has a check the graph does not name: {check!r}")
    spec = specs.get(check)
    spec = spec if isinstance(spec, Mapping) else {}
    severity = spec.get("severity")
    description = spec.get("description")
    return AssetlineCheck(
        name=check,
        blocking=spec.get("blocking") is True,
        severity=severity if isinstance(severity, str) else None,
        description=description if isinstance(description, str) else None,
    )


@dataclass(frozen=True)
class AssetlineGraph:
    assets: tuple[AssetlineAsset, ...]
    diagnostics: tuple[Mapping[str, Any], ...] = ()
    #: `schedule(...)` declarations: name, cron, timezone, select (and where).
    schedules: tuple[Mapping[str, Any], ...] = ()
    #: `sensor(...)` declarations: name, interval, targets (their functions run through the CLI).
    sensors: tuple[Mapping[str, Any], ...] = ()

    @staticmethod
    def from_json(data: Any, *, source: str = "the graph") -> AssetlineGraph:
        if not isinstance(data, Mapping) or not isinstance(data.get("assets"), list):
            raise AssetlineError(f"{source} is not an Assetline graph (no `assets` list).")
        version = data.get("version")
        if version != GRAPH_FORMAT_VERSION:
            raise AssetlineError(
                f"{source} has format version {version!r}; this dagster-assetline reads version "
                f"{GRAPH_FORMAT_VERSION}. Install matching versions of assetline and "
                "dagster-assetline."
            )
        return AssetlineGraph(
            assets=tuple(AssetlineAsset.from_json(a) for a in data["assets"]),
            diagnostics=tuple(data.get("diagnostics") or ()),
            schedules=tuple(data.get("schedules") or ()),
            sensors=tuple(data.get("sensors") or ()),
        )

    @property
    def errors(self) -> list[Mapping[str, Any]]:
        return [d for d in self.diagnostics if d.get("severity") == "error"]


def find_node() -> str:
    """The `node` that runs the CLI: `ASSETLINE_NODE` when set, else `node` on the PATH."""
    override = os.environ.get("ASSETLINE_NODE")
    if override:
        return override
    node = shutil.which("node")
    if node is None:
        raise AssetlineError(
            "`node` is not on the PATH: install Node.js 20 or newer, or set ASSETLINE_NODE to "
            "the path of a node executable."
        )
    return node


def find_assetline_command(project_dir: str | os.PathLike[str]) -> list[str]:
    """The argv that runs the `assetline` CLI for a project, through node: the project's
    `node_modules/.bin/assetline`, or that of a folder above it (npm workspaces hoist it), else
    `assetline` on the PATH. `ASSETLINE_CLI` (a path to the CLI's script) overrides both."""
    here = Path(project_dir).resolve()
    override = os.environ.get("ASSETLINE_CLI")
    if override:
        script: Path | None = Path(override)
    else:
        script = next(
            (
                folder / "node_modules" / ".bin" / "assetline"
                for folder in (here, *here.parents)
                if (folder / "node_modules" / ".bin" / "assetline").exists()
            ),
            None,
        )
        if script is None:
            on_path = shutil.which("assetline")
            script = Path(on_path) if on_path else None
    if script is None:
        raise AssetlineError(
            f"no `assetline` command found for {here}: run `npm install assetline` in the "
            "project (or set ASSETLINE_CLI to the path of the CLI's script)."
        )
    # `.bin/assetline` is a link to the package's bin script: run that script with node, so
    # that neither the link's executable bit nor its shebang matters (nor Windows' .cmd shims).
    target = script.resolve()
    if target.suffix in (".js", ".cjs", ".mjs"):
        return [find_node(), str(target)]
    return [str(target)]


def read_graph_json(
    project_dir: str | os.PathLike[str], *, command: Sequence[str] | None = None
) -> str:
    """Runs `assetline graph --json` for the project and returns its output, checked."""
    root = Path(project_dir).resolve()
    if not root.is_dir():
        raise AssetlineError(f"the Assetline project folder {root} does not exist.")
    argv = [*(command or find_assetline_command(root)), "graph", "--json", "--root", str(root)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=root, check=False)
    except OSError as error:
        raise AssetlineError(f"could not start `{' '.join(argv)}`: {error}") from error
    if done.returncode != 0:
        raise AssetlineError(
            f"`assetline graph --json` failed for {root} (exit {done.returncode}):\n"
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    parse_graph(done.stdout, source=f"the graph of {root}")
    return done.stdout


def parse_graph(text: str, *, source: str = "the graph") -> AssetlineGraph:
    """Parses and checks a graph: errors in the project (broken deps, cycles, duplicate keys)
    refuse to load, each with its place, as `assetline check` reports them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AssetlineError(f"{source} is not JSON ({error}).") from error
    graph = AssetlineGraph.from_json(data, source=source)
    if graph.errors:
        lines = "\n".join(
            f"  {d.get('file')}:{d.get('line')}:{d.get('column')} "
            f"{d.get('code')}: {d.get('message')}"
            for d in graph.errors
        )
        raise AssetlineError(
            f"{source} has errors; fix them (`npx assetline check` shows the same):\n{lines}"
        )
    return graph
