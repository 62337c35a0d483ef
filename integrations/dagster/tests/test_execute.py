"""Execution: the TypeScript assets of test/fixtures/dagster-lab (and examples/shop) run under
real Dagster through `assetline pipes`, in process (`dagster.materialize`) and through the
`dagster asset materialize` command. Each test runs on its own copy of the lab, so that its
outputs (`.assetline/storage`) are its own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
from conftest import LAB, REPO, SHOP_DEPLOYMENT

from dagster_assetline import load_assetline_defs

DAGSTER = str(Path(sys.executable).parent / "dagster")


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the lab project, with the repository's node_modules linked in (the `assetline`
    package and its CLI), and LAB_SIGNALS set to a folder of its own."""
    project = tmp_path / "lab"
    shutil.copytree(LAB, project, ignore=shutil.ignore_patterns(".assetline"))
    (project / "node_modules").symlink_to(REPO / "node_modules")
    signals = tmp_path / "signals"
    signals.mkdir()
    monkeypatch.setenv("LAB_SIGNALS", str(signals))
    return project


def signals_dir() -> Path:
    return Path(os.environ["LAB_SIGNALS"])


def materialize(
    project: Path,
    selection: list[str],
    instance: dg.DagsterInstance | None = None,
    **kwargs: object,
) -> dg.ExecuteInProcessResult:
    defs = load_assetline_defs(project, **kwargs)  # type: ignore[arg-type]
    return dg.materialize(
        list(defs.assets or []),
        selection=selection,
        resources=defs.resources,
        instance=instance,
        raise_on_error=False,
    )


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def step_failures(result: dg.ExecuteInProcessResult) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.is_step_failure]


def test_a_selection_materializes_in_one_process_with_metadata_checks_and_logs(lab: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = materialize(lab, ["lab/hello", "lab/doubled"], instance=instance)
    assert result.success
    assert materialized(result) == {"lab/hello", "lab/doubled"}
    # Both assets are in the group `alpha`: one step, one `assetline pipes` process.
    assert {e.step_key for e in result.all_events if e.is_step_success} == {"assetline_alpha"}
    hello = next(
        e.materialization
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["lab", "hello"])
    )
    assert hello.metadata["dagster/row_count"] == dg.IntMetadataValue(3)
    assert hello.metadata["dagster/code_version"] == dg.TextMetadataValue("7")
    assert (lab / ".assetline" / "storage" / "lab" / "doubled.json").read_text().strip() in (
        "[2,4,6]",
        "[\n  2,\n  4,\n  6\n]",
    )
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.asset_check_key == dg.AssetCheckKey(dg.AssetKey(["lab", "hello"]), "has_rows")
    assert evaluation.passed
    assert evaluation.metadata["rows"] == dg.IntMetadataValue(3)
    # ctx.log.info in TypeScript is a Dagster log line of the step.
    logs = [e for e in instance.all_logs(result.run_id) if not e.is_dagster_event]
    assert any(
        e.user_message == "lab/hello: hello from the lab" and e.step_key == "assetline_alpha"
        for e in logs
    ), [e.user_message for e in logs]


def test_the_assetline_environment_is_configuration(lab: Path) -> None:
    result = materialize(lab, ["lab/hello"], env="ci")
    assert result.success
    [event] = result.get_asset_materialization_events()
    run_id = event.materialization.metadata["assetline/run_id"].value
    # The Assetline run record of that materialization: run in the environment `ci`.
    events = (lab / ".assetline" / "runs" / str(run_id) / "events.ndjson").read_text()
    start = json.loads(events.splitlines()[0])
    assert start["type"] == "run_start" and start["env"] == "ci"
    assert start["assets"] == ["lab/hello"]


def test_a_throwing_asset_fails_its_step_with_the_typescript_error_and_stack(lab: Path) -> None:
    result = materialize(lab, ["lab/boom"])
    assert not result.success
    [failure] = step_failures(result)
    data = failure.step_failure_data
    assert "boom: the lab asset failed on purpose" in data.error.message
    assert data.user_failure_data is not None
    stack = data.user_failure_data.metadata["stack"].value
    assert "src/lab.ts:54" in stack, stack
    assert materialized(result) == set()


