/** The local runner: materializes a selection of assets in dependency order. */
import crypto from "node:crypto";
import { setMaxListeners } from "node:events";
import fs from "node:fs";
import type { AssetlineConfig } from "../config";
import { upstreamKeys, type LoadedDefinitions } from "../definitions";
import { fsIOManager } from "../io";
import {
  isResource,
  type AnyAsset,
  type IOContext,
  type IOManager,
  type SaveResult,
  type Logger,
  type Resource,
} from "../types";
import {
  type ErrorInfo,
  type FailureReason,
  type RunEvent,
  type RunStatus,
  type RunTrigger,
} from "@assetline/core";
import { newRunId, RunRecorder } from "./events";

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

class AssetFailure extends Error {
  constructor(
    message: string,
    readonly reason: FailureReason,
    readonly original?: unknown,
  ) {
    super(message);
  }
}

/** A resource's teardown (or the factory it waits for) never settles. */
class StalledTeardown extends Error {}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof AssetFailure) {
    const original = error.original instanceof Error ? error.original : undefined;
    return { message: error.message, stack: original?.stack ?? undefined };
  }
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  return { message: String(error) };
}

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

/**
 * Waits that fail once Node's event loop has nothing left to do but them. A promise that never
 * settles (and holds nothing open) would otherwise end the process in the middle of a run: exit
 * code 0, no `run_end`, the run recorded as "interrupted". Node announces that moment with
 * `beforeExit`.
 */
const stalledWaits = new Set<() => void>();

function onEventLoopDrained(): void {
  if (stalledWaits.size === 0) return;
  for (const fail of [...stalledWaits]) fail();
  // Come round once more: if what the run does next waits forever too, `beforeExit` comes again
  // (with nothing pending, Node would exit right after this listener).
  setImmediate(() => undefined);
}

/** `work`, or a rejection with `failure()` once nothing but `work` is left for Node to do. */
function unlessStalled<T>(work: Promise<T>, failure: () => Error): Promise<T> {
  let fail!: () => void;
  const stalled = new Promise<never>((_, reject) => {
    fail = () => reject(failure());
  });
  if (stalledWaits.size === 0) process.on("beforeExit", onEventLoopDrained);
  stalledWaits.add(fail);
  work.catch(() => undefined);
  return Promise.race([work, stalled]).finally(() => {
    stalledWaits.delete(fail);
    if (stalledWaits.size === 0) process.off("beforeExit", onEventLoopDrained);
  });
}

/** Why a stalled wait will never end, for the sentence that fails it. */
const NEVER_SETTLES =
  "returned a promise that never settles (nothing else was left for Node to do, so the run would have waited forever)";

type MissingInput = { asset: string; upstream: string };

