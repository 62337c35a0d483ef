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
import {
  partitionId,
  partitionStatuses,
  partitionWindow,
  type RunEvent,
  type RunStatus,
  type RunTrigger,
} from "@assetline/core";
import { stateFacts } from "../status/status";
import { RunCancellation } from "./deadline";
import { newRunId, readIndex, RunRecorder } from "./events";
import { RunListeners, type RunListener } from "./listeners";
import { buildPlan, withoutSteps, type ExecutionPlan, type PartitionRequest, type PlanStep } from "./plan";
import { ResourcePool } from "./resources";
import { schedule } from "./scheduler";
import { runAssetStep, runStoredChecks, type RunContext } from "./steps";

export { sourceHash } from "./steps";
export { PartitionSelectionError, type PartitionRequest } from "./plan";
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
  /** The one partition of every partitioned asset of the selection to materialize (`--partition`). */
  partition?: string;
  /**
   * A range of partitions, both ends included (`--partition-range START...END`): one run, each
   * partition recorded on its own. Partitions that already hold current data are left out, so a
   * backfill started again after a kill runs only what is missing, failed or stale.
   */
  partitionRange?: { start: string; end: string };
  /**
   * false: a range runs every partition in it, current or not (Dagster asks for a range and
   * expects it computed). Default true: partitions that hold current data are left out.
   */
  resume?: boolean;
  /** The time partitions are counted to (default: now). */
  now?: number;
  /**
   * Run the selection's checks on the values already stored, materializing nothing
   * (`assetline run-checks`); with names, only those checks. A value that was never stored is
   * refused before anything runs.
   */
  checksOnly?: boolean | readonly string[];
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

type MissingInput = { asset: string; upstream: string; partition?: string };

/** The plan's inputs from outside it that have no stored value. */
async function missingInputs(
  plan: ExecutionPlan,
  definitions: LoadedDefinitions,
  ioOf: (a: AnyAsset) => IOManager,
  ioContext: (a: AnyAsset, partition?: string) => IOContext,
): Promise<MissingInput[]> {
  const missing: MissingInput[] = [];
  for (const input of plan.storedInputs) {
    if (input.optional) continue;
    const upstream = definitions.byKey.get(input.upstream)!;
    const io = ioOf(upstream);
    if (io.exists && !(await io.exists(ioContext(upstream, input.partition)))) missing.push(input);
  }
  return missing;
}

function missingUpstreamError(missing: MissingInput[], definitions: LoadedDefinitions): MissingUpstreamError {
  const upstreams = [...new Set(missing.map((m) => m.upstream))];
  const first = missing[0]!;
  const partitioned = missing.find((m) => m.partition !== undefined);
  if (partitioned) {
    const count = missing.filter((m) => m.upstream === partitioned.upstream).length;
    return new MissingUpstreamError(
      `Cannot materialize "${partitioned.asset}": it reads partition ${partitioned.partition} of "${partitioned.upstream}", which has never been materialized` +
        `${count > 1 ? ` (nor ${count - 1} more of its partitions this run reads)` : ""}. ` +
        `Materialize it first (assetline materialize --select ${partitioned.upstream} --partition ${partitioned.partition}), or include it in the selection (+${partitioned.asset.replace(/\[.*$/, "")}).`,
      missing,
    );
  }
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
  errorCheckFailed = false;

  add(event: RunEvent): void {
    if (event.type === "asset_success") this.materialized.push(partitionId(event.key, event.partition));
    else if (event.type === "asset_failure") this.failed.push(partitionId(event.key, event.partition));
    else if (event.type === "asset_skipped") this.skipped.push(partitionId(event.key, event.partition));
    else if (event.type === "check_result" && !event.passed) {
      this.failedChecks.push(`${partitionId(event.key, event.partition)}:${event.check}`);
      if (event.blocking) this.blockingCheckFailed = true;
      if (event.severity === "error") this.errorCheckFailed = true;
    }
  }
}

/** A value a check was asked to judge was never stored. */
export class NothingToCheckError extends Error {
  override readonly name = "NothingToCheckError";
}

/**
 * The plan of a checks-only run: one step per asset (and partition) with checks, none waiting on
 * another (nothing is materialized); refused when a value to check was never stored.
 */
