import * as vscode from "vscode";
import * as path from "node:path";
import { runDuration, type RunEvent } from "@assetline/core";
import { describeRunEvent, listRunIds, readEvents } from "assetline/launch";
import { findProjects, type Project } from "../projects";
import { runTree, type RunDetail, type RunNode, type RunStep } from "./runTree";

const RUN_SCHEME = "assetline-run";
const MAX_RUNS = 30;
const REFRESH_MS = 200;

type Item =
  | { kind: "run"; project: Project; run: RunNode }
  | { kind: "step"; project: Project; run: RunNode; step: RunStep }
  | { kind: "detail"; detail: RunDetail };

const RUN_ICON: Record<RunNode["status"], [string, string?]> = {
  success: ["pass", "testing.iconPassed"],
  failure: ["error", "testing.iconFailed"],
  cancelled: ["circle-slash"],
  "running or interrupted": ["question"],
};
const STEP_ICON: Record<RunStep["outcome"], [string, string?]> = {
  materialized: ["pass", "testing.iconPassed"],
  failed: ["error", "testing.iconFailed"],
  skipped: ["debug-step-over"],
  running: ["sync~spin"],
};
const DETAIL_ICON: Record<RunDetail["kind"], [string, string?]> = {
  "check-passed": ["check", "testing.iconPassed"],
  "check-failed": ["close", "testing.iconFailed"],
  log: ["output"],
  error: ["error", "testing.iconFailed"],
};

function icon([id, color]: [string, string?]): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * The "Recent Runs" view: each run titled by what ran and what started it, its steps (assets, or
 * partitions of one) with their outcome and duration, and under each its checks and logs; a
 * run's whole log opens as a read-only document. Run records are read as files (the library's
 * own reader), so this works in untrusted workspaces too.
 */
export class RunsView
  implements vscode.TreeDataProvider<Item>, vscode.TextDocumentContentProvider, vscode.Disposable
{
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  private pending: NodeJS.Timeout | undefined;
  /** Runs that ended: their records never change, so each is read once (a refresh comes with every live event). */
  private readonly ended = new Map<string, RunNode>();

  private runOf(root: string, runId: string): RunNode {
    const id = `${root}\0${runId}`;
    const known = this.ended.get(id);
    if (known) return known;
    const run = runTree(runId, readRun(root, runId));
    if (run.status !== "running or interrupted") this.ended.set(id, run);
    return run;
  }

  /**
   * `recordsChanged` is the client's signal that a project's run records changed (a run started
   * here reported an event, or the run index changed); the watcher adds runs written elsewhere.
   * Both are folded into one refresh at most every REFRESH_MS.
   */
  constructor(recordsChanged: vscode.Event<unknown>) {
    const watcher = vscode.workspace.createFileSystemWatcher("**/.assetline/runs/*/events.ndjson");
    const refresh = () => {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.changeEmitter.fire();
      }, REFRESH_MS);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(refresh),
      watcher.onDidChange(refresh),
      recordsChanged(refresh),
      vscode.window.registerTreeDataProvider("assetline.runs", this),
      vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, this),
    );
  }

  async getChildren(parent?: Item): Promise<Item[]> {
    if (parent?.kind === "run")
      return parent.run.steps.map((step) => ({
        kind: "step",
        project: parent.project,
        run: parent.run,
        step,
      }));
    if (parent?.kind === "step") return parent.step.details.map((detail) => ({ kind: "detail", detail }));
    if (parent) return [];
    const runs: { project: Project; run: RunNode }[] = [];
    for (const project of await findProjects()) {
      for (const runId of listRunIds(project.root).reverse().slice(0, MAX_RUNS))
        runs.push({ project, run: this.runOf(project.root, runId) });
    }
    const listed = new Set(runs.map(({ project, run }) => `${project.root}\0${run.runId}`));
    for (const id of this.ended.keys()) if (!listed.has(id)) this.ended.delete(id);
    return runs
      .sort((a, b) => b.run.runId.localeCompare(a.run.runId))
      .slice(0, MAX_RUNS)
      .map(({ project, run }) => ({ kind: "run", project, run }));
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === "detail") {
      const tree = new vscode.TreeItem(item.detail.label);
      if (item.detail.description) tree.description = item.detail.description;
      tree.tooltip = [item.detail.label, item.detail.description].filter(Boolean).join("\n");
      tree.iconPath = icon(DETAIL_ICON[item.detail.kind]);
      return tree;
    }
    const open: vscode.Command = {
      command: "vscode.open",
      title: "Show Run Log",
      arguments: [
        vscode.Uri.from({ scheme: RUN_SCHEME, path: `/${item.run.runId}.log`, query: item.project.root }),
      ],
    };
    if (item.kind === "step") {
      const { step } = item;
      const tree = new vscode.TreeItem(
        step.id,
        step.details.length > 0
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
      );
      tree.description = [
        step.outcome,
        step.durationMs !== undefined ? runDuration(step.durationMs) : undefined,
      ]
        .filter(Boolean)
        .join(" · ");
      tree.tooltip = [step.id, step.outcome, step.reason].filter(Boolean).join("\n");
      // Stable ids keep what the user expanded open across refreshes.
      tree.id = `${item.project.root}\0${item.run.runId}\0${step.id}`;
      tree.iconPath = icon(STEP_ICON[step.outcome]);
      tree.command = open;
      return tree;
    }
    const { run } = item;
    const tree = new vscode.TreeItem(run.title, vscode.TreeItemCollapsibleState.Collapsed);
    tree.description = [
      run.status,
      run.durationMs !== undefined ? runDuration(run.durationMs) : undefined,
      run.env,
      run.startedAt ? new Date(run.startedAt).toLocaleString() : undefined,
    ]
      .filter(Boolean)
      .join(" · ");
    tree.iconPath = icon(RUN_ICON[run.status]);
    tree.tooltip = `${item.project.name}: run ${run.runId}\n${run.steps.length} step(s)`;
    tree.id = `${item.project.root}\0${run.runId}`;
    tree.command = open;
    return tree;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const runId = path.basename(uri.path, ".log");
    return formatRun(readRun(uri.query, runId));
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function readRun(root: string, runId: string): RunEvent[] {
  if (!/^[\w.-]+$/.test(runId)) return [];
  try {
    return readEvents(root, runId);
  } catch {
    return [];
  }
}

/** A run's events as a log people can read: the time, then the line every editor log shows. */
export function formatRun(events: RunEvent[]): string {
  const lines: string[] = [];
  for (const event of events) {
    const line =
      event.type === "run_end"
        ? `run ${event.status} in ${runDuration(event.durationMs)}`
        : describeRunEvent(event);
    if (line !== undefined) lines.push(`${event.time.slice(11, 23)} ${line}`);
  }
  return lines.join("\n") + "\n";
}
