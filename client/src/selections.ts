import * as vscode from "vscode";
import * as path from "node:path";
import { describeRunSelection, type AssetGraph } from "@assetline/core";
import type { Ctx } from "./ctx";
import { findProjects, projectOf, type Project } from "./projects";
import { runSelection } from "./run";

/** The project to act on: the one of the active editor's file, the only one, or the one picked. */
async function chooseProject(): Promise<Project | undefined> {
  const projects = await findProjects();
  const active = vscode.window.activeTextEditor?.document.uri.fsPath;
  const own = active ? projectOf(projects, active) : undefined;
  if (own) return own;
  if (projects.length <= 1) return projects[0];
  const picked = await vscode.window.showQuickPick(
    projects.map((project) => ({ label: project.name, description: project.root, project })),
    { title: "Which pipeline project?" },
  );
  return picked?.project;
}

/**
 * "Assetline: Materialize Selection…": a selection typed with what it matches shown as it is
 * typed (the same selection language and rule as the command line and the lineage filter).
 */
export async function materializeSelection(ctx: Ctx, initial?: string, rootUri?: string): Promise<unknown> {
  const project = rootUri ? { root: vscode.Uri.parse(rootUri).fsPath, rootUri } : await chooseProject();
  if (!project) {
    void vscode.window.showWarningMessage("Assetline: no pipeline project in this workspace.");
    return undefined;
  }
  const { graph } = await ctx.graph(project.rootUri);
  const selection =
    initial !== undefined
      ? initial
      : await vscode.window.showInputBox({
          title: "Materialize selection",
          prompt:
            "Dagster's selection syntax: key, +key (with upstream), key+, group:, tag:, kind:, owner:, and/or/not",
          placeHolder: "+transform/daily_revenue",
          validateInput: (text) => {
            const said = describeRunSelection(text, graph.assets);
            return said.keys
              ? { message: said.message, severity: vscode.InputBoxValidationSeverity.Info }
              : said.message;
          },
        });
  if (selection === undefined) return undefined;
  const said = describeRunSelection(selection, graph.assets);
  if (!said.keys) {
    void vscode.window.showErrorMessage(`Assetline: ${said.message}`);
    return undefined;
  }
  return runSelection(ctx, project.root, selection, { requested: said.keys });
}

/** "Assetline: Go to Asset…": every asset of every project, matched fuzzily; opens its declaration. */
export async function goToAsset(ctx: Ctx): Promise<void> {
  type Item = vscode.QuickPickItem & { file?: string; line?: number; column?: number };
  const items: Item[] = [];
  for (const project of await findProjects()) {
    let graph: AssetGraph;
    try {
      ({ graph } = await ctx.graph(project.rootUri));
    } catch {
      continue;
    }
    for (const asset of graph.assets) {
      items.push({
        label: asset.key,
        description: [asset.external ? "external" : undefined, asset.group, ...(asset.kinds ?? [])]
          .filter(Boolean)
          .join(" · "),
        ...(asset.description ? { detail: asset.description.split("\n", 1)[0] } : {}),
        ...(asset.file
          ? { file: path.join(project.root, asset.file), line: asset.line, column: asset.column }
          : {}),
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: "Go to asset",
    placeHolder: "Type any part of a key, group, kind or description",
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked?.file) return;
  const position = new vscode.Position(
    Math.max(0, (picked.line ?? 1) - 1),
    Math.max(0, (picked.column ?? 1) - 1),
  );
  await vscode.window.showTextDocument(vscode.Uri.file(picked.file), {
    selection: new vscode.Range(position, position),
  });
}
