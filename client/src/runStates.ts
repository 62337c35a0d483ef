import * as vscode from "vscode";
import * as path from "node:path";
import { statusFromEvent, type AssetStatus, type RunEvent } from "@assetline/core";
import type { AutomationVerdict, RunStatesParams, RunStatesResult } from "@assetline/protocol";
import { overlayLive, type LiveState } from "./assetStates";

/**
 * Run states of every asset: as the language server computes them from the run records
 * (`assetline/runStates`), overlaid with the events of runs started in this window while they
 * are in progress. Nothing here decides a state: the words and rules are `@assetline/core`'s.
 */
export class RunStates implements vscode.Disposable {
  /** Per project root, per asset: what live events said, and when. */
  private readonly live = new Map<string, Map<string, LiveState>>();
  /** Per project root, what an automation evaluation would request now (from the last answer). */
  private readonly automation = new Map<string, Record<string, AutomationVerdict>>();
  private readonly changeEmitter = new vscode.EventEmitter<string>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher("**/.assetline/index.json");
  /** Fires with the project root whose states changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly eventEmitter = new vscode.EventEmitter<{ root: string; event: RunEvent }>();
  /** Every event of a run started in this window, as it arrives (before the states change). */
  readonly onDidReceiveEvent = this.eventEmitter.event;
  private readonly changeCount = new Map<string, number>();
  /** Per project root: the request in flight for the latest change, shared by its callers. */
  private readonly asked = new Map<
    string,
    { change: number; states: Promise<Record<string, AssetStatus>> }
  >();
  /** Per project root: when the last answer was handed over (the next one waits for it). */
  private readonly queue = new Map<string, Promise<void>>();

  constructor(private readonly request: (params: RunStatesParams) => Promise<RunStatesResult>) {
    const reload = (uri: vscode.Uri) => this.changed(path.dirname(path.dirname(uri.fsPath)));
    this.watcher.onDidChange(reload);
    this.watcher.onDidCreate(reload);
    this.watcher.onDidDelete(reload);
  }

  /**
   * States of the project's assets: the server's, overlaid with what live runs reported.
   *
   * Every view asks when a change fires (lineage, Assets view, failures, status bar): the calls
   * made for one change share one request. Requests go out at once (the server answers with
   * the records as of the change, so a state that lasted milliseconds is still seen), and their
   * answers are handed over in the order of the changes: an older answer (a node still
   * "running") never lands after a newer one.
   */
  statesFor(root: string): Promise<Record<string, AssetStatus>> {
    const shared = this.asked.get(root);
    if (shared && shared.change === this.changes(root)) return shared.states;
    // The live states as of this change: events that arrive while the server answers are shown
    // by the calls they cause, so a state that lasted a few milliseconds is still shown, in order.
    const live = this.live.get(root);
    const asOfNow = live && new Map(live);
    const previous = this.queue.get(root) ?? Promise.resolve();
    const sent = this.request({ uri: vscode.Uri.file(root).toString() });
    sent.catch(() => undefined); // its failure reaches the caller through `answer`
    const answer = previous.then(() => sent);
    this.queue.set(
      root,
      answer.then(
        () => undefined,
        () => undefined,
      ),
    );
    const states = answer.then(({ states, automation }) => {
      if (automation) this.automation.set(root, automation);
      else this.automation.delete(root);
      if (!live || !asOfNow) return states;
      const overlaid = overlayLive(states, asOfNow);
      for (const key of overlaid.superseded) if (live.get(key) === asOfNow.get(key)) live.delete(key);
      return overlaid.states;
    });
    const entry = { change: this.changes(root), states };
    this.asked.set(root, entry);
    // Once answered, the next call asks again (the server's records may have changed since).
    const forget = () => {
      if (this.asked.get(root) === entry) this.asked.delete(root);
    };
    states.then(forget, forget);
    return states;
  }

  /** How many changes of `root` have fired (calls for the same change share one request). */
  private changes(root: string): number {
    return this.changeCount.get(root) ?? 0;
  }

  private changed(root: string): void {
    this.changeCount.set(root, this.changes(root) + 1);
    this.changeEmitter.fire(root);
  }

  /** What automation would request now, per asset (as of the last `statesFor`). */
  automationFor(root: string): Record<string, AutomationVerdict> | undefined {
    return this.automation.get(root);
  }

  /** Folds an event of a run in progress (from `assetline materialize --json`). */
  applyLiveEvent(root: string, event: RunEvent): void {
    this.eventEmitter.fire({ root, event });
    const live = this.live.get(root) ?? new Map<string, LiveState>();
    this.live.set(root, live);
    // One partition's outcome is not the asset's: it stays running until the run ends, and its
    // summed-up state (the health) comes from the server's records.
    if ("partition" in event && event.partition !== undefined && event.type !== "asset_start") {
      this.changed(root); // the server's records now say more of the asset's partitions
      return;
    }
    if (event.type === "asset_skipped") live.delete(event.key);
    else if (event.type === "run_end") {
      // A cancelled run leaves assets it started unfinished: they are no longer running.
      for (const [key, { status }] of live)
        if (status.state === "running" && status.runId === event.runId) live.delete(key);
    } else {
      const status = statusFromEvent(event, Date.now());
      if (!status || !("key" in event) || event.key === undefined) return;
      live.set(event.key, { status, time: event.time });
    }
    this.changed(root);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changeEmitter.dispose();
    this.eventEmitter.dispose();
  }
}
