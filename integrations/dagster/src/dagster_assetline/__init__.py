"""Run Assetline's TypeScript assets under Dagster, through Dagster Pipes.

from dagster_assetline import load_assetline_defs

defs = load_assetline_defs("path/to/project", env="prod")
"""

from .component import AssetlineProjectComponent
from .definitions import build_assetline_defs, load_assetline_defs
from .execution import DEFAULT_PIPES_CLIENT_KEY, AssetlineLaunch
from .graph import AssetlineAsset, AssetlineCheck, AssetlineError, AssetlineGraph

__all__ = [
    "DEFAULT_PIPES_CLIENT_KEY",
    "AssetlineAsset",
    "AssetlineCheck",
    "AssetlineError",
    "AssetlineGraph",
    "AssetlineLaunch",
    "AssetlineProjectComponent",
    "build_assetline_defs",
    "load_assetline_defs",
]
