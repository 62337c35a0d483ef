/**
 * One automation tick over the window (since, at]: the assets' conditions (evaluated by
 * @assetline/core), the schedules whose cron ticked, and the sensors that are due. The result
 * is a record of every decision and the runs it plans, written atomically under
 * `.assetline/automation/ticks/` before anything runs, so that `assetline dev` killed at any
 * moment resumes without losing a decision or repeating a run that succeeded.
 */
import fs from "node:fs";
import path from "node:path";
import {
  clockText,
  cronTicksBetween,
  describeCondition,
  evaluateAutomation,
  isTimeWindow,
  keyTable,
  partitionId,
  type AutomationAsset,
  type AutomationCondition,
  type AutomationCursor,
  type AutomationDecision,
  type RunIndex,
  type RunTrigger,
} from "@assetline/core";
import { readJsonFile, writeFileAtomic } from "../fsutil";
import { assetlineDir, newRunId } from "../runner/events";
import type { AnyAsset, Logger } from "../types";
import type { Schedule, Sensor, SensorRunRequest } from "./definitions";

export interface PlannedRun {
  select: string;
  /** The keys the selection resolved to when the tick was evaluated. */
  keys: string[];
  trigger: RunTrigger;
  /** The partition the run materializes (automation on time-partitioned assets: the latest). */
  partition?: string;
}

export interface SensorState {
  cursor?: string;
  lastEvaluatedAt?: string;
  /** Run keys already requested (the most recent 1,000). */
  runKeys: string[];
}

export interface TickRecord {
  id: string;
  at: string;
  since?: string;
  requested: AutomationDecision[];
  skipped: AutomationDecision[];
  schedules: { name: string; requested: boolean; reason: string }[];
  sensors: { name: string; evaluated: boolean; requests: number; reason: string; error?: string }[];
  runs: PlannedRun[];
  /** Whether `runs` are to be launched (`assetline dev`) or were only shown (`assetline automation`). */
  launch: boolean;
  cursor: {
    conditions: AutomationCursor;
    sensors: Record<string, SensorState>;
    /** Schedule ticks up to this time have been handled (launched). */
    schedulesUpTo?: string;
  };
}

export interface TickInput {
  root: string;
  assets: readonly AnyAsset[];
  schedules: readonly Schedule[];
  sensors: readonly Sensor[];
  upstreamKeys: (asset: AnyAsset) => string[];
  index: RunIndex;
  /** Keys with a run in progress. */
  inProgress: ReadonlySet<string>;
  /** The materializable keys a selection means, or a sentence saying why it means none. */
  resolve: (selection: string) => string[] | string;
  at: number;
  /** Default: the previous tick's time. */
  since?: number;
  previous?: TickRecord;
  launch: boolean;
  log: Logger;
}

const MAX_RUN_KEYS = 1000;

function keySelection(keys: readonly string[]): string {
  return keys.map((k) => `key:${JSON.stringify(k)}`).join(" or ");
}

