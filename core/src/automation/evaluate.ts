/**
 * One evaluation of declarative automation over the window (since, at]: for every asset with a
 * condition, whether it is requested now and why, in words a user reads. Runs nothing; the
 * cursor it returns carries what the next evaluation needs (Dagster's `since_last_handled`
 * memory, which assets were missing, what was requested), so evaluations chain.
 */
import { latestCronTick, nextCronTick } from "../cron";
import { clockText } from "../partitions/zone";
import { expand, type AutomationCondition } from "./conditions";

export interface AutomationAsset {
  key: string;
  deps: string[];
  automation?: AutomationCondition;
  /** The latest successful materialization (milliseconds), if any. */
  lastMaterialized?: number;
  /** A run of the asset is in progress. */
  inProgress?: boolean;
  /** Declared, never materialized here (an external asset): never counted as missing. */
  external?: boolean;
  /**
   * A time-partitioned asset: the partition evaluated, its latest (as Dagster's conditions look
   * at the latest time window); `lastMaterialized` and `inProgress` are that partition's.
   */
  partition?: string;
}

export interface AssetCursor {
  /** For each `sinceLastHandled` node (by its path in the expanded condition), why it holds, or null. */
  held: Record<string, string | null>;
  wasMissing: boolean;
  /** When automation last requested the asset. */
  requestedAt?: number;
}

export interface AutomationCursor {
  evaluatedAt: number;
  assets: Record<string, AssetCursor>;
}

export interface AutomationDecision {
  key: string;
  /** The partition requested or skipped, for a time-partitioned asset. */
  partition?: string;
  reason: string;
}

export interface AutomationEvaluation {
  at: number;
  since?: number;
  requested: AutomationDecision[];
  skipped: AutomationDecision[];
  cursor: AutomationCursor;
}

interface Result {
  value: boolean;
  /** Why the node is true (when it is) or false (when it is not). */
  reason: string;
}

interface Context {
  asset: AutomationAsset;
  deps: AutomationAsset[];
  requested: Set<string>;
  since: number | undefined;
  at: number;
  previous: AssetCursor | undefined;
  previousAt: number | undefined;
  held: Record<string, string | null>;
}

const clock = clockText;

function joined(reasons: string[]): string {
  return reasons.filter((r) => r !== "").join("; ");
}

function list(keys: string[]): string {
  return keys.length === 1 ? `upstream ${keys[0]}` : `upstreams ${keys.join(", ")}`;
}

function cronLabel(cron: string, timeZone: string): string {
  return `${cron}, ${timeZone}`;
}

function lastMaterializedText(ctx: Context): string {
  const last = ctx.asset.lastMaterialized;
  return last === undefined
    ? "it was never materialized"
    : `the last materialization at ${clock(last, ctx.at)}`;
}

