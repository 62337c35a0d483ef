import * as vscode from "vscode";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunEvent } from "@assetline/core";
import { findProjects, type Project } from "../projects";

const RUN_SCHEME = "assetline-run";
const MAX_RUNS = 30;

interface RunItem {
  project: Project;
  runId: string;
  start?: Extract<RunEvent, { type: "run_start" }>;
  end?: Extract<RunEvent, { type: "run_end" }>;
}

/**
 * The "Recent Runs" view and the read-only documents that show a run's log. Run records are
 * read as files, so this works in untrusted workspaces too.
 */
export class RunsView
  implements vscode.TreeDataProvider<RunItem>, vscode.TextDocumentContentProvider, vscode.Disposable
{
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher("**/.assetline/runs/*/events.ndjson");
    const refresh = () => this.changeEmitter.fire();
    this.disposables.push(
      watcher,
      watcher.onDidCreate(refresh),
      watcher.onDidChange(refresh),
      vscode.window.registerTreeDataProvider("assetline.runs", this),
      vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, this),
    );
  }

  async getChildren(parent?: RunItem): Promise<RunItem[]> {
    if (parent) return [];
    const runs: RunItem[] = [];
    for (const project of await findProjects()) {
      const dir = path.join(project.root, ".assetline", "runs");
      let ids: string[];
      try {
        ids = fs.readdirSync(dir).sort().reverse().slice(0, MAX_RUNS);
      } catch {
        continue;
      }
      for (const runId of ids) {
        const events = readRun(project.root, runId);
        runs.push({
          project,
          runId,
          start: events.find((event) => event.type === "run_start"),
          end: events.find((event) => event.type === "run_end"),
        });
      }
    }
    return runs.sort((a, b) => b.runId.localeCompare(a.runId)).slice(0, MAX_RUNS);
  }

  getTreeItem(run: RunItem): vscode.TreeItem {
    const status = run.end?.status ?? "running or interrupted";
    const item = new vscode.TreeItem(run.start?.selection ?? run.runId);
    item.description = `${status} · ${run.start ? new Date(run.start.time).toLocaleString() : run.runId}`;
    item.iconPath = new vscode.ThemeIcon(
      run.end?.status === "success"
        ? "pass"
        : run.end?.status === "failure"
          ? "error"
          : run.end
            ? "circle-slash"
            : "question",
      run.end?.status === "success"
        ? new vscode.ThemeColor("testing.iconPassed")
        : run.end?.status === "failure"
          ? new vscode.ThemeColor("testing.iconFailed")
          : undefined,
    );
    item.tooltip = `${run.project.name}: run ${run.runId}`;
    item.command = {
      command: "vscode.open",
      title: "Show Run Log",
      arguments: [
        vscode.Uri.from({ scheme: RUN_SCHEME, path: `/${run.runId}.log`, query: run.project.root }),
      ],
    };
    return item;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const runId = path.basename(uri.path, ".log");
    return formatRun(readRun(uri.query, runId));
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function readRun(root: string, runId: string): RunEvent[] {
  if (!/^[\w.-]+$/.test(runId)) return [];
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, ".assetline", "runs", runId, "events.ndjson"), "utf8");
  } catch {
    return [];
  }
  const events: RunEvent[] = [];
  for (const line of text.split("\n")) {
    try {
      if (line.trim()) events.push(JSON.parse(line) as RunEvent);
    } catch {
      // The partial last line of a killed run.
    }
  }
  return events;
}

/** A run's events as a log people can read. */
export function formatRun(events: RunEvent[]): string {
  const lines: string[] = [];
  for (const event of events) {
    const time = event.time.slice(11, 23);
    switch (event.type) {
      case "run_start":
        lines.push(
          `${time} run ${event.runId} started: ${event.selection} (${event.assets.length} assets, env ${event.env})`,
        );
        break;
      case "asset_start":
        lines.push(`${time} ▶ ${event.key}`);
        break;
      case "asset_success":
        lines.push(
          `${time} ✓ ${event.key} in ${Math.round(event.durationMs)} ms${event.output.path ? ` → ${event.output.path}` : ""}`,
        );
        break;
      case "asset_failure":
        lines.push(`${time} ✗ ${event.key} (${event.reason}): ${event.error.stack ?? event.error.message}`);
        break;
      case "asset_skipped":
        lines.push(`${time} - ${event.key} skipped: ${event.reason}`);
        break;
      case "check_result":
        lines.push(
          `${time} ${event.passed ? "✓" : "✗"} check ${event.key} ${event.check}${event.description ? `: ${event.description}` : ""}`,
        );
        break;
      case "log":
        lines.push(`${time} [${event.level}] ${event.key ? `${event.key}: ` : ""}${event.message}`);
        break;
      case "run_end":
        lines.push(`${time} run ${event.status} in ${Math.round(event.durationMs)} ms`);
        break;
    }
  }
  return lines.join("\n") + "\n";
}