def test_a_failing_blocking_check_stops_its_downstream_in_the_same_process(lab: Path) -> None:
    result = materialize(lab, ["lab/gate", "lab/after_gate"])
    assert not result.success
    # What ran before the check failed still reaches Dagster.
    assert materialized(result) == {"lab/gate"}
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.metadata["negatives"] == dg.IntMetadataValue(1)
    assert "Blocking check" in step_failures(result)[0].step_failure_data.error.message
    assert not (lab / ".assetline" / "storage" / "lab" / "after_gate.json").exists()


def test_a_failing_blocking_check_stops_its_downstream_step(lab: Path) -> None:
    result = materialize(lab, ["lab/gate", "lab/after_gate"], split="asset")
    assert not result.success
    assert materialized(result) == {"lab/gate"}
    assert "assetline_lab__after_gate" not in {
        e.step_key for e in result.all_events if e.is_step_start
    }


class StderrPipesClient(dg.PipesClient):
    """What the Kubernetes, Docker and ECS clients do, on this machine: the context in the
    environment (`PipesEnvContextInjector`), the messages read from the process's stderr
    (`extract_message_or_forward_to_stdout`, as the pod and container log readers do)."""

    def run(  # type: ignore[override]
        self, *, context: dg.AssetExecutionContext, command: list[str], extras: object = None
    ) -> dg.PipesClientCompletedInvocation:
        from dagster._core.pipes.utils import extract_message_or_forward_to_stdout

        reader = _StderrReader()
        with dg.open_pipes_session(
            context=context,
            context_injector=dg.PipesEnvContextInjector(),
            message_reader=reader,
            extras=extras,  # type: ignore[arg-type]
        ) as session:
            process = subprocess.Popen(
                command,
                env={**os.environ, **session.get_bootstrap_env_vars()},
                stderr=subprocess.PIPE,
                text=True,
            )
            assert process.stderr is not None
            for line in process.stderr:
                extract_message_or_forward_to_stdout(reader.handler, line.rstrip("\n"))
            assert process.wait() == 0
        return dg.PipesClientCompletedInvocation(session)

    def get_description(self) -> str:
        return "stderr, as the pod and container log readers"


class _StderrReader(dg.PipesMessageReader):
    handler: object = None

    @contextmanager
    def read_messages(self, handler: object) -> Iterator[dict[str, str]]:
        self.handler = handler
        yield {"stdio": "stderr"}

    def no_messages_debug_text(self) -> str:
        return "messages on stderr"


def test_the_env_and_stderr_mode_of_the_container_clients(lab: Path) -> None:
    from dagster_assetline.graph import find_assetline_command

    result = materialize(
        lab,
        ["lab/hello"],
        pipes_client=StderrPipesClient(),
        remote_command=find_assetline_command(lab),
        remote_project_dir=str(lab),
    )
    assert result.success, step_failures(result)
    assert materialized(result) == {"lab/hello"}
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed


# ---- through `dagster asset materialize` ----


def write_definitions(folder: Path, project: Path, split: str = "group") -> Path:
    file = folder / "definitions.py"
    file.write_text(
        "from dagster_assetline import load_assetline_defs\n\n"
        f"defs = load_assetline_defs({str(project)!r}, split={split!r})\n"
    )
    return file


def dagster_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {**os.environ, "DAGSTER_HOME": str(home)}


