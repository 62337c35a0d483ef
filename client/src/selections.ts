import * as vscode from "vscode";
import * as path from "node:path";
import { complete, describeRunSelection, vocabularyOf, type AssetGraph } from "@assetline/core";
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
  const selection = initial !== undefined ? initial : await askSelection(graph);
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

type SelectionItem = vscode.QuickPickItem & { insert?: string };

/**
 * The selection typed with the lineage filter's completion (core's): the first row runs what the
 * text selects and says what that is as it is typed; the rows under it complete the word being
 * typed (keys, group:, tag:, kind:, owner: and their values). Undefined when dismissed.
 */
function askSelection(graph: AssetGraph): Promise<string | undefined> {
  const vocabulary = vocabularyOf(graph.assets);
  const pick = vscode.window.createQuickPick<SelectionItem>();
  pick.title = "Materialize selection";
  pick.placeholder =
    "Dagster's selection syntax: +transform/daily_revenue, group:ingest, tag:layer=gold, kind:duckdb, and/or/not";
  // The rows are completions of the text, not matches to filter by it.
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  const update = (): void => {
    const text = pick.value;
    const said = describeRunSelection(text, graph.assets);
    const run: SelectionItem = {
      label: said.keys ? `$(play) Materialize ${text.trim()}` : "$(error) Nothing to run yet",
      detail: said.message,
      alwaysShow: true,
    };
    const completions = complete(text, text.length, vocabulary);
    const word = text.slice(completions.from, completions.to);
    const rows = completions.items
      .filter((item) => item.insert !== word)
      .slice(0, 20)
      .map((item): SelectionItem => ({
        label: item.label,
        description: item.detail,
        alwaysShow: true,
        insert: item.insert,
      }));
    pick.items = [run, ...rows];
    pick.activeItems = [run];
  };
  update();
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      const chosen = pick.activeItems[0];
      if (chosen?.insert) {
        // A completion: in place of the word being typed (as the text is now: the rows may be
        // a keystroke behind), and go on typing.
        const text = pick.value;
        const { from, to } = complete(text, text.length, vocabulary);
        pick.value = `${text.slice(0, from)}${chosen.insert}${text.slice(to)}`;
        update();
        return;
      }
      if (describeRunSelection(pick.value, graph.assets).keys) finish(pick.value);
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}
