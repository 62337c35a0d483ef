import * as vscode from "vscode";
import { config } from "./config";
import { chooseEnvironment, readConfig } from "assetline/launch";
import { findProjects, type Project } from "./projects";

/**
 * The status bar's environment picker. Choosing an environment only changes the
 * `assetline.run.environment` setting, which runs pass as `--env`: switching where assets run
 * is configuration, never a code change.
 */
export class EnvironmentPicker implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    "assetline.environment",
    vscode.StatusBarAlignment.Left,
    9,
  );
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor() {
    this.item.name = "Assetline Environment";
    this.item.command = "assetline.selectEnvironment";
    this.item.tooltip = "Assetline: the environment runs use (click to change)";
    this.update();
    this.disposables.push(
      vscode.commands.registerCommand("assetline.selectEnvironment", () => this.pick()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("assetline.run.environment")) this.update();
      }),
    );
  }

  /** Shows the environment runs will use, named as their results name it (the runner's rule). */
  private update(): void {
    this.item.text = `$(server-environment) ${config.environment ?? "…"}`;
    this.item.show();
    void findProjects().then((projects) => {
      const names = new Set(projects.map((project) => environmentOf(project)));
      const name = names.size === 1 ? [...names][0]! : (config.environment ?? "project defaults");
      this.item.text = `$(server-environment) ${name}`;
      this.item.tooltip = `Assetline: runs use the environment ${name}${config.environment ? "" : " (the project's default)"}. Click to change.`;
    });
  }

  async pick(): Promise<void> {
    const names = new Set<string>();
    const defaults = new Set<string>();
    for (const project of await findProjects()) {
      const projectConfig = configOf(project);
      Object.keys(projectConfig?.environments ?? {}).forEach((name) => names.add(name));
      if (projectConfig?.defaultEnv) defaults.add(projectConfig.defaultEnv);
    }
    const items: Array<vscode.QuickPickItem & { value: string }> = [
      { label: "Project default", description: [...defaults].join(", ") || undefined, value: "" },
      ...[...names].sort().map((name) => ({ label: name, value: name, picked: name === config.environment })),
    ];
    if (names.size === 0) {
      void vscode.window.showInformationMessage(
        "No environments are declared. Add an `environments` object to assetline.config.json to run the same assets against local or production resources.",
      );
    }
    const choice = await vscode.window.showQuickPick(items, {
      title: "Assetline: environment for runs",
      placeHolder: config.environment ?? "Project default",
    });
    if (!choice) return;
    await vscode.workspace
      .getConfiguration("assetline")
      .update("run.environment", choice.value, vscode.ConfigurationTarget.Workspace);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The environment a run in `project` uses: the setting, then ASSETLINE_ENV, its default, "local". */
function environmentOf(project: Project): string {
  const projectConfig = configOf(project);
  try {
    if (projectConfig) return chooseEnvironment(projectConfig, config.environment);
  } catch {
    // An environment the project does not declare: the run refuses it and says so.
  }
  return config.environment ?? "project default";
}

/** The project's assetline.config.json as the runner reads it; undefined when it cannot be read. */
function configOf(project: Project): ReturnType<typeof readConfig> | undefined {
  try {
    return readConfig(project.root);
  } catch {
    return undefined;
  }
}