/** Inputs of the selected assets that come from outside the selection and have no stored value. */
async function missingInputs(
  assets: readonly AnyAsset[],
  selected: ReadonlySet<string>,
  ioOf: (a: AnyAsset) => IOManager,
  ioContext: (a: AnyAsset) => IOContext,
): Promise<MissingInput[]> {
  const missing: MissingInput[] = [];
  for (const a of assets) {
    if (!selected.has(a.key)) continue;
    for (const input of Object.values(a.spec.ins ?? {})) {
      if (selected.has(input.key)) continue;
      const io = ioOf(input);
      if (io.exists && !(await io.exists(ioContext(input))))
        missing.push({ asset: a.key, upstream: input.key });
    }
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

  const selected = new Set(
    options.keys.filter((k) => definitions.byKey.get(k) && !definitions.byKey.get(k)!.external),
  );

  // Inputs from outside the selection must already be stored: say which to materialize first,
  // or (missingUpstream: "materialize") add them to the run, and theirs in turn.
  const addedUpstream: string[] = [];
  for (;;) {
    const missing = await missingInputs(definitions.assets, selected, ioOf, ioContext);
    if (missing.length === 0) break;
    const computable = missing.filter((m) => !definitions.byKey.get(m.upstream)?.external);
    if (config.missingUpstream !== "materialize" || computable.length < missing.length) {
      throw missingUpstreamError(missing, definitions);
    }
    for (const { upstream } of computable) {
      if (!selected.has(upstream)) addedUpstream.push(upstream);
      selected.add(upstream);
    }
  }
  const order = definitions.assets.filter((a) => selected.has(a.key));

  const recorder = options.record === false ? undefined : new RunRecorder(root, runId);
  const now = (): string => new Date().toISOString();
  const emit = (event: RunEvent): void => {
    recorder?.record(event);
    options.onEvent?.(event);
  };

  const started = Date.now();
  emit({
    type: "run_start",
    runId,
    time: now(),
    selection: options.selection ?? order.map((a) => a.key).join(" or "),
    assets: order.map((a) => a.key),
    env,
    pid: process.pid,
    concurrency,
    ...(options.trigger ? { trigger: options.trigger } : {}),
  });
  if (addedUpstream.length > 0) {
    emit({
      type: "log",
      runId,
      time: now(),
      level: "info",
      message: `Never materialized, so added to this run (missingUpstream: "materialize"): ${addedUpstream.join(", ")}`,
    });
  }

  // Dependency bookkeeping within the selection.
  const waitingOn = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const a of order) {
    const ups = upstreamKeys(a).filter((k) => selected.has(k));
    waitingOn.set(a.key, ups.length);
    for (const up of ups) {
      let list = downstream.get(up);
      if (!list) downstream.set(up, (list = []));
      list.push(a.key);
    }
  }

  const materialized: string[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  const failedChecks: string[] = [];
  const done = new Set<string>();
  const runController = new AbortController();
  // One listener per running asset.
  setMaxListeners(concurrency + 10, runController.signal);
  let cancelled = false;
  const onAbort = (): void => {
    cancelled = true;
    runController.abort(options.signal?.reason);
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  // Resources are created on first use, once per run, and torn down at the end.
  const resourceInstances = new Map<Resource<unknown>, Promise<unknown>>();
  const resourceValue = (r: Resource<unknown>, logger: Logger): Promise<unknown> => {
    let instance = resourceInstances.get(r);
    if (!instance && options.resourceOverrides && r.name in options.resourceOverrides) {
      instance = Promise.resolve(options.resourceOverrides[r.name]);
      resourceInstances.set(r, instance);
    }
    if (!instance) {
      const factory = typeof r.factory === "function" ? r.factory : r.factory[env];
      if (!factory) {
        const known = Object.keys(r.factory);
        instance = Promise.reject(
          new Error(
            `resource "${r.name}" has no factory for environment "${env}" (it has ${known.join(", ")})`,
          ),
        );
      } else {
        const resourceConfig = config.environments?.[env]?.resources?.[r.name] ?? {};
        instance = Promise.resolve().then(() => factory({ env, config: resourceConfig, root, log: logger }));
      }
      instance.catch(() => undefined);
      resourceInstances.set(r, instance);
    }
    return instance;
  };

  const makeLogger = (key?: string): Logger => {
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

  const skipDownstream = (key: string, reason: string): void => {
    for (const d of downstream.get(key) ?? []) {
      if (done.has(d)) continue;
      done.add(d);
      skipped.push(d);
      emit({ type: "asset_skipped", runId, time: now(), key: d, reason });
      skipDownstream(d, reason);
    }
  };

  /** A check runs against its own deadline (the asset's timeoutMs) and the run's cancellation. */
  const guardCheck = async <T>(work: Promise<T>, name: string, ms: number | undefined): Promise<T> => {
    work.catch(() => undefined);
    let checkTimer: NodeJS.Timeout | undefined;
    let onCancel: (() => void) | undefined;
    const stoppers = [
      new Promise<never>((_, reject) => {
        onCancel = () => reject(new Error(`check "${name}" was cancelled`));
        if (runController.signal.aborted) onCancel();
        else runController.signal.addEventListener("abort", onCancel, { once: true });
      }),
    ];
    if (ms !== undefined) {
      stoppers.push(
        new Promise<never>((_, reject) => {
          checkTimer = setTimeout(
            () => reject(new Error(`check "${name}" timed out after ${ms} ms (the asset's timeoutMs)`)),
            ms,
          );
        }),
      );
    }
    try {
      return await unlessStalled(
        Promise.race([work, ...stoppers]),
        () =>
          new Error(
            `check "${name}" never finished: it ${NEVER_SETTLES}. Make sure every promise it awaits resolves or rejects.`,
          ),
      );
    } finally {
      if (checkTimer) clearTimeout(checkTimer);
      if (onCancel) runController.signal.removeEventListener("abort", onCancel);
    }
  };

  const runChecks = async (
    a: AnyAsset,
    value: unknown,
    ctxBase: Parameters<NonNullable<AnyAsset["compute"]>>[0],
  ): Promise<boolean> => {
    let blockingFailed = false;
    const checks = definitions.checks.filter((c) => c.assetKey === a.key);
    for (const c of checks) {
      let passed = false;
      let description: string | undefined;
      let metadata: Record<string, unknown> | undefined;
      let error: ErrorInfo | undefined;
      try {
        const work = Promise.resolve().then(() => c.fn({ ...ctxBase, log: makeLogger(a.key) }, value));
        const outcome = await guardCheck(work, c.name, a.spec.timeoutMs);
        if (typeof outcome === "boolean") passed = outcome;
        else if (outcome && typeof outcome === "object") {
          passed = outcome.passed === true;
          description = outcome.description;
          metadata = outcome.metadata;
        } else {
          error = {
            message: `check "${c.name}" returned ${String(outcome)}; return a boolean or { passed }.`,
          };
        }
      } catch (e) {
        error = errorInfo(e);
      }
      const event: Extract<RunEvent, { type: "check_result" }> = {
        type: "check_result",
        runId,
        time: now(),
        key: a.key,
        check: c.name,
        passed,
        blocking: c.blocking,
        severity: c.severity,
      };
      if (description !== undefined) event.description = description;
      if (metadata !== undefined) event.metadata = metadata;
      if (error !== undefined) event.error = error;
      emit(event);
      if (!passed) {
        failedChecks.push(`${a.key}:${c.name}`);
        if (c.blocking) blockingFailed = true;
      }
    }
    return !blockingFailed;
  };

  const runOne = async (a: AnyAsset): Promise<void> => {
    const t0 = performance.now();
    emit({ type: "asset_start", runId, time: now(), key: a.key });
    const controller = new AbortController();
    const onRunAbort = (): void => controller.abort(runController.signal.reason);
    runController.signal.addEventListener("abort", onRunAbort, { once: true });
    const log = makeLogger(a.key);
    let timer: NodeJS.Timeout | undefined;
    // Starting resources, loading inputs and computing all run against the asset's deadline
    // (timeoutMs) and the run's cancellation.
    const stoppers: Promise<never>[] = [];
    if (a.spec.timeoutMs !== undefined) {
      const ms = a.spec.timeoutMs;
      stoppers.push(
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(
              new AssetFailure(
                `Asset "${a.key}" timed out after ${ms} ms (timeoutMs); make it faster or raise timeoutMs.`,
                "timeout",
              ),
            );
            // After rejecting, so that the timeout wins the race even if compute throws on abort.
            controller.abort(new Error("timeout"));
          }, ms);
        }),
      );
    }
    stoppers.push(
      new Promise<never>((_, reject) => {
        // The per-asset signal is aborted when the run is cancelled (and on timeout, which
        // has already rejected by then): listening here leaves nothing on the run's signal.
        const cancel = (): void => reject(new AssetFailure(`Asset "${a.key}" was cancelled.`, "cancelled"));
        if (controller.signal.aborted) cancel();
        else controller.signal.addEventListener("abort", cancel, { once: true });
      }),
    );
    for (const stopper of stoppers) stopper.catch(() => undefined);
    /** Fails the asset when `what` (e.g. "its compute") waits on a promise that never settles. */
    const unlessStuck = <T>(work: Promise<T>, what: string): Promise<T> =>
      unlessStalled(
        work,
        () =>
          new AssetFailure(
            `Asset "${a.key}" never finished: ${what} ${NEVER_SETTLES}. Make sure every promise it awaits resolves or rejects.`,
            "stalled",
          ),
      );
    const guard = <T>(work: Promise<T>, what: string): Promise<T> => {
      work.catch(() => undefined);
      return unlessStuck(Promise.race([work, ...stoppers]), what);
    };
    try {
      // Resources.
      const resources: Record<string, unknown> = {};
      for (const [name, r] of Object.entries(a.spec.resources ?? {})) {
        if (isResource(r)) {
          try {
            resources[name] = await guard(
              resourceValue(r, makeLogger(a.key)),
              `the factory of resource "${r.name}"`,
            );
          } catch (e) {
            if (e instanceof AssetFailure) throw e;
            throw new AssetFailure(
              `Resource "${r.name}" failed to start in environment "${env}": ${(e as Error)?.message ?? String(e)}`,
              "resource",
              e,
            );
          }
        } else resources[name] = r;
      }
      // Inputs, loaded through each upstream's IO manager.
      const inputs: Record<string, unknown> = {};
      for (const [name, input] of Object.entries(a.spec.ins ?? {})) {
        try {
          inputs[name] = await guard(
            Promise.resolve().then(() => ioOf(input).load(ioContext(input))),
            `loading input "${name}" (${input.key}) through its IO manager`,
          );
        } catch (e) {
          if (e instanceof AssetFailure) throw e;
          throw new AssetFailure(
            `Loading input "${name}" (${input.key}) failed: ${(e as Error)?.message ?? String(e)}`,
            "input",
            e,
          );
        }
      }
      const ctx = {
        key: a.key,
        runId,
        log,
        resources,
        root,
        env,
        signal: controller.signal,
        metadata: a.spec.metadata ?? {},
      };
      let value: unknown = await guard(
        Promise.resolve().then(() => a.compute!(ctx, inputs)),
        "its compute",
      );
      if (timer) clearTimeout(timer);
      if (value === undefined) value = null;
      // Output contract.
      const schema = a.spec.schema;
      if (schema) {
        const result = await unlessStuck(
          Promise.resolve().then(() => schema["~standard"].validate(value)),
          "its schema's validate",
        );
        if (result.issues) {
          const shown = result.issues.slice(0, 5).map((i) => `${issuePath(i.path)}: ${i.message}`);
          throw new AssetFailure(
            `Asset "${a.key}" returned a value that does not match its schema: ${shown.join("; ")}${result.issues.length > 5 ? ` (and ${result.issues.length - 5} more)` : ""}.`,
            "schema",
          );
        }
        value = result.value;
      }
      let saved: SaveResult;
      try {
        const io = ioOf(a);
        saved =
          (await unlessStuck(
            Promise.resolve().then(() => io.save(ioContext(a), value)),
            `storing it with the ${io.name ?? "custom"} IO manager`,
          )) ?? {};
      } catch (e) {
        if (e instanceof AssetFailure) throw e;
        const name = ioOf(a).name ?? "custom";
        throw new AssetFailure(
          `Storing "${a.key}" with the ${name} IO manager failed: ${(e as Error)?.message ?? String(e)}.`,
          "io",
          e,
        );
      }
      const durationMs = Math.round((performance.now() - t0) * 1000) / 1000;
      const event: Extract<RunEvent, { type: "asset_success" }> = {
        type: "asset_success",
        runId,
        time: now(),
        key: a.key,
        durationMs,
        output: saved,
      };
      if (a.spec.codeVersion !== undefined) event.codeVersion = a.spec.codeVersion;
      const hash = sourceHash(a);
      if (hash !== undefined) event.sourceHash = hash;
      emit(event);
      materialized.push(a.key);
      done.add(a.key);
      const ok = await runChecks(a, value, ctx);
      if (!ok) skipDownstream(a.key, `a blocking check on "${a.key}" failed`);
      else release(a.key);
    } catch (caught) {
      let e: unknown = caught;
      let reason: FailureReason = e instanceof AssetFailure ? e.reason : "error";
      if (reason === "error" && runController.signal.aborted) {
        // The compute reacted to the run's cancellation by throwing: report it as cancelled.
        reason = "cancelled";
        e = new AssetFailure(
          `Asset "${a.key}" was cancelled (${(e as Error)?.message ?? String(e)}).`,
          "cancelled",
          e,
        );
      }
      emit({
        type: "asset_failure",
        runId,
        time: now(),
        key: a.key,
        durationMs: Math.round(performance.now() - t0),
        reason,
        error: errorInfo(e),
      });
      failed.push(a.key);
      done.add(a.key);
      skipDownstream(a.key, reason === "cancelled" ? "the run was cancelled" : `upstream "${a.key}" failed`);
    } finally {
      if (timer) clearTimeout(timer);
      runController.signal.removeEventListener("abort", onRunAbort);
    }
  };

  const ready: AnyAsset[] = order.filter((a) => waitingOn.get(a.key) === 0);
  const release = (key: string): void => {
    for (const d of downstream.get(key) ?? []) {
      const left = waitingOn.get(d)! - 1;
      waitingOn.set(d, left);
      if (left === 0 && !done.has(d)) ready.push(definitions.byKey.get(d)!);
    }
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = (): void => {
      while (!cancelled && running < concurrency && ready.length > 0) {
        const a = ready.shift()!;
        running++;
        void runOne(a).finally(() => {
          running--;
          pump();
        });
      }
      if (running === 0) resolve();
    };
    pump();
  });

  // Whatever did not run: cancelled, or (defensively; definitions refuse cycles) never ready.
  let neverReady = false;
  for (const a of order) {
    if (done.has(a.key)) continue;
    done.add(a.key);
    skipped.push(a.key);
    if (!cancelled) neverReady = true;
    const reason = cancelled
      ? "the run was cancelled"
      : "its upstream assets never finished (a dependency cycle?)";
    emit({ type: "asset_skipped", runId, time: now(), key: a.key, reason });
  }
  options.signal?.removeEventListener("abort", onAbort);

  for (const [r, instance] of resourceInstances) {
    const teardown = r.teardown;
    if (!teardown || (options.resourceOverrides && r.name in options.resourceOverrides)) continue;
    let started = false;
    try {
      await unlessStalled(
        instance.then((value) => {
          started = true;
          return teardown(value);
        }),
        () => new StalledTeardown(started ? "its teardown" : "its factory"),
      );
    } catch (error) {
      // A resource that failed to start has nothing to tear down.
      if (error instanceof StalledTeardown) {
        emit({
          type: "log",
          runId,
          time: now(),
          level: "warn",
          message: `Resource "${r.name}" was not torn down: ${error.message} ${NEVER_SETTLES}.`,
        });
      }
    }
  }

  const status: RunStatus = cancelled
    ? "cancelled"
    : neverReady ||
        failed.length > 0 ||
        definitions.checks.some((c) => c.blocking && failedChecks.includes(`${c.assetKey}:${c.name}`))
      ? "failure"
      : "success";
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
  return { runId, status, materialized, failed, skipped, failedChecks };
}
