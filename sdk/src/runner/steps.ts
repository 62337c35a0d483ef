/**
 * The steps of a plan: materializing one asset (start its resources, load its inputs through
 * their IO managers, compute, validate, store) and running one check. Each step reports itself
 * as run events and runs inside its own `StepScope` (deadline, cancellation, stall watch).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import type { ErrorInfo, FailureReason, RunEvent } from "@assetline/core";
import {
  isResource,
  type AnyAsset,
  type AssetCheck,
  type IOContext,
  type IOManager,
  type Logger,
} from "../types";
import { StepInterrupted, StepScope } from "./deadline";
import type { PlanInput, PlanStep } from "./plan";
import type { ResourcePool } from "./resources";

/** What a step needs from its run. */
export interface RunContext {
  runId: string;
  root: string;
  env: string;
  /** The run's cancellation. */
  signal: AbortSignal;
  resources: ResourcePool;
  ioOf(asset: AnyAsset): IOManager;
  /** The IO context of an asset, or of one of its partitions. */
  ioContext(asset: AnyAsset, partition?: string): IOContext;
  emit(event: RunEvent): void;
  logger(key?: string): Logger;
}

/** How a step ended, for the scheduler: whether what needs it may start. */
export type StepOutcome = "materialized" | "blocked" | "failed" | "cancelled";

class AssetFailure extends Error {
  constructor(
    message: string,
    readonly reason: FailureReason,
    readonly original?: unknown,
  ) {
    super(message);
  }
}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof AssetFailure) {
    const original = error.original instanceof Error ? error.original : undefined;
    return { message: error.message, stack: original?.stack ?? undefined };
  }
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  return { message: String(error) };
}

const messageOf = (e: unknown): string => (e as Error)?.message ?? String(e);

const now = (): string => new Date().toISOString();

const sourceHashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();
/** A hash of the file declaring an asset, to notice code changes (cached while the file is unchanged). */
export function sourceHash(asset: AnyAsset): string | undefined {
  const file = asset.location?.file;
  if (!file) return undefined;
  try {
    const stat = fs.statSync(file);
    const cached = sourceHashes.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.hash;
    const hash = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 16);
    sourceHashes.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, hash });
    return hash;
  } catch {
    return undefined;
  }
}

function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  if (!path || path.length === 0) return "(the value itself)";
  return path
    .map((p) => (typeof p === "object" ? p.key : p))
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("");
}

/** An interruption stays what it is; any other error becomes `wrap(e)`. */
async function failingAs<T>(work: Promise<T>, wrap: (e: unknown) => AssetFailure): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof StepInterrupted || e instanceof AssetFailure) throw e;
    throw wrap(e);
  }
}

type AssetContext = Parameters<NonNullable<AnyAsset["compute"]>>[0];

/** Materializes one asset, then runs its checks. Never throws: the outcome says how it ended. */
/** The values of an asset's `resources`: resource objects started (once per run), the rest as given. */
async function startResources(
  run: RunContext,
  a: AnyAsset,
  scope: StepScope,
): Promise<Record<string, unknown>> {
  const resources: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(a.spec.resources ?? {})) {
    if (!isResource(r)) {
      resources[name] = r;
      continue;
    }
    resources[name] = await failingAs(
      scope.race(() => run.resources.get(r, run.logger(a.key)), `the factory of resource "${r.name}"`),
      (e) =>
        new AssetFailure(
          `Resource "${r.name}" failed to start in environment "${run.env}": ${messageOf(e)}`,
          "resource",
          e,
        ),
    );
  }
  return resources;
}

/** Loads one input of a step: the upstream's value, one of its partitions, or several keyed. */
async function loadInput(run: RunContext, upstream: AnyAsset, input: PlanInput): Promise<unknown> {
  const io = run.ioOf(upstream);
  if (input.partitions === undefined) return io.load(run.ioContext(upstream));
  if (!input.keyed) {
    const partition = input.partitions[0];
    if (partition === undefined) {
      throw new Error(
        `no partition of "${upstream.key}" maps to this one (its partitions do not reach this far)`,
      );
    }
    return io.load(run.ioContext(upstream, partition));
  }
  const values: Record<string, unknown> = {};
  for (const partition of input.partitions) {
    const ctx = run.ioContext(upstream, partition);
    // A keyed input holds the partitions that are stored; the rest have not been materialized.
    if (io.exists && !(await io.exists(ctx))) continue;
    values[partition] = await io.load(ctx);
  }
  return values;
}

