import * as vscode from "vscode";
import * as fs from "node:fs";
import * as path from "node:path";

/** A pipeline project: a folder with `assetline.config.json` or a package.json depending on `assetline`. */
export interface Project {
  root: string;
  rootUri: string;
  name: string;
}

/**
 * Finds the pipeline projects of every workspace folder (multi-root and several projects in
 * one folder alike), reading files only: nothing of the workspace is executed.
 */
export async function findProjects(): Promise<Project[]> {
  const [configs, manifests] = await Promise.all([
    vscode.workspace.findFiles("**/assetline.config.json", "**/node_modules/**", 200),
    vscode.workspace.findFiles("**/package.json", "**/node_modules/**", 2000),
  ]);
  const roots = new Set<string>(configs.map((uri) => path.dirname(uri.fsPath)));
  for (const manifest of manifests) {
    if (roots.has(path.dirname(manifest.fsPath))) continue;
    try {
      const json = JSON.parse(await fs.promises.readFile(manifest.fsPath, "utf8")) as Record<
        string,
        Record<string, string> | undefined
      >;
      if (json.dependencies?.assetline || json.devDependencies?.assetline)
        roots.add(path.dirname(manifest.fsPath));
    } catch {
      // An unreadable or half-typed package.json is not a project.
    }
  }
  return [...roots]
    .sort()
    .map((root) => ({ root, rootUri: vscode.Uri.file(root).toString(), name: projectName(root) }));
}

function projectName(root: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
  if (!folder) return path.basename(root);
  const relative = path.relative(folder.uri.fsPath, root);
  return relative ? `${folder.name}/${relative.split(path.sep).join("/")}` : folder.name;
}

/** The project a file belongs to: the innermost project root containing it. */
export function projectOf(projects: readonly Project[], file: string): Project | undefined {
  let best: Project | undefined;
  for (const project of projects) {
    const relative = path.relative(project.root, file);
    if (relative.startsWith("..") || path.isAbsolute(relative)) continue;
    if (!best || project.root.length > best.root.length) best = project;
  }
  return best;
}