function leaf(condition: AutomationCondition, ctx: Context): Result {
  const { asset, deps, at, since } = ctx;
  const isMissing = (a: AutomationAsset) => a.lastMaterialized === undefined;
  switch (condition.type) {
    case "missing":
      return isMissing(asset)
        ? { value: true, reason: "it was never materialized" }
        : { value: false, reason: `it was materialized at ${clock(asset.lastMaterialized as number, at)}` };
    case "newlyMissing": {
      // Not missing says nothing worth reading next to its siblings' reasons: no words.
      if (!isMissing(asset)) return { value: false, reason: "" };
      return ctx.previous?.wasMissing
        ? { value: false, reason: "it is still missing, as at the last evaluation" }
        : { value: true, reason: "it was never materialized" };
    }
    case "inProgress":
      return asset.inProgress
        ? { value: true, reason: "a run of it is in progress" }
        : { value: false, reason: "no run of it is in progress" };
    case "newlyUpdated": {
      const last = asset.lastMaterialized;
      const updated = last !== undefined && (since === undefined || last > since) && last <= at;
      return updated
        ? { value: true, reason: `it was materialized at ${clock(last, at)}` }
        : { value: false, reason: "it was not materialized since the last evaluation" };
    }
    case "anyDepsUpdated": {
      // Updated since the later of the last evaluation and the asset's own last materialization
      // (on a first evaluation: since the asset's last materialization).
      const after = Math.max(since ?? -Infinity, asset.lastMaterialized ?? -Infinity);
      const updated = deps.filter((d) => d.lastMaterialized !== undefined && d.lastMaterialized > after);
      const requested = deps.filter((d) => ctx.requested.has(d.key) && !updated.includes(d));
      if (updated.length === 0 && requested.length === 0) {
        const window =
          since === undefined ? lastMaterializedText(ctx) : `the evaluation at ${clock(since, at)}`;
        return { value: false, reason: `no upstream was updated since ${window}` };
      }
      const parts: string[] = [];
      if (updated.length > 0) {
        const when =
          updated.length === 1
            ? `${list(updated.map((d) => d.key))} was updated at ${clock(updated[0]?.lastMaterialized as number, at)}`
            : `${list(updated.map((d) => `${d.key} (${clock(d.lastMaterialized as number, at)})`))} were updated`;
        const last = ctx.asset.lastMaterialized;
        parts.push(
          last === undefined
            ? `${when}; it was never materialized`
            : `${when}, after ${lastMaterializedText(ctx)}`,
        );
      }
      if (requested.length > 0)
        parts.push(
          `${list(requested.map((d) => d.key))} ${requested.length === 1 ? "is" : "are"} requested in this evaluation`,
        );
      return { value: true, reason: parts.join("; ") };
    }
    case "anyDepsMissing": {
      // One being materialized is on its way, and anyDepsInProgress says so: not counted here.
      const absent = deps
        .filter((d) => isMissing(d) && !d.external && !d.inProgress && !ctx.requested.has(d.key))
        .map((d) => d.key);
      return absent.length > 0
        ? {
            value: true,
            reason: `${list(absent)} ${absent.length === 1 ? "is" : "are"} missing (never materialized)`,
          }
        : { value: false, reason: "no upstream is missing" };
    }
    case "anyDepsInProgress": {
      const running = deps.filter((d) => d.inProgress).map((d) => d.key);
      return running.length > 0
        ? {
            value: true,
            reason: `${list(running)} ${running.length === 1 ? "is" : "are"} being materialized`,
          }
        : { value: false, reason: "no upstream is in progress" };
    }
    case "cronTickPassed": {
      const label = cronLabel(condition.cron, condition.timezone);
      if (since !== undefined) {
        const tick = latestCronTick(condition.cron, condition.timezone, at);
        if (tick !== undefined && tick > since) {
          return {
            value: true,
            reason: `the cron tick at ${clock(tick, at, condition.timezone)} (${label}) passed`,
          };
        }
      }
      const next = nextCronTick(condition.cron, condition.timezone, at);
      const nextText = next === undefined ? "" : `; next: ${clock(next, at, condition.timezone)} (${label})`;
      const window =
        since === undefined
          ? "first evaluation: cron ticks count from now on"
          : `no cron tick since ${clock(since, at, condition.timezone)}`;
      return { value: false, reason: `${window}${nextText}` };
    }
    case "allDepsUpdatedSinceCron": {
      const tick = latestCronTick(condition.cron, condition.timezone, at);
      if (tick === undefined)
        return { value: false, reason: `the cron schedule ${condition.cron} has not ticked yet` };
      const tickText = clock(tick, at, condition.timezone);
      const waiting = deps
        .filter(
          (d) => !ctx.requested.has(d.key) && (d.lastMaterialized === undefined || d.lastMaterialized < tick),
        )
        .map((d) => d.key);
      if (waiting.length > 0)
        return {
          value: false,
          reason: `waiting for ${list(waiting)} to be updated since the ${tickText} tick`,
        };
      return {
        value: true,
        reason:
          deps.length === 0
            ? "it has no upstream to wait for"
            : `every upstream was updated since the ${tickText} tick`,
      };
    }
    default:
      throw new Error(`not a building block: ${condition.type}`);
  }
}