async function checksPlan(
  definitions: LoadedDefinitions,
  keys: readonly string[],
  request: PartitionRequest | undefined,
  now: number,
  ioOf: (a: AnyAsset) => IOManager,
  ioContext: (a: AnyAsset, partition?: string) => IOContext,
): Promise<ExecutionPlan> {
  const withChecks = keys.filter((key) => definitions.checks.some((c) => c.assetKey === key));
  if (withChecks.length === 0) {
    throw new NothingToCheckError(
      `No asset of the selection has checks (${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", ..." : ""}); declare one with check(asset, name, fn).`,
    );
  }
  const planned = buildPlan(definitions, withChecks, { ...(request ? { partitions: request } : {}), now });
  const steps = planned.steps.map((s) => ({ ...s, needs: [] }));
  const missing: string[] = [];
  for (const step of steps) {
    const io = ioOf(step.asset);
    if (io.exists && !(await io.exists(ioContext(step.asset, step.partition)))) missing.push(step.id);
  }
  if (missing.length > 0) {
    const first = steps.find((s) => s.id === missing[0])!;
    throw new NothingToCheckError(
      `Nothing stored to check for ${missing.map((id) => `"${id}"`).join(", ")}: its checks run on the stored value. ` +
        `Materialize it first (assetline materialize --select ${first.key}${first.partition === undefined ? "" : ` --partition ${first.partition}`}).`,
    );
  }
  return {
    ...planned,
    steps,
    byId: new Map(steps.map((s) => [s.id, s])),
    downstream: new Map(),
    storedInputs: [],
  };
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
  const now = options.now ?? Date.now();
  const request: PartitionRequest | undefined =
    options.partition !== undefined
      ? { key: options.partition }
      : options.partitionRange !== undefined
        ? { range: options.partitionRange }
        : undefined;
  const ioContext = (a: AnyAsset, partition?: string): IOContext => {
    const ctx: IOContext = { key: a.key, runId, root, metadata: a.spec.metadata ?? {} };
    if (partition === undefined || a.spec.partitions === undefined) return ctx;
    const window = partitionWindow(a.spec.partitions, partition);
    ctx.partition = {
      key: partition,
      ...(options.partitionRange ? { range: { ...options.partitionRange } } : {}),
      ...(window ? { window: { start: new Date(window.start), end: new Date(window.end) } } : {}),
    };
    return ctx;
  };
  const planFor = (keys: Iterable<string>): ExecutionPlan => {
    const planned = buildPlan(definitions, keys, { ...(request ? { partitions: request } : {}), now });
    return options.partitionRange && options.resume !== false
      ? withoutSteps(planned, heldPartitions(planned))
      : planned;
  };
  // A range leaves out the partitions that hold current data: a resumed backfill runs the rest.
  const held: string[] = [];
  const heldPartitions = (planned: ExecutionPlan): Set<string> => {
    held.length = 0;
    const index = readIndex(root, false);
    const current = new Set<string>();
    for (const key of new Set(planned.steps.filter((s) => s.partition !== undefined).map((s) => s.key))) {
      const facts = stateFacts(definitions, definitions.byKey.get(key)!);
      const statuses = partitionStatuses(
        { key, ...facts.partitioned!, ...(facts.code ? { code: facts.code } : {}) },
        index,
        now,
      );
      for (const status of statuses)
        if (status.state === "materialized") current.add(partitionId(key, status.key));
    }
    // A step is left out when it is current and nothing it needs runs again in this plan.
    const drop = new Set<string>();
    for (const step of planned.steps) {
      if (current.has(step.id) && step.needs.every((need) => drop.has(need))) {
        drop.add(step.id);
        held.push(step.id);
      }
    }
    return drop;
  };

  // Inputs from outside the selection must already be stored: say which to materialize first,
  // or (missingUpstream: "materialize") add them to the run, and theirs in turn.
  const checksOnly = options.checksOnly ?? false;
  let plan = checksOnly
    ? await checksPlan(definitions, options.keys, request, now, ioOf, ioContext)
    : planFor(options.keys);
  const addedUpstream: string[] = [];
  for (; !checksOnly;) {
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
    plan = planFor(keys);
  }

  const recorder = options.record === false ? undefined : new RunRecorder(root, runId);
  const listeners = new RunListeners(options.listeners);
  const tally = new Tally();
  const stamp = (): string => new Date().toISOString();
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
        time: stamp(),
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
  const assetKeys = [...new Set(plan.steps.map((s) => s.key))];
  const partitionKeys = [
    ...new Set(plan.steps.flatMap((s) => (s.partition === undefined ? [] : [s.partition]))),
  ];
  emit({
    type: "run_start",
    runId,
    time: stamp(),
    selection: options.selection ?? assetKeys.join(" or "),
    assets: assetKeys,
    steps: plan.steps.length,
    ...(request
      ? {
          partitions: {
            start: "key" in request ? request.key : request.range.start,
            end: "key" in request ? request.key : request.range.end,
            count: partitionKeys.length,
          },
        }
      : {}),
    env,
    pid: process.pid,
    concurrency,
    ...(options.trigger ? { trigger: options.trigger } : {}),
    ...(checksOnly ? { checksOnly: true as const } : {}),
  });
  if (addedUpstream.length > 0) {
    logger().info(
      `Never materialized, so added to this run (missingUpstream: "materialize"): ${addedUpstream.join(", ")}`,
    );
  }
  if (held.length > 0) {
    logger().info(
      `${held.length} partition${held.length === 1 ? "" : "s"} of the range already hold current data and are left out (${held.slice(0, 3).join(", ")}${held.length > 3 ? ", ..." : ""}); materialize one with --partition KEY to run it again.`,
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
    run: (step) =>
      checksOnly
        ? runStoredChecks(run, step, Array.isArray(checksOnly) ? new Set(checksOnly) : undefined)
        : runAssetStep(run, step),
    skip: (step: PlanStep, reason) =>
      emit({
        type: "asset_skipped",
        runId,
        time: stamp(),
        key: step.key,
        ...(step.partition === undefined ? {} : { partition: step.partition }),
        reason,
      }),
  });
  const cancelled = cancellation.cancelled;
  cancellation.dispose();
  await resources.teardown((message) => logger().warn(message));

  // Checks run as tests fail the run when a check of severity "error" fails, blocking or not.
  const status: RunStatus = cancelled
    ? "cancelled"
    : neverReady ||
        tally.failed.length > 0 ||
        tally.blockingCheckFailed ||
        (checksOnly && tally.errorCheckFailed)
      ? "failure"
      : "success";
  const { materialized, failed, skipped, failedChecks } = tally;
  emit({
    type: "run_end",
    runId,
    time: stamp(),
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
