/**
 * The local runner: `materialize` plans the selection (`plan.ts`), makes sure the inputs from
 * outside it are stored, and hands the plan to the scheduler (`scheduler.ts`), which runs each
 * step (`steps.ts`) inside the one deadline and cancellation mechanism (`deadline.ts`). Every
 * event goes to the run records, `onEvent` and the listeners (`listeners.ts`).
 */
import type { AssetlineConfig } from "../config";
import type { LoadedDefinitions } from "../definitions";
import { fsIOManager } from "../io";
import type { AnyAsset, IOContext, IOManager, Logger } from "../types";
import type { RunEvent, RunStatus, RunTrigger } from "@assetline/core";
import { RunCancellation } from "./deadline";
import { newRunId, RunRecorder } from "./events";
import { RunListeners, type RunListener } from "./listeners";
import { buildPlan, type ExecutionPlan } from "./plan";
import { ResourcePool } from "./resources";
import { schedule } from "./scheduler";
import { runAssetStep, type RunContext } from "./steps";

export { sourceHash } from "./steps";
export type { RunListener } from "./listeners";

export interface MaterializeOptions {
  root: string;
  definitions: LoadedDefinitions;
  /** Keys to materialize (already resolved from a selection). External assets are ignored. */
  keys: string[];
  /** The selection text, for the record. */
  selection?: string;
  config?: AssetlineConfig;
  env?: string;
  /** How many assets may run at once (default: config, else 4). */
  concurrency?: number;
  /** Receives every event as it happens. */
  onEvent?: (event: RunEvent) => void;
  /**
   * Receive every event after `onEvent`; each listener's `flush` is awaited before `materialize`
   * returns. A listener that throws is warned about and gets no more events; the run goes on.
   */
  listeners?: readonly RunListener[];
  /** Aborting cancels the run: nothing new starts, running assets see their signal aborted. */
  signal?: AbortSignal;
  runId?: string;
  /** Write run records under <root>/.assetline (default true). */
  record?: boolean;
  /** IO manager for assets without `io` (default: the filesystem one). */
  defaultIO?: IOManager;
  /** Use this IO manager for every asset, whatever its `io` (tests: keep everything in memory). */
  io?: IOManager;
  /** Values to use instead of creating resources, by resource name (tests: stubs). */
  resourceOverrides?: Record<string, unknown>;
  /** What started the run, when not a person (recorded in run_start). */
  trigger?: RunTrigger;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  materialized: string[];
  failed: string[];
  skipped: string[];
  failedChecks: string[];
}

/** An upstream input outside the selection has no stored value. */
export class MissingUpstreamError extends Error {
  override readonly name = "MissingUpstreamError";
  constructor(
    message: string,
    readonly missing: { asset: string; upstream: string }[],
  ) {
    super(message);
  }
}

type MissingInput = { asset: string; upstream: string };

/** The plan's inputs from outside it that have no stored value. */
async function missingInputs(
  plan: ExecutionPlan,
  definitions: LoadedDefinitions,
  ioOf: (a: AnyAsset) => IOManager,
  ioContext: (a: AnyAsset) => IOContext,
): Promise<MissingInput[]> {
  const missing: MissingInput[] = [];
  for (const input of plan.storedInputs) {
    const upstream = definitions.byKey.get(input.upstream)!;
    const io = ioOf(upstream);
    if (io.exists && !(await io.exists(ioContext(upstream)))) missing.push(input);
  }
  return missing;
}

function missingUpstreamError(missing: MissingInput[], definitions: LoadedDefinitions): MissingUpstreamError {
  const upstreams = [...new Set(missing.map((m) => m.upstream))];
  const first = missing[0]!;
  const external = missing.find((m) => definitions.byKey.get(m.upstream)?.external);
  if (external) {
    return new MissingUpstreamError(
      `Cannot materialize "${external.asset}": its input "${external.upstream}" is an external asset with no stored value. ` +
        `Give externalAsset("${external.upstream}") an io that can load it, or store its value where its IO manager looks.`,
      missing,
    );
  }
  return new MissingUpstreamError(
    `Cannot materialize "${first.asset}": its input "${first.upstream}" has never been materialized. ` +
      `Materialize ${upstreams.map((u) => `"${u}"`).join(", ")} first (assetline materialize --select ${upstreams.join(" or ")}), ` +
      `or include upstream assets in the selection (+${first.asset}).`,
    missing,
  );
}

/** The run's outcome, folded from its events (the records say the same). */
class Tally {
  readonly materialized: string[] = [];
  readonly failed: string[] = [];
  readonly skipped: string[] = [];
  readonly failedChecks: string[] = [];
  blockingCheckFailed = false;

