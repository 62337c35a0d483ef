import * as vscode from "vscode";
import * as path from "node:path";
import type { CheckRunResult } from "./api";
import type { Ctx } from "./ctx";
import { findProjects, type Project } from "./projects";
import { selectionFor } from "@assetline/core";
import { runSelection } from "./run";

interface CheckRef {
  project: Project;
  key: string;
  /** Undefined for the item of the asset that holds the checks. */
  check?: string;
}

/**
 * Asset checks in VS Code's Test Explorer: one item per asset with checks, one child per check.
 * Running a check materializes its asset (checks run on the value just produced) and reports
 * each check's result from the runner's `check_result` events.
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
    this.disposables.push(ctx.onDidChangeStatus((status) => status.state === "idle" && void this.refresh()));
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
        const assetItem = this.controller.createTestItem(`${project.root}::${asset.key}`, asset.key, uri);
        assetItem.range = range;
        this.refs.set(assetItem, { project, key: asset.key });
        for (const check of asset.checks) {
          const checkItem = this.controller.createTestItem(
            `${project.root}::${asset.key}::${check}`,
            check,
            uri,
          );
          checkItem.range = range;
          this.refs.set(checkItem, { project, key: asset.key, check });
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
      const id = `${ref.project.root}::${ref.key}`;
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
      const outcome = await runSelection(this.ctx, ref.project.root, selectionFor(ref.key), {
        title: `Assetline: checking ${ref.key}`,
        onEvent: (event) => {
          if (event.type === "check_result" && event.key === ref.key) {
            const item = checks.get(event.check);
            if (!item) return;
            reported.add(event.check);
            results.push({ key: ref.key, check: event.check, outcome: event.passed ? "passed" : "failed" });
            if (event.passed) run.passed(item, Date.now() - started);
            else
              run.failed(
                item,
                new vscode.TestMessage(
                  event.description ?? event.error?.message ?? `Check ${event.check} failed.`,
                ),
                Date.now() - started,
              );
          } else if (event.type === "asset_failure" && event.key === ref.key) {
            run.appendOutput(`${event.key} failed: ${event.error.message}\r\n`);
          }
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
        else
          run.errored(
            item,
            new vscode.TestMessage(
              `The check did not run: materializing ${ref.key} ${outcome.status === "success" ? "reported no result for it" : "failed"}. See the Assetline Runs output.`,
            ),
          );
      }
    }
    run.end();
    this.resultsEmitter.fire(results);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
