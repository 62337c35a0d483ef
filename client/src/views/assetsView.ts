import * as vscode from "vscode";
import * as path from "node:path";
import { describeStates, type AssetNode, type AssetRunState, type AssetStatus } from "@assetline/core";
import { type AssetCommandArgs } from "@assetline/protocol";
import type { Ctx } from "../ctx";
import { findProjects, type Project } from "../projects";
import { assetRow } from "../assetStates";

type Item =
  | { kind: "project"; project: Project }
  | { kind: "group"; project: Project; group: string; real: boolean; summary: string }
  | { kind: "asset"; project: Project; asset: AssetNode; status: AssetStatus | undefined };

const STATE_ICONS: Record<AssetRunState, [icon: string, color?: string]> = {
  never: ["circle-outline"],
  fresh: ["pass-filled", "testing.iconPassed"],
  stale: ["history", "charts.yellow"],
  running: ["loading~spin"],
  failed: ["error", "testing.iconFailed"],
  "check-failed": ["warning", "testing.iconFailed"],
};

/** The "Assets" view: projects, then groups, then assets with their run state. */
export class AssetsView implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      vscode.window.registerTreeDataProvider("assetline.assets", this),
      ctx.onDidChangeStatus((status) => status.state === "idle" && this.changeEmitter.fire()),
      ctx.runStates.onDidChange(() => this.changeEmitter.fire()),
    );
  }

  refresh(): void {
    this.changeEmitter.fire();
  }

  async getChildren(parent?: Item): Promise<Item[]> {
    if (!parent) {
      const projects = await findProjects();
      if (projects.length !== 1) return projects.map((project) => ({ kind: "project", project }));
      return this.groups(projects[0]!);
    }
    if (parent.kind === "project") return this.groups(parent.project);
    if (parent.kind === "group") {
      const { graph, states } = await this.load(parent.project);
      return graph.assets
        .filter((asset) => groupOf(asset) === parent.group)
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((asset) => ({ kind: "asset", project: parent.project, asset, status: states[asset.key] }));
    }
    return [];
  }

  getTreeItem(item: Item): vscode.TreeItem {
    switch (item.kind) {
      case "project": {
        const tree = new vscode.TreeItem(item.project.name, vscode.TreeItemCollapsibleState.Expanded);
        tree.iconPath = new vscode.ThemeIcon("folder-library");
        tree.tooltip = item.project.root;
        return tree;
      }
      case "group": {
        const tree = new vscode.TreeItem(item.group, vscode.TreeItemCollapsibleState.Expanded);
        tree.iconPath = new vscode.ThemeIcon("symbol-namespace");
        tree.description = item.summary;
        // A declared group runs as one selection (the "default" and "external" rows are not groups).
        if (item.real) tree.contextValue = "group";
        return tree;
      }
      case "asset": {
        const { asset, status, project } = item;
        const tree = new vscode.TreeItem(asset.key, vscode.TreeItemCollapsibleState.None);
        const row = assetRow(asset, status);
        const [icon, color] = row.state ? STATE_ICONS[row.state] : ["cloud"];
        tree.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        tree.description = row.description;
        const tooltip = new vscode.MarkdownString(undefined, false);
        tooltip.appendText(row.tooltip.join("\n\n"));
        tree.tooltip = tooltip;
        tree.contextValue = asset.external ? "asset.external" : "asset";
        tree.command = {
          command: "vscode.open",
          title: "Open Definition",
          arguments: [
            vscode.Uri.file(path.join(project.root, asset.file)),
            {
              selection: new vscode.Range(asset.line - 1, asset.column - 1, asset.line - 1, asset.column - 1),
            },
          ],
        };
        return tree;
      }
    }
  }

  private async groups(project: Project): Promise<Item[]> {
    const { graph, states } = await this.load(project);
    const groups = [...new Set(graph.assets.map(groupOf))].sort();
    const declared = new Set(graph.assets.flatMap((asset) => (asset.group ? [asset.group] : [])));
    // Each group's states in the status bar's words ("✗ 1 failed · ✓ 2 fresh").
    const summary = (group: string) =>
      describeStates(
        graph.assets
          .filter((asset) => groupOf(asset) === group && !asset.external)
          .map((asset) => states[asset.key]?.state ?? "never"),
      );
    return groups.map((group) => ({
      kind: "group",
      project,
      group,
      real: declared.has(group),
      summary: summary(group),
    }));
  }

  private async load(project: Project) {
    const { graph } = await this.ctx.graph(project.rootUri);
    return { graph, states: await this.ctx.runStates.statesFor(project.root) };
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function groupOf(asset: AssetNode): string {
  return asset.group ?? (asset.external ? "external" : "default");
}

/** Tree items and code lenses both hand commands `{ key, rootUri }`. */
export function assetArgs(item: unknown): AssetCommandArgs | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const candidate = item as Partial<Item>;
  if (candidate.kind === "asset" && candidate.asset && candidate.project) {
    return { key: candidate.asset.key, rootUri: candidate.project.rootUri };
  }
  return undefined;
}

/** A group row's selection and project: `group:name` (quoted when it needs to be). */
export function groupSelection(item: unknown): { selection: string; rootUri: string } | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const candidate = item as Partial<Item>;
  if (candidate.kind !== "group" || !candidate.project || typeof candidate.group !== "string")
    return undefined;
  const name = candidate.group;
  const value = /^[A-Za-z0-9_.-]+$/.test(name) ? name : `"${name.replace(/["\\*]/g, "\\$&")}"`;
  return { selection: `group:${value}`, rootUri: candidate.project.rootUri };
}
