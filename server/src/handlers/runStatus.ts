/**
 * The run state of each asset for the lens, the hover and the views (`assetline/runStates`):
 * `@assetline/core`'s `assetStatus` over the run records (the runner's index, brought up to date
 * from the logs by the library's own `readIndex`, so a killed run stops showing as running) and
 * the facts the analysis reads (upstreams, freshness). Read again when the index file changes,
 * and while an asset shows as running (its run may have been killed).
 */
import fs from "node:fs";
import path from "node:path";
import {
  assetStatus,
  automationAssets,
  evaluateAutomation,
  partitionFactsOf,
  type AssetStatus,
  type PartitionedNode,
  type RunIndex,
  type StateFacts,
} from "@assetline/core";
import type { AssetRecord } from "@assetline/analysis";
import { latestTick, readIndex } from "assetline/launch";
import { ResponseError } from "vscode-languageserver/node";
import type { AutomationVerdict, RunStatesParams, RunStatesResult } from "@assetline/protocol";
import { requestedProject } from "./graph";
import type { Project, Projects } from "./projects";

const cache = new Map<string, { mtimeMs: number | undefined; index: RunIndex | undefined }>();

function modified(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

export function readRunIndex(root: string): RunIndex | undefined {
  const file = path.join(root, ".assetline", "index.json");
  const cached = cache.get(root);
  const mtimeMs = modified(file);
  const running = Object.keys(cached?.index?.running ?? {}).length > 0;
  if (cached && cached.mtimeMs === mtimeMs && !running) return cached.index;
  let index: RunIndex | undefined;
  if (fs.existsSync(path.dirname(file))) {
    try {
      index = readIndex(root, false);
    } catch {
      // Being rewritten or damaged: show no status rather than a wrong one.
    }
  }
  cache.set(root, { mtimeMs, index });
  return index;
}

/** What the analysis knows of an asset that its state depends on (not its code: see `StateFacts`). */
export function stateFacts(
  record: AssetRecord & { key: string },
  byKey?: ReadonlyMap<string, AssetRecord>,
): StateFacts {
  const upstreams = [...new Set(record.deps.flatMap((dep) => (dep.key === undefined ? [] : [dep.key])))];
  const facts: StateFacts = {
    key: record.key,
    upstreams,
    ...(record.maxLag !== undefined ? { maxLag: record.maxLag } : {}),
  };
  const ins: Record<string, string> = {};
  for (const dep of record.deps)
    if (dep.input !== undefined && dep.key !== undefined) ins[dep.input] = dep.key;
  const partitioned = partitionFactsOf(
    { key: record.key, deps: upstreams, ins, ...pick(record) },
    (key) => byKey?.get(key)?.partitions,
  );
  if (partitioned) facts.partitioned = partitioned;
  return facts;
}

function pick(record: AssetRecord): Pick<PartitionedNode, "partitions" | "partitionMappings"> {
  return {
    ...(record.partitions !== undefined ? { partitions: record.partitions } : {}),
    ...(record.partitionMappings !== undefined ? { partitionMappings: record.partitionMappings } : {}),
  };
}

/** The state of one asset of the project; undefined for an external or unknown one. */
export function statusOf(project: Project, key: string, now = Date.now()): AssetStatus | undefined {
  const record = project.result?.built.byKey.get(key);
  if (!record || record.external || record.key === undefined) return undefined;
  return assetStatus(
    stateFacts({ ...record, key: record.key }, project.result?.built.byKey),
    readRunIndex(project.root),
    now,
  );
}

/** The states of every asset of the project that Assetline computes (not external ones). */
export function projectStatuses(project: Project, now = Date.now()): Record<string, AssetStatus> {
  const states: Record<string, AssetStatus> = {};
  const index = readRunIndex(project.root);
  for (const [key, record] of project.result?.built.byKey ?? []) {
    if (record.external) continue;
    states[key] = assetStatus(stateFacts({ ...record, key }, project.result?.built.byKey), index, now);
  }
  return states;
}

/** The answer to `assetline/runStates`: every state of the project holding `params.uri`. */
export function runStatesRequest(
  projects: Projects,
  params: RunStatesParams | undefined,
): RunStatesResult | ResponseError<void> {
  const project = requestedProject(projects, params?.uri);
  if (project instanceof ResponseError) return project;
  const now = Date.now();
  const automation = automationVerdicts(project, now);
  return {
    rootUri: project.rootUri,
    at: new Date(now).toISOString(),
    states: projectStatuses(project, now),
    ...(automation ? { automation } : {}),
  };
}

/**
 * What an automation evaluation now would request, per asset with a condition: core's evaluator
 * over the statically read conditions and the run records, from where the last recorded tick
 * left off (as `assetline automation` does). Reads files only; runs nothing.
 */
export function automationVerdicts(
  project: Project,
  now: number,
): Record<string, AutomationVerdict> | undefined {
  // Every live event of a run asks for the run states (lens, views, diagnostics): the verdicts
  // are reused while the analysis and the records are the same, for a second at most (cron
  // conditions move with the clock).
  const index = readRunIndex(project.root);
  const cached = verdictCache.get(project);
  if (cached && cached.result === project.result && cached.index === index && now - cached.at < 1000)
    return cached.verdicts;
  const verdicts = evaluateVerdicts(project, index, now);
  verdictCache.set(project, { result: project.result, index, at: now, verdicts });
  return verdicts;
}

const verdictCache = new WeakMap<
  Project,
  {
    result: Project["result"];
    index: RunIndex | undefined;
    at: number;
    verdicts: Record<string, AutomationVerdict> | undefined;
  }
>();

function evaluateVerdicts(
  project: Project,
  index: RunIndex | undefined,
  now: number,
): Record<string, AutomationVerdict> | undefined {
  const records = [...(project.result?.built.byKey.values() ?? [])].filter((r) => r.key !== undefined);
  if (!records.some((record) => record.automation !== undefined)) return undefined;
  let previous: ReturnType<typeof latestTick>;
  try {
    previous = latestTick(project.root);
  } catch {
    previous = undefined;
  }
  const nodes = records.map((record) => ({
    key: record.key as string,
    deps: [...new Set(record.deps.flatMap((dep) => (dep.key === undefined ? [] : [dep.key])))],
    ...(record.automation ? { automation: record.automation } : {}),
    ...(record.partitions ? { partitions: record.partitions } : {}),
    ...(record.external ? { external: true } : {}),
  }));
  const evaluation = evaluateAutomation({
    assets: automationAssets(nodes, index, now),
    at: now,
    ...(previous ? { since: Date.parse(previous.at), cursor: previous.cursor.conditions } : {}),
  });
  const verdicts: Record<string, AutomationVerdict> = {};
  for (const [list, requested] of [
    [evaluation.requested, true],
    [evaluation.skipped, false],
  ] as const) {
    for (const decision of list) {
      verdicts[decision.key] = {
        requested,
        reason: decision.reason,
        ...(decision.partition === undefined ? {} : { partition: decision.partition }),
      };
    }
  }
  return verdicts;
}
