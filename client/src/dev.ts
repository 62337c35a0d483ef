/**
 * `Assetline: Start dev` / `Stop dev`: runs `assetline dev` for a pipeline project (automation,
 * schedules and sensors on a loop, as the command line does), with its log in the "Assetline
 * Dev" output channel and its state in the status bar. Refused in an untrusted workspace: it runs
 * the workspace's code.
 */
import * as vscode from "vscode";
import { startDev, type DevHandle } from "assetline/launch";
import { config } from "./config";
import { findProjects, type Project } from "./projects";

export class DevController implements vscode.Disposable {
  private readonly running = new Map<string, { project: Project; handle: DevHandle }>();
  private readonly output = vscode.window.createOutputChannel("Assetline Dev");
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 9);

  constructor() {
    this.status.command = "assetline.stopDev";
    this.render();
  }

  /** Starts `assetline dev` for the project (asked when there are several); its root, or undefined. */
  async start(root?: string): Promise<string | undefined> {
    if (!vscode.workspace.isTrusted) {
      const trust = "Trust Workspace…";
      const answer = await vscode.window.showWarningMessage(
        "Assetline dev runs the workspace's code (its assets and sensors), so it does not start in Restricted Mode.",
        trust,
      );
      if (answer === trust) await vscode.commands.executeCommand("workbench.trust.manage");
      return undefined;
    }
    const project = await this.pick(root, (p) => !this.running.has(p.root), "Start assetline dev for");
    if (!project) return undefined;
    let handle: DevHandle;
    try {
      handle = startDev({
        root: project.root,
        ...(config.environment ? { environment: config.environment } : {}),
        onOutput: (text) => this.output.append(text),
      });
    } catch (error) {
      void vscode.window.showErrorMessage((error as Error).message);
      return undefined;
    }
    this.output.appendLine(`$ ${handle.commandLine}`);
    this.running.set(project.root, { project, handle });
    this.render();
    void handle.exited.then((code) => {
      if (this.running.get(project.root)?.handle !== handle) return;
      this.running.delete(project.root);
      this.output.appendLine(`assetline dev for ${project.name} exited (code ${String(code)})`);
      if (code !== 0) {
        void vscode.window
          .showErrorMessage(
            `assetline dev for ${project.name} stopped with code ${String(code)}.`,
            "Show Log",
          )
          .then((choice) => choice && this.output.show());
      }
      this.render();
    });
    return project.root;
  }

  /** Stops `assetline dev` for a project (asked when several run); resolves with its exit code. */
  async stop(root?: string): Promise<number | null | undefined> {
    const chosen = await this.pick(root, (p) => this.running.has(p.root), "Stop assetline dev for", [
      ...[...this.running.values()].map((r) => r.project),
    ]);
    const entry = chosen && this.running.get(chosen.root);
    if (!entry) return undefined;
    entry.handle.stop();
    const code = await entry.handle.exited;
    this.running.delete(entry.project.root);
    this.render();
    return code;
  }

  private async pick(
    root: string | undefined,
    eligible: (p: Project) => boolean,
    title: string,
    known?: Project[],
  ): Promise<Project | undefined> {
    const projects = (known ?? (await findProjects())).filter(eligible);
    if (root !== undefined) return projects.find((p) => p.root === root);
    if (projects.length <= 1) return projects[0];
    const item = await vscode.window.showQuickPick(
      projects.map((p) => ({ label: p.name, description: p.root, project: p })),
      { title },
    );
    return item?.project;
  }

  private render(): void {
    const names = [...this.running.values()].map((r) => r.project.name);
    if (names.length === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(sync~spin) assetline dev: ${names.join(", ")}`;
    this.status.tooltip = "Automation, schedules and sensors run for these projects. Click to stop.";
    this.status.show();
  }

  dispose(): void {
    for (const { handle } of this.running.values()) handle.stop();
    this.running.clear();
    this.status.dispose();
    this.output.dispose();
  }
}