def test_dagster_asset_materialize_runs_a_selection(lab: Path, tmp_path: Path) -> None:
    file = write_definitions(tmp_path, lab)
    done = subprocess.run(
        [DAGSTER, "asset", "materialize", "-f", str(file), "--select", "lab/hello,lab/doubled"],
        env=dagster_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "RUN_SUCCESS" in done.stderr
    assert json.loads((lab / ".assetline" / "storage" / "lab" / "doubled.json").read_text()) == [
        2,
        4,
        6,
    ]


def test_dagster_asset_materialize_exits_non_zero_when_an_asset_throws(
    lab: Path, tmp_path: Path
) -> None:
    file = write_definitions(tmp_path, lab)
    done = subprocess.run(
        [DAGSTER, "asset", "materialize", "-f", str(file), "--select", "lab/boom"],
        env=dagster_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "boom: the lab asset failed on purpose" in done.stderr


def test_the_shop_deployment_materializes_an_asset(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            DAGSTER,
            "asset",
            "materialize",
            "-m",
            "shop_dagster.definitions",
            "-d",
            str(SHOP_DEPLOYMENT),
            "--select",
            "ingest/raw_orders",
        ],
        env=dagster_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ingest/raw_orders: read" in done.stderr  # ctx.log, as a Dagster log line


def wrapped_cli(tmp_path: Path, pipes: str = "") -> tuple[Path, Path]:
    """A stand-in for the CLI's script that records each command it is asked to run, then runs
    the real CLI (or, for `pipes`, the given JavaScript instead when there is some)."""
    script, calls = tmp_path / "cli.js", tmp_path / "calls.txt"
    real = REPO / "sdk" / "dist" / "cli.js"
    script.write_text(
        f"require('fs').appendFileSync({str(calls)!r}, process.argv[2] + '\\n');\n"
        + (f"if (process.argv[2] === 'pipes') {{ {pipes} }} else " if pipes else "")
        + f"require({str(real)!r});\n"
    )
    return script, calls


def test_a_process_that_never_speaks_pipes_is_not_a_success(
    lab: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, _ = wrapped_cli(tmp_path, pipes="process.exit(0);")
    monkeypatch.setenv("ASSETLINE_CLI", str(script))
    result = materialize(lab, ["lab/hello"])
    assert not result.success
    assert materialized(result) == set()
    assert (
        "without speaking Dagster Pipes" in step_failures(result)[0].step_failure_data.error.message
    )


def test_two_independent_assets_run_in_parallel_under_the_multiprocess_executor(
    lab: Path, tmp_path: Path
) -> None:
    # `left` and `right` each wait for the other to start: they pass only side by side.
    file = write_definitions(tmp_path, lab)
    script, calls = wrapped_cli(tmp_path)
    done = subprocess.run(
        [DAGSTER, "asset", "materialize", "-f", str(file), "--select", "lab/left,lab/right"],
        env={**dagster_env(tmp_path), "ASSETLINE_CLI": str(script)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Executing steps using multiprocess executor" in done.stderr
    started = {p.name for p in signals_dir().iterdir()}
    assert started == {"left.started", "right.started"}
    # Two steps, two processes.
    pids = {(signals_dir() / name).read_text() for name in started}
    assert len(pids) == 2
    # The graph is read once, when the run loads; the step workers reuse it.
    assert sorted(calls.read_text().split()) == ["graph", "pipes", "pipes"]


def wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the run ended before {path.name} appeared")
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} did not appear within {seconds} s")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_cancelled_run_stops_the_node_process_cleanly(lab: Path, tmp_path: Path) -> None:
    file = write_definitions(tmp_path, lab)
    run = subprocess.Popen(
        [DAGSTER, "asset", "materialize", "-f", str(file), "--select", "lab/slow"],
        env=dagster_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = signals_dir() / "slow.started"
    wait_for(started, run)
    node_pid = int(started.read_text())
    assert alive(node_pid)
    # Cancel the run (SIGINT to Dagster only: it is Dagster that stops the node process).
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode != 0
    deadline = time.monotonic() + 30
    while alive(node_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(node_pid), "the node process outlived the cancelled run"
    storage = lab / ".assetline" / "storage" / "lab"
    assert not storage.exists() or list(storage.iterdir()) == [], "an output was written"
    assert "stopping the Assetline process" in stderr, stderr[-3000:]
