"""`AssetlineProjectComponent`: an Assetline project in a `dg` project's `defs/`.

    # defs/shop/defs.yaml
    type: dagster_assetline.AssetlineProjectComponent
    attributes:
      project_dir: ../../../examples/shop   # relative to this folder
      env: local

A state-backed component, as Dagster's dbt component keeps its manifest: the state is the
project's static graph (`assetline graph --json`). By default (`LEGACY_CODE_SERVER_SNAPSHOTS`) it
is read each time the code server loads and handed to run workers with the code location; with
`defs_state: { management_type: LOCAL_FILESYSTEM }` it is read by `dg utils refresh-defs-state`
(and by `dg dev`/`dagster dev`), e.g. while a deployment image is built, and not at load time.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import dagster as dg

# Not exported at the top level in 1.13: how Dagster's own state-backed components tell a code
# server's load from a run worker's.
from dagster._core.definitions.definitions_load_context import (
    DefinitionsLoadContext,
    DefinitionsLoadType,
)
from dagster.components import DefsStateConfig, DefsStateConfigArgs, ResolvedDefsStateConfig
from dagster.components.utils.project_paths import get_code_server_metadata_key
from dagster_shared.serdes.objects.models.defs_state_info import DefsStateManagementType
from typing_extensions import Self

from .definitions import build_assetline_defs
from .graph import AssetlineError, parse_graph, read_graph_json


@dataclass
class AssetlineProjectComponent(dg.StateBackedComponent, dg.Resolvable):
    """The assets of an Assetline (TypeScript) project, run through Dagster Pipes.

    Attributes:
        project_dir: the Assetline project's folder (where `assetline.config.json` is), relative
            to the folder of this component's `defs.yaml`, or absolute.
        env: the Assetline environment runs use (default: the project's `defaultEnv`).
        split: how assets are grouped into subsettable multi-assets: one per Assetline `group`
            (default), one for the whole `project`, or one per `asset`.
    """

    project_dir: str
    env: str | None = None
    split: Literal["group", "project", "asset"] = "group"
    defs_state: ResolvedDefsStateConfig = field(
        default_factory=DefsStateConfigArgs.legacy_code_server_snapshots
    )

    def _root(self) -> Path:
        path = Path(self.project_dir)
        # Set by `build_defs`: the folder of the defs.yaml that `project_dir` is relative to.
        base: Path | None = getattr(self, "_base", None)
        if not path.is_absolute() and base is not None:
            path = base / path
        return path.resolve()

    @property
    def defs_state_config(self) -> DefsStateConfig:
        return DefsStateConfig.from_args(
            self.defs_state, default_key=f"AssetlineProjectComponent[{self.project_dir}]"
        )

    @classmethod
    def load(cls, attributes: Any, context: dg.ComponentLoadContext) -> Self:
        component = super().load(attributes, context)
        # What `project_dir` is relative to, also for `dg utils refresh-defs-state` (which
        # writes the state without building the definitions).
        component._base = context.path
        return component

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        self._base = context.path
        config = self.defs_state_config
        if config.management_type == DefsStateManagementType.LEGACY_CODE_SERVER_SNAPSHOTS and (
            not DefinitionsLoadContext.is_set() or _snapshot_missing(config.key)
        ):
            # No code server snapshot to keep the state in or take it from: loaded in a plain
            # Python process (a script, a test), or rebuilt by a command that loads the code
            # itself (`dagster asset materialize`). Read the graph now.
            root = self._root()
            graph = parse_graph(read_graph_json(root), source=f"the graph of {root}")
            return build_assetline_defs(graph, root, env=self.env, split=self.split)
        return super().build_defs(context)

    def write_state_to_path(self, state_path: Path) -> None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(read_graph_json(self._root()))

    def build_defs_from_state(
        self, context: dg.ComponentLoadContext, state_path: Path | None
    ) -> dg.Definitions:
        root = self._root()
        if state_path is None or not state_path.exists():
            raise AssetlineError(
                f"the Assetline graph of {root} has not been read yet: run "
                "`dg utils refresh-defs-state` (or use the default defs_state, which reads it "
                "when the code server loads)."
            )
        graph = parse_graph(state_path.read_text(), source=f"the graph of {root}")
        return build_assetline_defs(graph, root, env=self.env, split=self.split)


def _snapshot_missing(key: str) -> bool:
    context = DefinitionsLoadContext.get()
    return (
        context.load_type == DefinitionsLoadType.RECONSTRUCTION
        and get_code_server_metadata_key(key) not in context.reconstruction_metadata
    )
