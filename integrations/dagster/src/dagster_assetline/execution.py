"""Running the selected assets: one `assetline pipes` process per step, through a Pipes client.

With `PipesSubprocessClient` (the default) the session is opened here, with the client's own
context injector, message reader, environment and termination settings, so that what the
process reported before it failed still reaches Dagster (materializations of the assets that
succeeded, the failed check) and the step fails with the TypeScript exception itself. Any other
Pipes client (`PipesK8sClient`, `PipesDockerClient`, `PipesECSClient`, ...) is called through its
own `run`; the TypeScript side then reads its context from the environment and writes its
messages to stderr, as those clients expect.
"""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import dagster as dg

#: The resource key of the Pipes client the Assetline multi-assets use.
DEFAULT_PIPES_CLIENT_KEY = "assetline_pipes_client"


@dataclass(frozen=True)
class AssetlineLaunch:
    """How to start `assetline pipes` for a project.

    `command` is the argv of the `assetline` CLI on this machine (node and the CLI's script).
    For a client that runs the process elsewhere (a container), `remote_command` is the argv
    there (default `npx assetline`), `remote_project_dir` the project's folder there (default
    `.`, the container's working directory) and `run_kwargs` what that client's `run` needs
    besides the context (an `image`, `base_pod_spec`, `run_task_params`, ...).
    """

    project_dir: Path
    env: str | None
    command: tuple[str, ...]
    remote_command: tuple[str, ...] = ("npx", "assetline")
    remote_project_dir: str = "."
    run_kwargs: Mapping[str, Any] = field(default_factory=dict)
    #: Extra environment variables for the process (e.g. what its resources read).
    process_env: Mapping[str, str] = field(default_factory=dict)

    def pipes_args(self, root: str) -> list[str]:
        return ["pipes", "--root", root, *(["--env", self.env] if self.env else [])]

    def local_argv(self) -> list[str]:
        return [*self.command, *self.pipes_args(str(self.project_dir))]

    def remote_argv(self) -> list[str]:
        return [*self.remote_command, *self.pipes_args(self.remote_project_dir)]


def run_assetline(
    context: dg.AssetExecutionContext, client: dg.PipesClient, launch: AssetlineLaunch
) -> Iterator[dg.MaterializeResult[Any] | dg.AssetCheckResult]:
    """Materializes the step's selected assets (and their checks) in one Assetline process."""
    if isinstance(client, dg.PipesSubprocessClient):
        yield from _run_subprocess(context, client, launch)
        return
    kwargs = dict(launch.run_kwargs)
    parameters = inspect.signature(client.run).parameters
    if "command" in parameters and "command" not in kwargs:
        kwargs["command"] = launch.remote_argv()
    if "env" in parameters and launch.process_env and "env" not in kwargs:
        kwargs["env"] = dict(launch.process_env)
    extras = partition_extras(context)
    if extras and "extras" not in parameters:
        # Without it the process would run no partition at all for a range.
        raise dg.Failure(
            description=f"{type(client).__name__}.run takes no `extras`, so this run's "
            "partition range cannot reach the Assetline process: run one partition per run, or "
            "use a Pipes client whose `run` takes `extras`."
        )
    if extras:
        kwargs["extras"] = {**extras, **dict(kwargs.get("extras") or {})}
    invocation = client.run(context=context, **kwargs)
    # Only what the process reported: an asset it skipped is not materialized.
    yield from invocation.get_results(implicit_materializations=False)


#: The extra of a step over a range of partitions: Dagster 1.13's Pipes context carries a key
#: range only for one partition, so a single-run backfill's range travels here.
PARTITION_RANGE_EXTRA = "assetline/partition_key_range"


def partition_extras(context: dg.AssetExecutionContext) -> dict[str, Any]:
    """`{PARTITION_RANGE_EXTRA: {"start", "end"}}` for a step over several partitions, else {}."""
    if context.has_partition_key or not context.has_partition_key_range:
        return {}
    key_range = context.partition_key_range
    return {PARTITION_RANGE_EXTRA: {"start": key_range.start, "end": key_range.end}}


