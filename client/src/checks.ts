import * as vscode from "vscode";
import * as path from "node:path";
import type { CheckRunResult } from "./api";
import type { Ctx } from "./ctx";
import { findProjects, type Project } from "./projects";
import { selectionFor } from "@assetline/core";
import { runSelection } from "./run";
import type { RunEvent } from "@assetline/core";
import { describeRunEvent, readIndex } from "assetline/launch";

/** The Test Explorer id of an asset's item, or of one of its checks (one rule for all lookups). */
function testId(root: string, key: string, check?: string): string {
  return check === undefined ? `${root}::${key}` : `${root}::${key}::${check}`;
}

interface CheckRef {
  project: Project;
  key: string;
  /** A partitioned asset: its checks run on its latest materialized partition. */
  partitioned?: boolean;
  /** Undefined for the item of the asset that holds the checks. */
  check?: string;
}

/**
 * Asset checks in VS Code's Test Explorer: one item per asset with checks, one child per check,
 * anchored on its `check(...)` call. Running a check judges the value already stored
 * (`assetline run-checks`: nothing is materialized) and reports each check's result from the
 * runner's `check_result` events, with its description and metadata.
 */
export class ChecksController implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController("assetline.checks", "Asset Checks");
  private readonly refs = new WeakMap<vscode.TestItem, CheckRef>();
  private readonly resultsEmitter = new vscode.EventEmitter<CheckRunResult[]>();
  private readonly disposables: vscode.Disposable[] = [this.controller, this.resultsEmitter];
  /** Fires when a run of checks ends, with every check's outcome. */
  readonly onDidRunChecks = this.resultsEmitter.event;

  constructor(private readonly ctx: Ctx) {
    this.controller.resolveHandler = () => this.refresh();
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile(
      "Run",
      vscode.TestRunProfileKind.Run,
      (request, token) => this.run(request, token),
      true,
    );
    this.disposables.push(
      ctx.onDidChangeStatus((status) => status.state === "idle" && void this.refresh()),
      ctx.runStates.onDidReceiveEvent(({ root, event }) => this.alongside(root, event)),
    );
  }

  /**
   * Per run id, the Test Explorer run that shows the checks a materialization ran, or "own" for
   * a checks-only run (this controller's own runs report their results themselves).
   */
  private readonly materializations = new Map<string, vscode.TestRun | "own" | undefined>();

  /** Checks that ran inside a materialization show their result in the Test Explorer too. */
  private alongside(root: string, event: RunEvent): void {
    if (event.type === "run_start") {
      this.materializations.set(event.runId, event.checksOnly ? "own" : undefined);
      return;
    }
    if (event.type === "run_end") {
      const run = this.materializations.get(event.runId);
      if (run && run !== "own") run.end();
      this.materializations.delete(event.runId);
      return;
    }
    if (event.type !== "check_result" || !this.materializations.has(event.runId)) return;
    let run = this.materializations.get(event.runId);
    if (run === "own") return;
    const item = this.controller.items
      .get(testId(root, event.key))
      ?.children.get(testId(root, event.key, event.check));
    if (!item) return;
    if (!run) {
      run = this.controller.createTestRun(new vscode.TestRunRequest(), `Checks in run ${event.runId}`, false);
      this.materializations.set(event.runId, run);
    }
    if (event.passed) run.passed(item);
    else run.failed(item, failureMessage(event, item));
  }

  /** A check's lens: run that check as the Test Explorer would (its result shows there too). */
  async runOne(root: string, key: string, check: string): Promise<void> {
    const id = testId(root, key, check);
    const find = (): vscode.TestItem | undefined =>
      this.controller.items.get(testId(root, key))?.children.get(id);
    if (!find()) await this.refresh();
    const item = find();
    if (!item) {
      void vscode.window.showWarningMessage(
        `Assetline: no check "${check}" on ${key} in the Test Explorer yet.`,
      );
      return;
    }
    const cancel = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest([item]), cancel.token);
    } finally {
      cancel.dispose();
    }
  }

  async refresh(): Promise<void> {
    const items: vscode.TestItem[] = [];
    for (const project of await findProjects()) {
      let graph;
      try {
        ({ graph } = await this.ctx.graph(project.rootUri));
      } catch {
        continue;
      }
      for (const asset of graph.assets) {
        if (asset.checks.length === 0) continue;
        const uri = vscode.Uri.file(path.join(project.root, asset.file));
        const range = new vscode.Range(asset.line - 1, asset.column - 1, asset.line - 1, asset.column - 1);
        const assetItem = this.controller.createTestItem(testId(project.root, asset.key), asset.key, uri);
        assetItem.range = range;
        const partitioned = asset.partitions !== undefined ? { partitioned: true } : {};
        this.refs.set(assetItem, { project, key: asset.key, ...partitioned });
        for (const check of asset.checks) {
          const at = asset.checkLocations?.[check];
          const checkItem = this.controller.createTestItem(
            testId(project.root, asset.key, check),
            check,
            at ? vscode.Uri.file(path.join(project.root, at.file)) : uri,
          );
          checkItem.range = at
            ? new vscode.Range(at.line - 1, at.column - 1, at.line - 1, at.column - 1)
            : range;
          const description = asset.checkSpecs?.[check]?.description;
          if (description) checkItem.description = description;
          this.refs.set(checkItem, { project, key: asset.key, check, ...partitioned });
          assetItem.children.add(checkItem);
        }
        items.push(assetItem);
      }
    }
    this.controller.items.replace(items);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    const requested: vscode.TestItem[] = request.include ? [...request.include] : [];
    if (!request.include) this.controller.items.forEach((item) => requested.push(item));
    // One materialization per asset, whichever of its checks were asked for.
    const byAsset = new Map<string, { ref: CheckRef; checks: Map<string, vscode.TestItem> }>();
    for (const item of requested) {
      const ref = this.refs.get(item);
      if (!ref) continue;
      const id = testId(ref.project.root, ref.key);
      const entry = byAsset.get(id) ?? { ref, checks: new Map<string, vscode.TestItem>() };
      byAsset.set(id, entry);
      if (ref.check) entry.checks.set(ref.check, item);
      else item.children.forEach((child) => entry.checks.set(child.label, child));
    }
    const results: CheckRunResult[] = [];
    for (const { ref, checks } of byAsset.values()) {
      if (token.isCancellationRequested) break;
      checks.forEach((item) => run.started(item));
      const reported = new Set<string>();
      const started = Date.now();
      let refusal = "";
      // One check asked for: only that one runs; the asset's item: all of its checks.
      const only = checks.size === 1 && ref.check ? ref.check : undefined;
      // A partitioned asset's checks judge its latest materialized partition, and say which.
      const partition = ref.partitioned ? latestMaterialized(ref.project.root, ref.key) : undefined;
      if (ref.partitioned && partition === undefined) {
        for (const [name, item] of checks) {
          results.push({ key: ref.key, check: name, outcome: "errored" });
          run.errored(
            item,
            new vscode.TestMessage(
              `${ref.key} has no materialized partition to check: materialize one first (its ▶ Run lens asks which).`,
            ),
          );
        }
        continue;
      }
      if (partition !== undefined) run.appendOutput(`${ref.key}: checking partition ${partition}\r\n`);
      const outcome = await runSelection(this.ctx, ref.project.root, selectionFor(ref.key), {
        title: `Assetline: checking ${ref.key}${partition === undefined ? "" : ` partition ${partition}`} (its stored value)`,
        checksOnly: only ?? true,
        ...(partition === undefined ? {} : { partition }),
        quiet: true,
        onOutput: (text) => (refusal += text),
        onEvent: (event) => {
          // The Test Results panel shows the run's log, as the runs output words it.
          const line = describeRunEvent(event);
          if (line !== undefined) run.appendOutput(`${line.replace(/\r?\n/g, "\r\n")}\r\n`);
          if (event.type !== "check_result" || event.key !== ref.key) return;
          const item = checks.get(event.check);
          if (!item) return;
          reported.add(event.check);
          results.push({ key: ref.key, check: event.check, outcome: event.passed ? "passed" : "failed" });
          if (event.passed) run.passed(item, Date.now() - started);
          else run.failed(item, failureMessage(event, item), Date.now() - started);
        },
      });
      for (const [name, item] of checks) {
        if (reported.has(name)) continue;
        results.push({
          key: ref.key,
          check: name,
          outcome: outcome.status === "cancelled" ? "skipped" : "errored",
        });
        if (outcome.status === "cancelled") run.skipped(item);
        else {
          const said = refusal.replace(/^assetline:\s*/m, "").trim();
          run.errored(
            item,
            new vscode.TestMessage(
              said || `The check did not run (${outcome.status}). See the Assetline Runs output.`,
            ),
          );
        }
      }
    }
    run.end();
    this.resultsEmitter.fire(results);
  }

  dispose(): void {
    for (const run of this.materializations.values()) if (run && run !== "own") run.end();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** A failed check's message: its error, or its description and metadata, at the check's call. */
function failureMessage(
  event: Extract<RunEvent, { type: "check_result" }>,
  item: vscode.TestItem,
): vscode.TestMessage {
  const lines = [
    event.error
      ? `Check ${event.check} could not judge the value: ${event.error.message}`
      : `Check ${event.check} failed${event.description ? `: ${event.description}` : item.description ? `: ${item.description}` : "."}`,
  ];
  if (event.blocking) lines.push("It is blocking: a run stops the asset's downstream when it fails.");
  for (const [name, value] of Object.entries(event.metadata ?? {}))
    lines.push(`${name}: ${JSON.stringify(value)}`);
  const message = new vscode.TestMessage(lines.join("\n"));
  if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
  return message;
}

/** The partition of `key` that was materialized last (by the run records), if any. */
function latestMaterialized(root: string, key: string): string | undefined {
  const records = readIndex(root, false).assets[key]?.partitions ?? {};
  let latest: { key: string; time: string } | undefined;
  for (const [partition, record] of Object.entries(records)) {
    const time = record.success?.time;
    if (time !== undefined && (!latest || time > latest.time)) latest = { key: partition, time };
  }
  return latest?.key;
}
