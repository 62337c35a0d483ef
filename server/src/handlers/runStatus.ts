/**
 * The run state of each asset for the lens, the hover and the views (`assetline/runStates`):
 * `@assetline/core`'s `assetStatus` over `<root>/.assetline/index.json` (written by the runner)
 * and the facts the analysis reads (upstreams, freshness). The index is read lazily and cached
 * until the file's modification time changes.
 */
import fs from "node:fs";
import path from "node:path";
import { assetStatus, type AssetStatus, type RunIndex, type StateFacts } from "@assetline/core";
import type { AssetRecord } from "@assetline/analysis";
import type { Project } from "./projects";

const cache = new Map<string, { mtimeMs: number; index: RunIndex | undefined }>();

export function readRunIndex(root: string): RunIndex | undefined {
  const file = path.join(root, ".assetline", "index.json");
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    cache.delete(root);
    return undefined;
  }
  const cached = cache.get(root);
  if (cached && cached.mtimeMs === mtimeMs) return cached.index;
  let index: RunIndex | undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<RunIndex>;
    if (parsed.version === 1 && parsed.assets && typeof parsed.assets === "object")
      index = parsed as RunIndex;
  } catch {
    // Being rewritten or damaged: show no status rather than a wrong one.
  }
  cache.set(root, { mtimeMs, index });
  return index;
}

/** What the analysis knows of an asset that its state depends on (not its code: see `StateFacts`). */
export function stateFacts(record: AssetRecord & { key: string }): StateFacts {
  const upstreams = [...new Set(record.deps.flatMap((dep) => (dep.key === undefined ? [] : [dep.key])))];
  return { key: record.key, upstreams, ...(record.maxLag !== undefined ? { maxLag: record.maxLag } : {}) };
}

/** The state of one asset of the project; undefined for an external or unknown one. */
export function statusOf(project: Project, key: string, now = Date.now()): AssetStatus | undefined {
  const record = project.result?.built.byKey.get(key);
  if (!record || record.external || record.key === undefined) return undefined;
  return assetStatus(stateFacts({ ...record, key: record.key }), readRunIndex(project.root), now);
}

/** The states of every asset of the project that Assetline computes (not external ones). */
export function projectStatuses(project: Project, now = Date.now()): Record<string, AssetStatus> {
  const states: Record<string, AssetStatus> = {};
  const index = readRunIndex(project.root);
  for (const [key, record] of project.result?.built.byKey ?? []) {
    if (record.external) continue;
    states[key] = assetStatus(stateFacts({ ...record, key }), index, now);
  }
  return states;
}