def _run_subprocess(
    context: dg.AssetExecutionContext, client: dg.PipesSubprocessClient, launch: AssetlineLaunch
) -> Iterator[dg.MaterializeResult[Any] | dg.AssetCheckResult]:
    reader = _ClosedCapture(client.message_reader)
    argv = launch.local_argv()
    with dg.open_pipes_session(
        context=context,
        context_injector=client.context_injector,
        message_reader=reader,
        extras=partition_extras(context),
    ) as session:
        env = {
            **os.environ,
            **client.env,
            **launch.process_env,
            **session.get_bootstrap_env_vars(),
        }
        try:
            process = subprocess.Popen(
                argv,
                cwd=str(launch.project_dir),
                env=env,
                stdout=None if client.forward_stdio else subprocess.DEVNULL,
                stderr=None if client.forward_stdio else subprocess.DEVNULL,
            )
        except OSError as error:
            raise dg.Failure(
                description=f"could not start `{' '.join(argv)}`: {error}. Check that Node.js "
                "and the project's `assetline` package are installed (`npm install`)."
            ) from error
        try:
            returncode = process.wait()
        except dg.DagsterExecutionInterruptedError:
            _stop(context, process, client)
            raise
    yield from session.get_results(implicit_materializations=False)
    if returncode != 0:
        raise _failure(returncode, reader.exception, session.message_handler)
    if not session.message_handler.received_opened_message:
        raise dg.Failure(
            description=(
                f"`{' '.join(argv)}` exited 0 without speaking Dagster Pipes, so nothing it did "
                "is known. Use an `assetline` that has the `pipes` command (npm install "
                "assetline@latest)."
            )
        )


def _stop(context: dg.AssetExecutionContext, process: subprocess.Popen[bytes], client: Any) -> None:
    """The run was cancelled: SIGINT lets Assetline stop its assets and write nothing half
    done; a process that does not exit within the client's timeout is killed."""
    if not client.forward_termination or process.poll() is not None:
        return
    context.log.info("[assetline] run cancelled: stopping the Assetline process (SIGINT).")
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=client.termination_timeout_seconds)
    except subprocess.TimeoutExpired:
        context.log.warning(
            f"[assetline] the Assetline process did not stop within "
            f"{client.termination_timeout_seconds} s after SIGINT; killing it."
        )
        process.kill()
        process.wait()


def _failure(returncode: int, exception: Mapping[str, Any] | None, handler: Any) -> dg.Failure:
    if exception:
        name = exception.get("name") or "Error"
        message = exception.get("message") or ""
        stack = exception.get("stack") or ""
        if isinstance(stack, Sequence) and not isinstance(stack, str):
            # Pipes sends the stack as frames, each ending with a newline (Python's format).
            stack = "".join(
                f"{line}" if str(line).endswith("\n") else f"{line}\n" for line in stack
            )
        return dg.Failure(
            description=f"{name}: {message}" + (f"\n\nTypeScript stack:\n{stack}" if stack else ""),
            metadata={
                "error": dg.MetadataValue.text(f"{name}: {message}"),
                "stack": dg.MetadataValue.text(str(stack)),
            },
        )
    if not handler.received_opened_message:
        return dg.Failure(
            description=(
                f"the Assetline process exited with code {returncode} before it opened Dagster "
                "Pipes: its stderr (in the step's logs) says why."
            )
        )
    return dg.Failure(
        description=(
            f"the Assetline process exited with code {returncode}; an asset or a blocking check "
            "failed (the step's logs say which)."
        )
    )


class _ClosedCapture(dg.PipesMessageReader):
    """The client's message reader, keeping the exception of the `closed` message (Dagster logs
    it as an engine event; the step's failure should say it too)."""

    def __init__(self, inner: dg.PipesMessageReader) -> None:
        self._inner = inner
        self.exception: Mapping[str, Any] | None = None

    @contextmanager
    def read_messages(self, handler: Any) -> Iterator[Any]:
        spy = cast("dg.PipesMessageHandler", _HandlerSpy(handler, self))
        with self._inner.read_messages(spy) as params:
            yield params

    def on_opened(self, opened_payload: Any) -> None:
        self._inner.on_opened(opened_payload)

    def on_launched(self, launched_payload: Any) -> None:
        self._inner.on_launched(launched_payload)

    @property
    def expected_writer_count(self) -> int:
        # A preview API in 1.13 that warns at every access; the handler reads it once.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dg.PreviewWarning)
            return self._inner.expected_writer_count

    def no_messages_debug_text(self) -> str:
        return self._inner.no_messages_debug_text()


class _HandlerSpy:
    def __init__(self, handler: Any, capture: _ClosedCapture) -> None:
        self._handler = handler
        self._capture = capture

    def handle_message(self, message: Any) -> None:
        if isinstance(message, Mapping) and message.get("method") == "closed":
            params = message.get("params") or {}
            if isinstance(params, Mapping) and isinstance(params.get("exception"), Mapping):
                self._capture.exception = params["exception"]
        self._handler.handle_message(message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handler, name)