/** One evaluation of one sensor, with its timeout; it never throws (a failure is in `error`). */
export async function evaluateSensor(
  sensor: Sensor,
  state: SensorState | undefined,
  input: Pick<TickInput, "root" | "at" | "log">,
): Promise<{
  requests: SensorRunRequest[];
  state: SensorState;
  reason: string;
  error?: string;
  evaluated: boolean;
}> {
  const previous: SensorState = state ?? { runKeys: [] };
  const last = previous.lastEvaluatedAt === undefined ? undefined : Date.parse(previous.lastEvaluatedAt);
  if (last !== undefined && input.at - last < sensor.intervalMs) {
    const due = new Date(last + sensor.intervalMs).toISOString().slice(11, 19);
    return {
      requests: [],
      state: previous,
      reason: `not due until ${due} UTC (interval ${sensor.interval})`,
      evaluated: false,
    };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(
        `sensor "${sensor.name}" took longer than its timeout (${sensor.timeoutMs} ms)`,
      );
      controller.abort(error);
      reject(error);
    }, sensor.timeoutMs);
  });
  const ctx = {
    root: input.root,
    log: input.log,
    signal: controller.signal,
    ...(previous.cursor === undefined ? {} : { cursor: previous.cursor }),
    ...(last === undefined ? {} : { lastEvaluatedAt: new Date(last) }),
  };
  const evaluatedAt = new Date(input.at).toISOString();
  try {
    const result = (await Promise.race([Promise.resolve().then(() => sensor.fn(ctx)), timeout])) ?? {};
    const used = new Set(previous.runKeys);
    const fresh = (result.runRequests ?? []).filter((r) => r.runKey === undefined || !used.has(r.runKey));
    const repeated = (result.runRequests ?? []).length - fresh.length;
    const runKeys = [
      ...previous.runKeys,
      ...fresh.flatMap((r) => (r.runKey === undefined ? [] : [r.runKey])),
    ].slice(-MAX_RUN_KEYS);
    const next: SensorState = { runKeys, lastEvaluatedAt: evaluatedAt };
    const cursor = result.cursor ?? previous.cursor;
    if (cursor !== undefined) next.cursor = cursor;
    const reason =
      fresh.length > 0
        ? `requested ${fresh.length} run(s)${repeated > 0 ? ` (${repeated} with a run key already used)` : ""}`
        : (result.skipReason ??
          (repeated > 0 ? `every run key was already used (${repeated})` : "no run requested"));
    return { requests: fresh, state: next, reason, evaluated: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A failing sensor keeps its cursor: the next evaluation retries from the same place.
    return {
      requests: [],
      state: { ...previous, lastEvaluatedAt: evaluatedAt },
      reason: `failed: ${message}`,
      error: message,
      evaluated: true,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Evaluates one tick and plans its runs (nothing runs here). */
export async function evaluateTick(input: TickInput): Promise<TickRecord> {
  const { at, previous } = input;
  const since = input.since ?? (previous ? Date.parse(previous.at) : undefined);
  const id = newRunId(new Date(at));
  const runs: PlannedRun[] = [];
  /** Plans a run; undefined when planned, else why the selection cannot run. */
  const plan = (
    select: string,
    trigger: Omit<RunTrigger, "tick" | "request">,
    partition?: string,
  ): string | undefined => {
    const keys = input.resolve(select);
    if (typeof keys === "string") return keys;
    runs.push({
      select,
      keys,
      trigger: { ...trigger, tick: id, request: runs.length },
      ...(partition === undefined ? {} : { partition }),
    });
    return undefined;
  };

  // The assets' own conditions.
  const assets: AutomationAsset[] = input.assets.map((a) => {
    const entry = input.index.assets[a.key];
    const condition = (a.spec as { automation?: AutomationCondition }).automation;
    // A time-partitioned asset is judged on its latest partition, as Dagster's conditions are.
    const definition = a.spec.partitions;
    const latest = definition && isTimeWindow(definition) ? keyTable(definition, at).keys.at(-1) : undefined;
    if (definition !== undefined) {
      const success = latest === undefined ? undefined : entry?.partitions?.[latest]?.success;
      return {
        key: a.key,
        deps: input.upstreamKeys(a),
        ...(condition && latest !== undefined ? { automation: condition } : {}),
        ...(latest === undefined ? {} : { partition: latest }),
        ...(success ? { lastMaterialized: Date.parse(success.time) } : {}),
        inProgress: latest !== undefined && input.inProgress.has(partitionId(a.key, latest)),
        ...(a.external ? { external: true } : {}),
      };
    }
    return {
      key: a.key,
      deps: input.upstreamKeys(a),
      ...(condition ? { automation: condition } : {}),
      ...(entry?.lastSuccess ? { lastMaterialized: Date.parse(entry.lastSuccess.time) } : {}),
      inProgress: input.inProgress.has(a.key),
      ...(a.external ? { external: true } : {}),
    };
  });
  const conditions = evaluateAutomation({
    assets,
    at,
    ...(since === undefined ? {} : { since }),
    ...(previous ? { cursor: previous.cursor.conditions } : {}),
  });
  if (!input.launch) {
    // Shown, not launched: a request is not handled until a run is started for it.
    for (const decision of conditions.requested) {
      const earlier = previous?.cursor.conditions.assets[decision.key]?.requestedAt;
      const entry = conditions.cursor.assets[decision.key];
      if (entry) {
        if (earlier === undefined) delete entry.requestedAt;
        else entry.requestedAt = earlier;
      }
    }
  }
  if (conditions.requested.length > 0) {
    const labels = new Map(
      input.assets.map((a) => [a.key, (a.spec as { automation?: AutomationCondition }).automation]),
    );
    // One run for the unpartitioned requests, one per partition key for the partitioned ones.
    const byPartition = new Map<string | undefined, AutomationDecision[]>();
    for (const d of conditions.requested) {
      const group = byPartition.get(d.partition) ?? [];
      group.push(d);
      byPartition.set(d.partition, group);
    }
    for (const [partition, decisions] of byPartition) {
      const reason = decisions
        .map(
          (d) =>
            `${partitionId(d.key, d.partition)} (${describeCondition(labels.get(d.key) as AutomationCondition)}): ${d.reason}`,
        )
        .join("\n");
      plan(keySelection(decisions.map((d) => d.key)), { type: "automation", reason }, partition);
    }
  }

  // Schedules: one run for the latest tick in the window (missed ticks are said, not replayed).
  // The window starts where the last launching tick ended: a tick only shown is still to be run
  const schedulesUpTo = previous?.cursor.schedulesUpTo;
  // (with no launching tick yet, where the last recorded evaluation ended).
  const scheduleSince = input.since ?? (schedulesUpTo === undefined ? since : Date.parse(schedulesUpTo));
  const schedules = input.schedules.map((s) => {
    const from = scheduleSince;
    if (from === undefined) {
      return { name: s.name, requested: false, reason: "first evaluation: ticks are counted from now on" };
    }
    const ticks = cronTicksBetween(s.cron, s.timezone, from, at);
    const latest = ticks[ticks.length - 1];
    if (latest === undefined)
      return {
        name: s.name,
        requested: false,
        reason: `no tick of ${s.cron} (${s.timezone}) since ${clockText(from, at)}`,
      };
    const missed =
      ticks.length > 1 ? `; ${ticks.length - 1} earlier tick(s) in the window are not replayed` : "";
    const reason = `the tick at ${clockText(latest, at)} of ${s.cron} (${s.timezone}) passed${missed}`;
    const problem = plan(s.select, { type: "schedule", name: s.name, reason });
    if (problem !== undefined) return { name: s.name, requested: false, reason: `${reason}, but ${problem}` };
    return { name: s.name, requested: true, reason };
  });

  // Sensors, one after the other (each has its own timeout).
  const sensorStates: Record<string, SensorState> = { ...(previous?.cursor.sensors ?? {}) };
  const sensors: TickRecord["sensors"] = [];
  for (const s of input.sensors) {
    const outcome = await evaluateSensor(s, previous?.cursor.sensors[s.name], input);
    // Shown, not launched: the sensor's cursor and run keys stay where they were.
    if (input.launch) sensorStates[s.name] = outcome.state;
    const problems: string[] = [];
    for (const request of outcome.requests) {
      const key = request.runKey === undefined ? "" : ` (run key ${request.runKey})`;
      const problem = plan(request.select ?? s.targets, {
        type: "sensor",
        name: s.name,
        reason: `sensor ${s.name} requested a run${key}`,
      });
      if (problem !== undefined) problems.push(problem);
    }
    sensors.push({
      name: s.name,
      evaluated: outcome.evaluated,
      requests: outcome.requests.length - problems.length,
      reason: problems.length === 0 ? outcome.reason : `${outcome.reason}; not run: ${problems.join("; ")}`,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });
  }

  const record: TickRecord = {
    id,
    at: new Date(at).toISOString(),
    requested: conditions.requested,
    skipped: conditions.skipped,
    schedules,
    sensors,
    runs,
    launch: input.launch,
    cursor: { conditions: conditions.cursor, sensors: sensorStates },
  };
  const upTo = input.launch ? record.at : schedulesUpTo;
  if (upTo !== undefined) record.cursor.schedulesUpTo = upTo;
  if (since !== undefined) record.since = new Date(since).toISOString();
  return record;
}

export function ticksDir(root: string): string {
  return path.join(assetlineDir(root), "automation", "ticks");
}

/** Keep this many tick records; older ones are removed. */
const KEEP_TICKS = 500;

/** Writes a tick record atomically (a killed process leaves the old set of records, never half of one). */
export function recordTick(root: string, record: TickRecord): void {
  const dir = ticksDir(root);
  writeFileAtomic(path.join(dir, `${record.id}.json`), JSON.stringify(record, null, 2) + "\n");
  const names = listTicks(root);
  for (const old of names.slice(0, Math.max(0, names.length - KEEP_TICKS)))
    fs.rmSync(path.join(dir, `${old}.json`), { force: true });
}

export function listTicks(root: string): string[] {
  try {
    return fs
      .readdirSync(ticksDir(root))
      .filter((n) => n.endsWith(".json"))
      .map((n) => n.slice(0, -".json".length))
      .sort();
  } catch {
    return [];
  }
}

/** A tick record by id, if it exists and reads. */
export function readTick(root: string, id: string): TickRecord | undefined {
  if (!/^[\w.-]+$/.test(id)) return undefined;
  try {
    return readJsonFile<TickRecord>(path.join(ticksDir(root), `${id}.json`));
  } catch {
    return undefined;
  }
}

/** The most recent tick record, if any (the cursor the next evaluation starts from). */
export function latestTick(root: string): TickRecord | undefined {
  const names = listTicks(root);
  for (let i = names.length - 1; i >= 0; i--) {
    try {
      const record = readJsonFile<TickRecord>(path.join(ticksDir(root), `${names[i]}.json`));
      if (record) return record;
    } catch {
      // An unreadable record (edited by hand): fall back to the one before.
    }
  }
  return undefined;
}
