"""Loading: the static graph of a project as Dagster definitions, through `load_assetline_defs`
and through the `dg` component, on examples/shop and test/fixtures/dagster-lab."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
from conftest import LAB, REPO, SHOP, SHOP_DEPLOYMENT

from dagster_assetline import AssetlineError, load_assetline_defs

SHOP_KEYS = {
    "ingest/raw_orders",
    "ingest/raw_customers",
    "finance/fx_rates",
    "transform/cleaned_orders",
    "transform/daily_revenue",
    "transform/revenue_by_customer",
    "reports/revenue",
    "dashboards/sales_overview",
    "dashboards/customer_health",
}


def key(text: str) -> dg.AssetKey:
    return dg.AssetKey.from_user_string(text)


@pytest.fixture(scope="module")
def shop() -> dg.Definitions:
    return load_assetline_defs(SHOP)


@pytest.fixture(scope="module")
def lab() -> dg.Definitions:
    return load_assetline_defs(LAB)


def assert_shop(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == SHOP_KEYS
    # The external asset is declared, never materialized.
    assert not graph.get(key("finance/fx_rates")).is_materializable
    assert {
        k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).is_materializable
    } == SHOP_KEYS - {"finance/fx_rates"}
    assert {k.to_user_string() for k in graph.get(key("transform/daily_revenue")).parent_keys} == {
        "transform/cleaned_orders",
        "finance/fx_rates",
    }
    checks = {c.to_user_string(): graph.get(c) for c in graph.asset_check_keys}
    assert set(checks) == {"transform/daily_revenue:non_negative", "reports/revenue:has_days"}
    assert checks["transform/daily_revenue:non_negative"].blocking
    assert not checks["reports/revenue:has_days"].blocking


def test_shop_maps_keys_deps_external_assets_and_checks(shop: dg.Definitions) -> None:
    assert_shop(shop)


def test_shop_maps_groups_owners_tags_kinds_descriptions_metadata(shop: dg.Definitions) -> None:
    graph = shop.resolve_asset_graph()
    orders = graph.get(key("ingest/raw_orders"))
    assert orders.group_name == "ingest"
    assert orders.owners == ["team:data-eng"]
    assert orders.kinds == {"csv", "typescript"}
    assert orders.tags["layer"] == "bronze" and orders.tags["source"] == "shop"
    assert orders.description == "Orders exported by the shop, as CSV rows."
    spec = orders
    assert spec.metadata["pii"] is False
    assert spec.metadata["securityClass"] == "internal"
    assert spec.metadata["retention"] == "P90D"
    assert spec.metadata["assetline/source"] == "src/ingest.ts:21:26"
    # `user:ceo@example.com` is Dagster's email owner.
    assert graph.get(key("reports/revenue")).owners == ["team:analytics", "ceo@example.com"]


def test_shop_maps_code_versions_and_freshness(shop: dg.Definitions) -> None:
    graph = shop.resolve_asset_graph()
    assert graph.get(key("transform/cleaned_orders")).code_version == "1"
    assert graph.get(key("reports/revenue")).code_version is None
    policy = graph.get(key("transform/daily_revenue")).freshness_policy
    assert isinstance(policy, dg.FreshnessPolicy)
    assert policy.fail_window.to_timedelta() == timedelta(hours=24)
    assert graph.get(key("reports/revenue")).freshness_policy is None


def test_shop_maps_automation_conditions(shop: dg.Definitions) -> None:
    graph = shop.resolve_asset_graph()
    eager = graph.get(key("transform/cleaned_orders")).automation_condition
    assert eager is not None and eager.get_label() == "eager"
    cron = graph.get(key("reports/revenue")).automation_condition
    assert cron is not None
    assert cron.get_label() == "on_cron(0 6 * * *, Europe/Berlin)"
    assert graph.get(key("ingest/raw_orders")).automation_condition is None
    # External assets are never materialized, so they carry no condition.
    assert graph.get(key("finance/fx_rates")).automation_condition is None


def test_assets_form_one_subsettable_multi_asset_per_group(shop: dg.Definitions) -> None:
    multi = {
        a.node_def.name: {k.to_user_string() for k in a.keys}
        for a in shop.assets or []
        if isinstance(a, dg.AssetsDefinition) and a.is_executable
    }
    assert multi == {
        "assetline_ingest": {"ingest/raw_orders", "ingest/raw_customers"},
        "assetline_transform": {
            "transform/cleaned_orders",
            "transform/daily_revenue",
            "transform/revenue_by_customer",
        },
        "assetline_reports": {"reports/revenue"},
        "assetline_dashboards": {"dashboards/sales_overview", "dashboards/customer_health"},
    }
    assert all(
        a.can_subset
        for a in shop.assets or []
        if isinstance(a, dg.AssetsDefinition) and a.is_executable
    )


def test_split_asset_makes_one_multi_asset_per_asset() -> None:
    defs = load_assetline_defs(LAB, split="asset")
    names = {a.node_def.name for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)}
    assert "assetline_lab__hello" in names and len(names) == 8


def test_lab_maps_code_version_freshness_and_check_specs(lab: dg.Definitions) -> None:
    graph = lab.resolve_asset_graph()
    hello = graph.get(key("lab/hello"))
    assert hello.code_version == "7"
    assert hello.freshness_policy.fail_window.to_timedelta() == timedelta(hours=6)
    assert hello.owners == ["team:lab", "ada@example.com"]
    check = graph.get(dg.AssetCheckKey(key("lab/hello"), "has_rows"))
    assert check.blocking and check.description == "Never empty."
    assert graph.get(key("lab/doubled")).parent_keys == {key("lab/hello")}


def test_a_missing_project_says_so() -> None:
    with pytest.raises(AssetlineError, match="does not exist"):
        load_assetline_defs(REPO / "no-such-project")


def test_a_project_with_errors_refuses_to_load_and_lists_them() -> None:
    with pytest.raises(AssetlineError) as raised:
        load_assetline_defs(REPO / "test" / "fixtures" / "errors")
    message = str(raised.value)
    assert "has errors; fix them" in message
    assert "cycle" in message and "src/cycle.ts:" in message


# ---- the dg component ----


def test_the_shop_deployment_loads_the_same_assets_through_the_component(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(SHOP_DEPLOYMENT))
    defs = dg.load_from_defs_folder(path_within_project=SHOP_DEPLOYMENT)
    assert_shop(defs)


def write_dg_project(root: Path, attributes: str, module: str) -> None:
    (root / "dg.toml").write_text(
        f'directory_type = "project"\n\n[project]\nroot_module = "{module}"\n'
    )
    defs = root / module / "defs" / "lab"
    defs.mkdir(parents=True)
    (root / module / "__init__.py").write_text("")
    (root / module / "defs" / "__init__.py").write_text("")
    (defs / "defs.yaml").write_text(
        "type: dagster_assetline.AssetlineProjectComponent\nattributes:\n"
        + textwrap.indent(attributes, "  ")
    )


def test_a_second_project_loads_through_the_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dg_project(tmp_path, f"project_dir: {LAB}\nenv: ci\nsplit: project\n", "lab_deploy")
    monkeypatch.syspath_prepend(str(tmp_path))
    defs = dg.load_from_defs_folder(path_within_project=tmp_path)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == {
        "lab/hello",
        "lab/doubled",
        "lab/gate",
        "lab/after_gate",
        "lab/boom",
        "lab/left",
        "lab/right",
        "lab/slow",
    }
    assert graph.get(dg.AssetCheckKey(key("lab/gate"), "positive")).blocking
    names = {a.node_def.name for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)}
    assert names == {"assetline_project"}


def test_the_component_with_local_state_is_read_by_dg_utils_refresh_defs_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    defs_folder = tmp_path / "lab_local" / "defs" / "lab"
    relative = os.path.relpath(LAB, defs_folder)
    write_dg_project(
        tmp_path,
        f"project_dir: {relative}\ndefs_state:\n  management_type: LOCAL_FILESYSTEM\n"
        "  refresh_if_dev: false\n",
        "lab_local",
    )
    (tmp_path / "lab_local" / "definitions.py").write_text(
        (SHOP_DEPLOYMENT / "shop_dagster" / "definitions.py").read_text()
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    # Not refreshed yet: a sentence that says what to run.
    with pytest.raises(Exception) as raised:
        dg.load_from_defs_folder(path_within_project=tmp_path)
    chain, error = [], raised.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("run `dg utils refresh-defs-state`" in text for text in chain), chain
    # Refreshed from another folder: `project_dir` is still relative to the defs.yaml.
    refreshed = subprocess.run(
        [str(Path(sys.executable).parent / "dg"), "utils", "refresh-defs-state"]
        + ["--target-path", str(tmp_path)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    defs = dg.load_from_defs_folder(path_within_project=tmp_path)
    assert len(defs.resolve_asset_graph().get_all_asset_keys()) == 8


def test_dg_lists_the_component_and_the_shop_definitions() -> None:
    dg_cli = Path(sys.executable).parent / "dg"
    listed = subprocess.run(
        [str(dg_cli), "list", "defs", "--json"],
        cwd=SHOP_DEPLOYMENT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout[listed.stdout.index("{") :])
    keys = {asset["asset_key"] for asset in data["assets"]}
    assert keys == SHOP_KEYS
    assert {c["key"] for c in data["asset_checks"]} == {
        "transform/daily_revenue:non_negative",
        "reports/revenue:has_days",
    }
