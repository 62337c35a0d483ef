/**
 * The server's state: the status it pushes (`assetline/serverStatus`, shown in the status bar
 * and awaited by tests) and the answer to `assetline/serverState`, both from the projects.
 */
import type { ProjectState, ServerStateResult, ServerStatusParams } from "@assetline/protocol";
import type { Project, Projects } from "./projects";

function errorCount(project: Project): number {
  const graph = project.result?.graph;
  return (
    (graph?.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length ?? 0) +
    project.typeDiagnostics.filter((diagnostic) => diagnostic.severity === "error").length +
    (project.configInvalid ? 1 : 0)
  );
}

/** The status of every project together; `fatal`: an internal error to report instead. */
export function currentStatus(projects: Projects, fatal?: string): ServerStatusParams {
  let assets = 0;
  let errors = 0;
  const failed: string[] = [];
  for (const project of projects.all) {
    assets += project.result?.graph.assets.length ?? 0;
    errors += errorCount(project);
    if (project.error) failed.push(`${project.root}: ${project.error}`);
  }
  const status: ServerStatusParams = {
    state: fatal || failed.length > 0 ? "error" : projects.busy ? "indexing" : "idle",
    assets,
    errors,
  };
  if (fatal) status.message = fatal;
  else if (failed.length > 0) status.message = `Analysis failed: ${failed.join("; ")}`;
  else if (projects.all.length === 0) status.message = "No Assetline pipeline project in the workspace.";
  else status.message = `${projects.all.length} pipeline project${projects.all.length === 1 ? "" : "s"}`;
  return status;
}

/** The answer to `assetline/serverState`. */
export function serverState(projects: Projects, status: ServerStatusParams): ServerStateResult {
  return {
    status,
    projects: projects.all.map((project) => {
      const state: ProjectState = {
        rootUri: project.rootUri,
        files: project.session.sourceFiles.length,
        assets: project.result?.graph.assets.length ?? 0,
        errors: errorCount(project),
        typing: project.typing,
      };
      if (project.result) state.lastAnalysisMs = Math.round(project.result.elapsedMs);
      if (project.error) state.error = project.error;
      return state;
    }),
  };
}