export async function runAssetStep(run: RunContext, step: PlanStep): Promise<StepOutcome> {
  const a = step.asset;
  const partition = step.partition;
  const t0 = performance.now();
  const subject = partition === undefined ? `Asset "${a.key}"` : `Asset "${a.key}" partition ${partition}`;
  const tag = partition === undefined ? {} : { partition };
  run.emit({ type: "asset_start", runId: run.runId, time: now(), key: a.key, ...tag });
  // Starting resources, loading inputs and computing run against the asset's deadline and the
  // run's cancellation; validating and storing only against a stall.
  const scope = new StepScope({ subject, timeoutMs: a.spec.timeoutMs, run: run.signal });
  let value: unknown;
  let ctx!: AssetContext;
  try {
    const resources = await startResources(run, a, scope);
    const inputs: Record<string, unknown> = {};
    for (const input of step.inputs) {
      const upstream = a.spec.ins![input.name]!;
      const name = input.name;
      inputs[name] = await failingAs(
        scope.race(
          () => loadInput(run, upstream, input),
          `loading input "${name}" (${input.key}) through its IO manager`,
        ),
        (e) => new AssetFailure(`Loading input "${name}" (${input.key}) failed: ${messageOf(e)}`, "input", e),
      );
    }
    const ioContext = run.ioContext(a, partition);
    ctx = {
      key: a.key,
      runId: run.runId,
      log: run.logger(a.key),
      resources,
      root: run.root,
      env: run.env,
      signal: scope.signal,
      metadata: a.spec.metadata ?? {},
      ...(ioContext.partition ? { partition: ioContext.partition } : {}),
    };
    value = await scope.race(() => a.compute!(ctx, inputs), "its compute");
    scope.stopClock();
    if (value === undefined) value = null;
    const schema = a.spec.schema;
    if (schema) {
      const result = await scope.settle(() => schema["~standard"].validate(value), "its schema's validate");
      if (result.issues) {
        const shown = result.issues.slice(0, 5).map((i) => `${issuePath(i.path)}: ${i.message}`);
        throw new AssetFailure(
          `Asset "${a.key}" returned a value that does not match its schema: ${shown.join("; ")}${result.issues.length > 5 ? ` (and ${result.issues.length - 5} more)` : ""}.`,
          "schema",
        );
      }
      value = result.value;
    }
    const io = run.ioOf(a);
    const ioName = io.name ?? "custom";
    const saved =
      (await failingAs(
        scope.settle(() => io.save(ioContext, value), `storing it with the ${ioName} IO manager`),
        (e) =>
          new AssetFailure(
            `Storing "${a.key}"${partition === undefined ? "" : ` partition ${partition}`} with the ${ioName} IO manager failed: ${messageOf(e)}.`,
            "io",
            e,
          ),
      )) ?? {};
    const event: Extract<RunEvent, { type: "asset_success" }> = {
      type: "asset_success",
      runId: run.runId,
      time: now(),
      key: a.key,
      ...tag,
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
      output: saved,
    };
    if (a.spec.codeVersion !== undefined) event.codeVersion = a.spec.codeVersion;
    const hash = sourceHash(a);
    if (hash !== undefined) event.sourceHash = hash;
    run.emit(event);
  } catch (caught) {
    let e: unknown = caught;
    let reason: FailureReason =
      e instanceof AssetFailure || e instanceof StepInterrupted ? e.reason : "error";
    if (reason === "error" && run.signal.aborted) {
      // The compute reacted to the run's cancellation by throwing: report it as cancelled.
      reason = "cancelled";
      e = new AssetFailure(`${subject} was cancelled (${messageOf(e)}).`, "cancelled", e);
    }
    run.emit({
      type: "asset_failure",
      runId: run.runId,
      time: now(),
      key: a.key,
      ...tag,
      durationMs: Math.round(performance.now() - t0),
      reason,
      error: errorInfo(e),
    });
    return reason === "cancelled" ? "cancelled" : "failed";
  } finally {
    scope.dispose();
  }
  let blocked = false;
  for (const c of step.checks) {
    const event = await runCheckStep(run, c, value, ctx);
    if (!event.passed && c.blocking) blocked = true;
  }
  return blocked ? "blocked" : "materialized";
}