function evaluateNode(condition: AutomationCondition, ctx: Context, path: string): Result {
  switch (condition.type) {
    case "and": {
      const results = condition.operands.map((c, i) => evaluateNode(c, ctx, `${path}.${i}`));
      const failed = results.find((r) => !r.value);
      if (failed) return failed;
      const positive = results.filter((_r, i) => condition.operands[i]?.type !== "not").map((r) => r.reason);
      return { value: true, reason: joined(positive) };
    }
    case "or": {
      const results = condition.operands.map((c, i) => evaluateNode(c, ctx, `${path}.${i}`));
      const passed = results.find((r) => r.value);
      return passed ?? { value: false, reason: joined(results.map((r) => r.reason)) };
    }
    case "not": {
      const inner = evaluateNode(condition.operand, ctx, `${path}.0`);
      return { value: !inner.value, reason: inner.reason };
    }
    case "sinceLastHandled": {
      const inner = evaluateNode(condition.operand, ctx, `${path}.0`);
      const { asset, since, previous, previousAt } = ctx;
      const materialized =
        asset.lastMaterialized !== undefined && since !== undefined && asset.lastMaterialized > since;
      const requestedLastTime = previous?.requestedAt !== undefined && previous.requestedAt === previousAt;
      const earlier = previous?.held[path] ?? null;
      const reason = inner.value ? inner.reason : !(materialized || requestedLastTime) ? earlier : null;
      ctx.held[path] = reason;
      return reason === null ? { value: false, reason: inner.reason } : { value: true, reason };
    }
    case "eager":
    case "onCron":
    case "onMissing":
      return evaluateNode(expand(condition), ctx, path);
    default:
      return leaf(condition, ctx);
  }
}

/** Upstreams before downstreams, so that a request earlier in the evaluation counts for its downstream. */
function inDependencyOrder(assets: AutomationAsset[]): AutomationAsset[] {
  const byKey = new Map(assets.map((a) => [a.key, a]));
  const ordered: AutomationAsset[] = [];
  const seen = new Set<string>();
  const visit = (asset: AutomationAsset) => {
    if (seen.has(asset.key)) return;
    seen.add(asset.key);
    for (const dep of asset.deps) {
      const found = byKey.get(dep);
      if (found) visit(found);
    }
    ordered.push(asset);
  };
  for (const asset of assets) visit(asset);
  return ordered;
}

/**
 * Evaluates every asset's condition at `at` over (since, at]; `since` defaults to the cursor's
 * evaluation time (none on a first evaluation).
 */
export function evaluateAutomation(input: {
  assets: AutomationAsset[];
  at: number;
  since?: number;
  cursor?: AutomationCursor;
}): AutomationEvaluation {
  const { assets, at, cursor } = input;
  const since = input.since ?? cursor?.evaluatedAt;
  const byKey = new Map(assets.map((a) => [a.key, a]));
  const requested = new Set<string>();
  const evaluation: AutomationEvaluation = {
    at,
    requested: [],
    skipped: [],
    cursor: { evaluatedAt: at, assets: {} },
  };
  if (since !== undefined) evaluation.since = since;
  for (const asset of inDependencyOrder(assets)) {
    if (asset.automation === undefined) continue;
    const previous = cursor?.assets[asset.key];
    const ctx: Context = {
      asset,
      deps: asset.deps.map((k) => byKey.get(k) ?? { key: k, deps: [] }),
      requested,
      since,
      at,
      previous,
      previousAt: cursor?.evaluatedAt,
      held: {},
    };
    const result = evaluateNode(asset.automation, ctx, "0");
    if (result.reason === "")
      result.reason = result.value ? "its condition holds" : "its condition does not hold";
    const entry: AssetCursor = { held: ctx.held, wasMissing: asset.lastMaterialized === undefined };
    const partition = asset.partition === undefined ? {} : { partition: asset.partition };
    if (result.value) {
      requested.add(asset.key);
      evaluation.requested.push({ key: asset.key, ...partition, reason: result.reason });
      entry.requestedAt = at;
    } else {
      evaluation.skipped.push({ key: asset.key, ...partition, reason: result.reason });
      if (previous?.requestedAt !== undefined) entry.requestedAt = previous.requestedAt;
    }
    evaluation.cursor.assets[asset.key] = entry;
  }
  return evaluation;
}