  add(event: RunEvent): void {
    if (event.type === "asset_success") this.materialized.push(event.key);
    else if (event.type === "asset_failure") this.failed.push(event.key);
    else if (event.type === "asset_skipped") this.skipped.push(event.key);
    else if (event.type === "check_result" && !event.passed) {
      this.failedChecks.push(`${event.key}:${event.check}`);
      if (event.blocking) this.blockingCheckFailed = true;
    }
  }
}

export async function materialize(options: MaterializeOptions): Promise<RunResult> {
  const { root, definitions } = options;
  const env = options.env ?? "local";
  const config = options.config ?? {};
  const concurrency = Math.max(
    1,
    options.concurrency ?? config.environments?.[env]?.concurrency ?? config.concurrency ?? 4,
  );
  const defaultIO = options.defaultIO ?? fsIOManager();
  const runId = options.runId ?? newRunId();
  const ioOf = (a: AnyAsset): IOManager => options.io ?? a.spec.io ?? defaultIO;
  const ioContext = (a: AnyAsset): IOContext => ({
    key: a.key,
    runId,
    root,
    metadata: a.spec.metadata ?? {},
  });

  // Inputs from outside the selection must already be stored: say which to materialize first,
  // or (missingUpstream: "materialize") add them to the run, and theirs in turn.
  let plan = buildPlan(definitions, options.keys);
  const addedUpstream: string[] = [];
  for (;;) {
    const missing = await missingInputs(plan, definitions, ioOf, ioContext);
    if (missing.length === 0) break;
    const computable = missing.filter((m) => !definitions.byKey.get(m.upstream)?.external);
    if (config.missingUpstream !== "materialize" || computable.length < missing.length) {
      throw missingUpstreamError(missing, definitions);
    }
    const keys = new Set(plan.steps.map((s) => s.key));
    for (const { upstream } of computable) {
      if (!keys.has(upstream)) addedUpstream.push(upstream);
      keys.add(upstream);
    }
    plan = buildPlan(definitions, keys);
  }

  const recorder = options.record === false ? undefined : new RunRecorder(root, runId);
  const listeners = new RunListeners(options.listeners);
  const tally = new Tally();
  const now = (): string => new Date().toISOString();
  const emit = (event: RunEvent): void => {
    tally.add(event);
    recorder?.record(event);
    options.onEvent?.(event);
    listeners.deliver(event);
  };
  const logger = (key?: string): Logger => {
    const log = (level: "info" | "warn" | "error") => (message: string, data?: unknown) => {
      const event: Extract<RunEvent, { type: "log" }> = {
        type: "log",
        runId,
        time: now(),
        level,
        message: String(message),
      };
      if (key !== undefined) event.key = key;
      if (data !== undefined) event.data = data;
      emit(event);
    };
    return { info: log("info"), warn: log("warn"), error: log("error") };
  };

  const started = Date.now();
  emit({
    type: "run_start",
    runId,
    time: now(),
    selection: options.selection ?? plan.steps.map((s) => s.key).join(" or "),
    assets: plan.steps.map((s) => s.key),
    env,
    pid: process.pid,
    concurrency,
    ...(options.trigger ? { trigger: options.trigger } : {}),
  });
  if (addedUpstream.length > 0) {
    logger().info(
      `Never materialized, so added to this run (missingUpstream: "materialize"): ${addedUpstream.join(", ")}`,
    );
  }

  const cancellation = new RunCancellation(options.signal, concurrency);
  const resources = new ResourcePool({ env, root, config, overrides: options.resourceOverrides });
  const run: RunContext = {
    runId,
    root,
    env,
    signal: cancellation.signal,
    resources,
    ioOf,
    ioContext,
    emit,
    logger,
  };
  const { neverReady } = await schedule(plan, {
    concurrency,
    signal: cancellation.signal,
    run: (step) => runAssetStep(run, step),
    skip: (key, reason) => emit({ type: "asset_skipped", runId, time: now(), key, reason }),
  });
  const cancelled = cancellation.cancelled;
  cancellation.dispose();
  await resources.teardown((message) => logger().warn(message));

  const status: RunStatus = cancelled
    ? "cancelled"
    : neverReady || tally.failed.length > 0 || tally.blockingCheckFailed
      ? "failure"
      : "success";
  const { materialized, failed, skipped, failedChecks } = tally;
  emit({
    type: "run_end",
    runId,
    time: now(),
    status,
    durationMs: Date.now() - started,
    materialized,
    failed,
    skipped,
    failedChecks,
  });
  recorder?.close();
  await listeners.flush();
  return { runId, status, materialized, failed, skipped, failedChecks };
}
