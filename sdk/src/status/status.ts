/** Staleness: why an asset's latest materialization may no longer be current. */
import type { LoadedDefinitions } from "../definitions";
import { upstreamKeys } from "../definitions";
import type { RunIndex } from "@assetline/core";
import { sourceHash } from "../runner/run";
import { parseDuration } from "@assetline/core";

export { parseDuration };

export type StaleReason =
  | { code: "never-materialized"; message: string }
  | { code: "failed"; message: string; runId: string }
  | { code: "freshness"; message: string; maxLag: string; ageMs: number }
  | { code: "upstream-newer"; message: string; upstream: string }
  | { code: "code-version-changed"; message: string; from?: string; to?: string }
  | { code: "source-changed"; message: string }
  | { code: "check-failed"; message: string; check: string; runId: string };

export interface AssetStatus {
  key: string;
  external: boolean;
  state: "fresh" | "stale" | "never" | "failed" | "external";
  lastMaterialized?: { runId: string; time: string; durationMs: number; path?: string };
  lastRunId?: string;
  reasons: StaleReason[];
}

export function computeStatus(defs: LoadedDefinitions, index: RunIndex, now = Date.now()): AssetStatus[] {
  return defs.assets.map((a) => {
    const entry = index.assets[a.key];
    const reasons: StaleReason[] = [];
    if (a.external) return { key: a.key, external: true, state: "external", reasons };
    const success = entry?.lastSuccess;
    if (!success) {
      reasons.push({ code: "never-materialized", message: `"${a.key}" has never been materialized.` });
    }
    if (entry?.lastStatus === "failure" && entry.lastFailure) {
      reasons.push({
        code: "failed",
        runId: entry.lastFailure.runId,
        message: `The latest run of "${a.key}" (${entry.lastFailure.runId}) failed: ${entry.lastFailure.message}`,
      });
    }
    if (success) {
      const maxLag = a.spec.freshness?.maxLag;
      if (maxLag) {
        const lag = parseDuration(maxLag);
        const age = now - Date.parse(success.time);
        if (lag !== undefined && age > lag) {
          reasons.push({
            code: "freshness",
            maxLag,
            ageMs: age,
            message: `Last materialized ${Math.round(age / 60000)} min ago, older than its freshness maxLag ${maxLag}.`,
          });
        }
      }
      for (const [name, result] of Object.entries(entry?.checks ?? {})) {
        if (!result.passed && result.runId === success.runId) {
          reasons.push({
            code: "check-failed",
            check: name,
            runId: result.runId,
            message: `Check "${name}" failed on the latest materialization.`,
          });
        }
      }
      for (const up of upstreamKeys(a)) {
        const upTime = index.assets[up]?.lastSuccess?.time;
        if (upTime && Date.parse(upTime) > Date.parse(success.time)) {
          reasons.push({
            code: "upstream-newer",
            upstream: up,
            message: `Upstream "${up}" was materialized since (${upTime}).`,
          });
        }
      }
      if (a.spec.codeVersion !== undefined || success.codeVersion !== undefined) {
        if (a.spec.codeVersion !== success.codeVersion) {
          reasons.push({
            code: "code-version-changed",
            from: success.codeVersion,
            to: a.spec.codeVersion,
            message: `codeVersion changed from ${success.codeVersion ?? "(none)"} to ${a.spec.codeVersion ?? "(none)"}.`,
          });
        }
      } else {
        const hash = sourceHash(a);
        if (hash && success.sourceHash && hash !== success.sourceHash) {
          reasons.push({
            code: "source-changed",
            message: `The source file declaring "${a.key}" changed since it was materialized.`,
          });
        }
      }
    }
    const state: AssetStatus["state"] = !success
      ? entry?.lastStatus === "failure"
        ? "failed"
        : "never"
      : entry?.lastStatus === "failure"
        ? "failed"
        : reasons.length > 0
          ? "stale"
          : "fresh";
    const result: AssetStatus = { key: a.key, external: false, state, reasons };
    if (success)
      result.lastMaterialized = {
        runId: success.runId,
        time: success.time,
        durationMs: success.durationMs,
        ...(success.path ? { path: success.path } : {}),
      };
    if (entry) result.lastRunId = entry.lastRunId;
    return result;
  });
}
