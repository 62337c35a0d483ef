"""`load_assetline_defs`: a project's static graph as Dagster definitions."""

import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import dagster as dg

# Not exported at the top level in 1.13; the same API Dagster's own state-backed loaders use.
from dagster._core.definitions.definitions_load_context import (
    DefinitionsLoadContext,
    DefinitionsLoadType,
)

from .execution import DEFAULT_PIPES_CLIENT_KEY, AssetlineLaunch, run_assetline
from .graph import (
    AssetlineAsset,
    AssetlineGraph,
    find_assetline_command,
    parse_graph,
    read_graph_json,
)
from .translator import asset_spec, check_specs, op_name, partitions_def, specs_by_part
from .triggers import schedule_definitions, sensor_definitions

Split = Literal["group", "project", "asset"]


def load_assetline_defs(
    project_dir: str | os.PathLike[str],
    *,
    env: str | None = None,
    pipes_client: dg.PipesClient | None = None,
    pipes_client_key: str = DEFAULT_PIPES_CLIENT_KEY,
    split: Split = "group",
    name: str = "assetline",
    remote_command: Sequence[str] = ("npx", "assetline"),
    remote_project_dir: str = ".",
    run_kwargs: Mapping[str, Any] | None = None,
    process_env: Mapping[str, str] | None = None,
) -> dg.Definitions:
    """Dagster definitions for the Assetline project in `project_dir`, from its static graph
    (`assetline graph --json`: the analysis the editor runs; no TypeScript is run to define them).

    - Every asset is a Dagster asset with its key, deps, group, owners, tags, kinds, description,
      metadata, code version and freshness; external assets are external `AssetSpec`s; checks are
      `AssetCheckSpec`s (blocking kept).
    - The assets are grouped into subsettable multi-assets (`split`: one per Assetline group,
      the default; one for the whole `project`; one per `asset`). A selection inside one
      multi-asset runs in one `assetline pipes --root PROJECT [--env ENV]` process; separate
      multi-assets are separate steps, which Dagster's multiprocess executor runs in parallel.
    - Execution goes through the Pipes client under `pipes_client_key`: `pipes_client`, or
      `PipesSubprocessClient()` when none is given. Swap in `PipesK8sClient`, `PipesDockerClient`
      or `PipesECSClient` (with `run_kwargs` for its `run`, such as `image`) to run elsewhere.
    - `env` is the Assetline environment (`assetline.config.json`) the runs use.

    When Dagster reconstructs the definitions in a run or step worker, the graph read when the
    code location loaded is reused (no second analysis).
    """
    root = Path(project_dir).resolve()
    graph = _graph_for(root, name)
    return build_assetline_defs(
        graph,
        root,
        env=env,
        pipes_client=pipes_client,
        pipes_client_key=pipes_client_key,
        split=split,
        name=name,
        remote_command=remote_command,
        remote_project_dir=remote_project_dir,
        run_kwargs=run_kwargs,
        process_env=process_env,
    )


def _state_key(root: Path, name: str) -> str:
    return f"dagster_assetline[{name}:{root}]"


def _graph_for(root: Path, name: str) -> tuple[AssetlineGraph, str]:
    """The project's graph, and its JSON text: read when the code location loads; when a run or
    step worker rebuilds the same definitions, taken from the reconstruction metadata (a code
    server's runs), else from the file the loading process left for its child processes (the
    multiprocess executor's steps under `dagster asset materialize`)."""
    key = _state_key(root, name)
    context = DefinitionsLoadContext.get()
    text: str | None = None
    if context.load_type == DefinitionsLoadType.RECONSTRUCTION:
        stored = context.reconstruction_metadata.get(key)
        text = stored if isinstance(stored, str) else _inherited_graph(key)
    if text is None:
        text = read_graph_json(root)
        _leave_for_children(key, text)
    context.add_to_pending_reconstruction_metadata(key, text)
    return parse_graph(text, source=f"the graph of {root}"), text


def _env_var(key: str) -> str:
    return "DAGSTER_ASSETLINE_GRAPH_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _inherited_graph(key: str) -> str | None:
    path = os.environ.get(_env_var(key))
    if not path:
        return None
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _leave_for_children(key: str, text: str) -> None:
    """The graph this process loaded, in a file named by its content, and its path in the
    environment that child processes inherit (only a reconstruction reads it)."""
    folder = Path(tempfile.gettempdir()) / "dagster-assetline"
    folder.mkdir(exist_ok=True)
    path = folder / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.json"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text)
        partial.replace(path)
    os.environ[_env_var(key)] = str(path)


def build_assetline_defs(
    graph: tuple[AssetlineGraph, str] | AssetlineGraph,
    project_dir: Path,
    *,
    env: str | None = None,
    pipes_client: dg.PipesClient | None = None,
    pipes_client_key: str = DEFAULT_PIPES_CLIENT_KEY,
    split: Split = "group",
    name: str = "assetline",
    remote_command: Sequence[str] = ("npx", "assetline"),
    remote_project_dir: str = ".",
    run_kwargs: Mapping[str, Any] | None = None,
    process_env: Mapping[str, str] | None = None,
) -> dg.Definitions:
    """The definitions for a graph already read (`load_assetline_defs` and the component)."""
    if isinstance(graph, tuple):
        graph = graph[0]
    assets = {asset.key: asset for asset in graph.assets}
    launch = AssetlineLaunch(
        project_dir=project_dir,
        env=env,
        command=tuple(_command_or_placeholder(project_dir, pipes_client)),
        remote_command=tuple(remote_command),
        remote_project_dir=remote_project_dir,
        run_kwargs=dict(run_kwargs or {}),
        process_env=dict(process_env or {}),
    )
    definitions: list[Any] = [
        asset_spec(asset, project_dir) for asset in assets.values() if asset.external
    ]
    for part, members in specs_by_part(assets, split).items():
        definitions.append(
            _multi_asset(op_name(name, part), members, project_dir, launch, pipes_client_key)
        )
    # Schedules and sensors resolve their selections (and run sensor functions) through the
    # project's own CLI, which a deployment's code server has beside the project.
    command = find_assetline_command(project_dir) if graph.schedules or graph.sensors else []
    return dg.Definitions(
        assets=definitions,
        schedules=schedule_definitions(graph, project_dir, command),
        sensors=sensor_definitions(graph, project_dir, command),
        resources={pipes_client_key: pipes_client or dg.PipesSubprocessClient()},
    )


def _command_or_placeholder(project_dir: Path, client: dg.PipesClient | None) -> list[str]:
    # A client that runs the process elsewhere needs no local CLI: only the subprocess one does.
    if client is None or isinstance(client, dg.PipesSubprocessClient):
        return find_assetline_command(project_dir)
    return []


def _multi_asset(
    op: str,
    members: list[AssetlineAsset],
    project_dir: Path,
    launch: AssetlineLaunch,
    pipes_client_key: str,
) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=op,
        specs=[asset_spec(asset, project_dir) for asset in members],
        # One partitions definition per multi-asset (specs_by_part splits by it).
        partitions_def=partitions_def(members[0]),
        check_specs=[spec for asset in members for spec in check_specs(asset)],
        can_subset=True,
        required_resource_keys={pipes_client_key},
    )
    def _assets(context: dg.AssetExecutionContext) -> Any:
        client = getattr(context.resources, pipes_client_key)
        yield from run_assetline(context, client, launch)

    return _assets
