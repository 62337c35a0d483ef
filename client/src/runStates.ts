import * as vscode from "vscode";
import * as fs from "node:fs";
import * as path from "node:path";
import type { AssetGraph, AssetStatus } from "@assetline/core";
import type { RunEvent, RunIndex } from "@assetline/core";

/**
 * Run states of every asset, from the run records the runner keeps under `.assetline/`
 * (read as files: nothing of the workspace is executed) and from the events of runs started
 * in this window while they are in progress.
 */
export class RunStates implements vscode.Disposable {
  private readonly indexes = new Map<string, RunIndex | undefined>();
  /** Per project root, per asset: what live events said, and when. */
  private readonly live = new Map<string, Map<string, LiveState>>();
  private readonly changeEmitter = new vscode.EventEmitter<string>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher("**/.assetline/index.json");
  /** Fires with the project root whose states changed. */
  readonly onDidChange = this.changeEmitter.event;

  constructor() {
    const reload = (uri: vscode.Uri) => {
      const root = path.dirname(path.dirname(uri.fsPath));
      this.indexes.delete(root);
      this.changeEmitter.fire(root);
    };
    this.watcher.onDidChange(reload);
    this.watcher.onDidCreate(reload);
    this.watcher.onDidDelete(reload);
  }

  /**
   * States of the graph's assets: the run records, overlaid with what live runs reported.
   * The runner writes its index a little behind its events, so a live state stands until the
   * index has caught up with it.
   */
  statesFor(root: string, graph: AssetGraph): Record<string, AssetStatus> {
    const index = this.index(root);
    const states = computeStates(index, graph);
    const live = this.live.get(root);
    for (const [key, { status, time }] of live ?? []) {
      const recorded = index?.assets[key]?.lastTime;
      if (status.state !== "running" && recorded !== undefined && recorded >= time) live!.delete(key);
      else states[key] = status;
    }
    return states;
  }

  /** Folds an event of a run in progress (from `assetline materialize --json`). */
  applyLiveEvent(root: string, event: RunEvent): void {
    const live = this.live.get(root) ?? new Map<string, LiveState>();
    this.live.set(root, live);
    const set = (key: string, status: AssetStatus) => live.set(key, { status, time: event.time });
    switch (event.type) {
      case "asset_start":
        set(event.key, { state: "running", runId: event.runId });
        break;
      case "asset_success":
        set(event.key, { state: "fresh", runId: event.runId, lastMaterialized: event.time });
        break;
      case "asset_failure":
        set(event.key, { state: "failed", reason: event.error.message, runId: event.runId });
        break;
      case "asset_skipped":
        live.delete(event.key);
        break;
      case "check_result":
        if (!event.passed) {
          set(event.key, {
            state: "check-failed",
            reason: `Check ${event.check} failed.`,
            runId: event.runId,
          });
        }
        break;
      case "run_end":
        // A cancelled run leaves assets it started unfinished: they are no longer running.
        for (const [key, { status }] of live)
          if (status.state === "running" && status.runId === event.runId) live.delete(key);
        this.indexes.delete(root);
        break;
      default:
        return;
    }
    this.changeEmitter.fire(root);
  }

  private index(root: string): RunIndex | undefined {
    if (!this.indexes.has(root)) this.indexes.set(root, readIndex(root));
    return this.indexes.get(root);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changeEmitter.dispose();
  }
}

interface LiveState {
  status: AssetStatus;
  /** ISO time of the event, compared with the index's `lastTime` of the asset. */
  time: string;
}

function readIndex(root: string): RunIndex | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, ".assetline", "index.json"), "utf8")) as RunIndex;
  } catch {
    return undefined;
  }
}

/**
 * Derives each asset's state from the index of latest materializations. Freshness policies and
 * code versions need the loaded definitions (`assetline status`); here the graph alone decides:
 * never materialized, failed, a failed check, or an upstream materialized since.
 */
export function computeStates(index: RunIndex | undefined, graph: AssetGraph): Record<string, AssetStatus> {
  const states: Record<string, AssetStatus> = {};
  for (const asset of graph.assets) {
    if (asset.external) continue;
    const entry = index?.assets[asset.key];
    if (!entry) {
      states[asset.key] = { state: "never", reason: "Never materialized." };
      continue;
    }
    const lastMaterialized = entry.lastSuccess?.time;
    const base = { runId: entry.lastRunId, ...(lastMaterialized ? { lastMaterialized } : {}) };
    if (entry.lastStatus === "failure") {
      states[asset.key] = {
        ...base,
        state: "failed",
        reason: entry.lastFailure?.message ?? "The last run failed.",
      };
      continue;
    }
    const failedCheck = Object.entries(entry.checks ?? {}).find(([, check]) => !check.passed);
    if (failedCheck) {
      states[asset.key] = { ...base, state: "check-failed", reason: `Check ${failedCheck[0]} failed.` };
      continue;
    }
    const newerUpstream = asset.deps.find((dep) => {
      const upstreamTime = index?.assets[dep]?.lastSuccess?.time;
      return upstreamTime && lastMaterialized && Date.parse(upstreamTime) > Date.parse(lastMaterialized);
    });
    states[asset.key] = newerUpstream
      ? { ...base, state: "stale", reason: `Upstream ${newerUpstream} was materialized since.` }
      : { ...base, state: "fresh" };
  }
  return states;
}
