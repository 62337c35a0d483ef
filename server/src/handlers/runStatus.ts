/**
 * Last run status and freshness of each asset, from `<root>/.assetline/index.json` (written by
 * the runner: the latest materialization per asset). Read lazily, cached until the file's
 * modification time changes.
 */
import fs from "node:fs";
import path from "node:path";
import { ago } from "@assetline/core";

export interface IndexEntry {
  lastStatus?: "success" | "failure";
  lastTime?: string;
  lastSuccess?: { time?: string };
  lastFailure?: { time?: string; message?: string };
}

const cache = new Map<string, { mtimeMs: number; assets: Record<string, IndexEntry> }>();

export function readRunIndex(root: string): Record<string, IndexEntry> {
  const file = path.join(root, ".assetline", "index.json");
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    cache.delete(root);
    return {};
  }
  const cached = cache.get(root);
  if (cached && cached.mtimeMs === mtimeMs) return cached.assets;
  let assets: Record<string, IndexEntry> = {};
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { assets?: unknown };
    if (parsed.assets && typeof parsed.assets === "object")
      assets = parsed.assets as Record<string, IndexEntry>;
  } catch {
    // Being rewritten or damaged: show no status rather than a wrong one.
  }
  cache.set(root, { mtimeMs, assets });
  return assets;
}

/** "24h", "30m", "7d", "90s" or an ISO 8601 duration like "P1DT2H" -> milliseconds. */
export function parseLag(text: string): number | undefined {
  const simple = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (simple) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      simple[2] as "ms"
    ];
    return Number(simple[1]) * unit;
  }
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (iso && text.trim() !== "P" && !text.trim().endsWith("T")) {
    const [, w, d, h, m, s] = iso;
    return (
      Number(w ?? 0) * 604_800_000 +
      Number(d ?? 0) * 86_400_000 +
      Number(h ?? 0) * 3_600_000 +
      Number(m ?? 0) * 60_000 +
      Number(s ?? 0) * 1000
    );
  }
  return undefined;
}

export type RunStatusKind = "failed" | "stale" | "succeeded" | "never";

/** An asset's last run: what it was, and the title of its code lens. */
export function runStatus(
  entry: IndexEntry | undefined,
  maxLag: string | undefined,
  now = Date.now(),
): { kind: RunStatusKind; title: string } {
  if (!entry?.lastStatus) return { kind: "never", title: "never run" };
  if (entry.lastStatus === "failure") {
    const lastTime = Date.parse(entry.lastTime ?? "");
    return { kind: "failed", title: `✗ failed ${Number.isNaN(lastTime) ? "" : ago(now - lastTime)}`.trim() };
  }
  const success = Date.parse(entry.lastSuccess?.time ?? entry.lastTime ?? "");
  if (Number.isNaN(success)) return { kind: "succeeded", title: "✓ succeeded" };
  const age = now - success;
  const lag = maxLag ? parseLag(maxLag) : undefined;
  if (lag === undefined) return { kind: "succeeded", title: `✓ ${ago(age)}` };
  return age <= lag
    ? { kind: "succeeded", title: `✓ fresh (${ago(age)})` }
    : { kind: "stale", title: `⚠ stale: ${ago(age)}, max lag ${maxLag}` };
}

/** The code lens title for an asset's last run ("never run" when it never ran). */
export function runStatusTitle(
  entry: IndexEntry | undefined,
  maxLag: string | undefined,
  now = Date.now(),
): string {
  return runStatus(entry, maxLag, now).title;
}

/** "✗ 1 failed · ✓ 2 succeeded · 1 never run": the last runs of several assets. */
export function runStatusSummary(kinds: readonly RunStatusKind[]): string {
  const count = (kind: RunStatusKind): number => kinds.filter((each) => each === kind).length;
  const parts = [
    [count("failed"), "✗", "failed"],
    [count("stale"), "⚠", "stale"],
    [count("succeeded"), "✓", "succeeded"],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, mark, word]) => `${mark} ${n} ${word}`);
  if (count("never") > 0) shown.push(`${count("never")} never run`);
  return shown.join(" · ");
}
