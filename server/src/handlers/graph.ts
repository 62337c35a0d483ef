/** The `assetline/graph` request: a project's graph, whole or around one asset. */
import { ErrorCodes, ResponseError } from "vscode-languageserver/node";
import { closestKey } from "@assetline/analysis";
import type { AssetGraph } from "@assetline/core";
import type { GraphParams, GraphResult } from "@assetline/protocol";
import { uriToPath, type Project, type Projects } from "./projects";

const NOT_A_PROJECT = 'a folder with assetline.config.json or a package.json depending on "assetline"';

/**
 * The up-to-date project a request names by a file URI (the first project without one); a
 * ResponseError with a sentence to show when there is none.
 */
export function requestedProject(projects: Projects, uri: string | undefined): Project | ResponseError<void> {
  projects.flush();
  const file = uri ? uriToPath(uri) : undefined;
  const project = file ? projects.projectOf(file) : projects.all[0];
  if (project) return project;
  return new ResponseError(
    ErrorCodes.InvalidRequest,
    uri
      ? `${uri} is not inside an Assetline pipeline project (${NOT_A_PROJECT}).`
      : `There is no Assetline pipeline project in the workspace (${NOT_A_PROJECT}).`,
  );
}

/**
 * The answer to `assetline/graph`: the graph of the project holding `params.uri` (the first
 * project without one), focused as asked; a ResponseError with a sentence to show otherwise.
 */
export function graphRequest(
  projects: Projects,
  params: GraphParams | undefined,
): GraphResult | ResponseError<void> {
  const project = requestedProject(projects, params?.uri);
  if (project instanceof ResponseError) return project;
  const graph = projects.graphOf(project);
  const focus = params?.focus;
  if (focus !== undefined && !graph.assets.some((asset) => asset.key === focus)) {
    const suggestion = closestKey(
      focus,
      graph.assets.map((asset) => asset.key),
    );
    return new ResponseError(
      ErrorCodes.InvalidParams,
      `No asset has the key "${focus}"${suggestion ? `; did you mean "${suggestion}"?` : "."}`,
    );
  }
  return { rootUri: project.rootUri, graph: focusGraph(graph, params ?? {}) };
}

/** The asset and those within the given hops upstream and downstream (all when unlimited). */
export function focusGraph(graph: AssetGraph, params: GraphParams): AssetGraph {
  const focus = params.focus;
  if (!focus) return graph;
  const byKey = new Map(graph.assets.map((asset) => [asset.key, asset]));
  if (!byKey.has(focus)) return { ...graph, assets: [], diagnostics: [] };
  const downstream = new Map<string, string[]>();
  for (const asset of graph.assets) {
    for (const dep of asset.deps) {
      const list = downstream.get(dep) ?? [];
      list.push(asset.key);
      downstream.set(dep, list);
    }
  }
  const collect = (next: (key: string) => string[], limit: number | undefined): Set<string> => {
    const seen = new Set<string>([focus]);
    let frontier = [focus];
    for (let depth = 0; frontier.length > 0 && (limit === undefined || depth < limit); depth++) {
      const following: string[] = [];
      for (const key of frontier) {
        for (const neighbour of next(key)) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          following.push(neighbour);
        }
      }
      frontier = following;
    }
    return seen;
  };
  const keep = new Set([
    ...collect((key) => byKey.get(key)?.deps ?? [], params.upstream),
    ...collect((key) => downstream.get(key) ?? [], params.downstream),
  ]);
  const assets = graph.assets
    .filter((asset) => keep.has(asset.key))
    .map((asset) => ({
      ...asset,
      deps: asset.deps.filter((dep) => keep.has(dep)),
      ins: Object.fromEntries(Object.entries(asset.ins).filter(([, key]) => keep.has(key))),
    }));
  const files = new Set(assets.map((asset) => asset.file));
  return {
    ...graph,
    assets,
    diagnostics: graph.diagnostics.filter((diagnostic) => files.has(diagnostic.file)),
  };
}