/**
 * Runs a step's checks on the value already stored (`assetline run-checks`): nothing is computed
 * or written. Loading it fails the checks with a sentence; the runner made sure it exists.
 */
export async function runStoredChecks(
  run: RunContext,
  step: PlanStep,
  only?: ReadonlySet<string>,
): Promise<StepOutcome> {
  const a = step.asset;
  const ioContext = run.ioContext(a, step.partition);
  const ctx: AssetContext = {
    key: a.key,
    runId: run.runId,
    log: run.logger(a.key),
    resources: {},
    root: run.root,
    env: run.env,
    signal: run.signal,
    metadata: a.spec.metadata ?? {},
    ...(ioContext.partition ? { partition: ioContext.partition } : {}),
  };
  const checks = step.checks.filter((c) => only === undefined || only.has(c.name));
  let value: unknown;
  const scope = new StepScope({ subject: `Asset "${a.key}"`, timeoutMs: a.spec.timeoutMs, run: run.signal });
  try {
    ctx.resources = await startResources(run, a, scope);
    value = await scope.race(() => run.ioOf(a).load(ioContext), "loading its stored value");
  } catch (e) {
    for (const c of checks) {
      const event: Extract<RunEvent, { type: "check_result" }> = {
        type: "check_result",
        runId: run.runId,
        time: now(),
        key: a.key,
        ...(step.partition === undefined ? {} : { partition: step.partition }),
        check: c.name,
        passed: false,
        blocking: c.blocking,
        severity: c.severity,
        error: {
          message: `Checking the stored value of "${a.key}" failed before the check ran: ${messageOf(e)}`,
        },
      };
      run.emit(event);
    }
    return "failed";
  } finally {
    scope.dispose();
  }
  let failed = false;
  for (const c of checks) {
    const event = await runCheckStep(run, c, value, ctx);
    if (!event.passed && c.severity === "error") failed = true;
  }
  return failed ? "blocked" : "materialized";
}

/**
 * Runs one check on a stored value, against the same deadline as its asset (its own clock) and
 * the run's cancellation, and emits its result. A check that throws or answers nonsense fails.
 */
export async function runCheckStep(
  run: RunContext,
  c: AssetCheck<unknown>,
  value: unknown,
  assetContext: AssetContext,
): Promise<Extract<RunEvent, { type: "check_result" }>> {
  let passed = false;
  let description: string | undefined;
  let metadata: Record<string, unknown> | undefined;
  let error: ErrorInfo | undefined;
  const scope = new StepScope({
    subject: `check "${c.name}"`,
    timeoutMs: c.asset.spec.timeoutMs,
    run: run.signal,
  });
  try {
    const ctx = { ...assetContext, signal: scope.signal, log: run.logger(c.assetKey) };
    const outcome = await scope.race(() => c.fn(ctx, value), "it");
    if (typeof outcome === "boolean") passed = outcome;
    else if (outcome && typeof outcome === "object") {
      passed = outcome.passed === true;
      description = outcome.description;
      metadata = outcome.metadata;
    } else {
      error = { message: `check "${c.name}" returned ${String(outcome)}; return a boolean or { passed }.` };
    }
  } catch (e) {
    error = errorInfo(e);
  } finally {
    scope.dispose();
  }
  const event: Extract<RunEvent, { type: "check_result" }> = {
    type: "check_result",
    runId: run.runId,
    time: now(),
    key: c.assetKey,
    ...(assetContext.partition ? { partition: assetContext.partition.key } : {}),
    check: c.name,
    passed,
    blocking: c.blocking,
    severity: c.severity,
  };
  if (description !== undefined) event.description = description;
  if (metadata !== undefined) event.metadata = metadata;
  if (error !== undefined) event.error = error;
  run.emit(event);
  return event;
}
