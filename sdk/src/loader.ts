/** Loading a pipeline's TypeScript definitions at run time (through tsx). Node only. */
import Module from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chooseEnvironment, definitionsFiles, readConfig, type AssetlineConfig } from "./config";
import { collectDefinitions, DefinitionsError, type LoadedDefinitions } from "./definitions";

let registered = false;

function registerTypeScript(): void {
  if (registered) return;
  registered = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require("tsx/cjs/api") as { register: () => unknown };
  api.register();
  // User code imports "assetline"; when the project has no installed copy, use this one.
  const self = path.join(__dirname, "index.js");
  const moduleWithResolve = Module as unknown as {
    _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
  };
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function (
    request: string,
    parent: unknown,
    ...rest: unknown[]
  ): string {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (error) {
      if (request === "assetline") return self;
      throw error;
    }
  };
}

export interface LoadedProject {
  root: string;
  config: AssetlineConfig;
  /** The modules the definitions were collected from. */
  files: string[];
  definitions: LoadedDefinitions;
}

/** Loads a module as ES module through tsx (for top-level await, which CommonJS cannot run). */
async function importAsEsm(file: string): Promise<unknown> {
  // tsx's ES module API, by file URL: a real dynamic import (the bundler would turn a literal
  // `import()` into `require()`, and tsx's CommonJS wrapper of this API cannot find its files).
  const tsxDir = path.dirname(require.resolve("tsx/package.json"));
  const apiUrl = pathToFileURL(path.join(tsxDir, "dist", "esm", "api", "index.mjs")).href;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const dynamicImport = new Function("specifier", "return import(specifier)") as (
    specifier: string,
  ) => Promise<unknown>;
  const api = (await dynamicImport(apiUrl)) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return api.tsImport(pathToFileURL(file).href, pathToFileURL(__filename).href);
}

/**
 * Loads the definitions modules (no compute runs, no resource is created) and collects what
 * they export. Without a definitions module, every TypeScript module of the project is loaded.
 */
export async function loadProject(root: string): Promise<LoadedProject> {
  const absRoot = path.resolve(root);
  const config = readConfig(absRoot);
  const files = definitionsFiles(absRoot, config);
  registerTypeScript();
  const exportsValues: unknown[] = [];
  for (const file of files) exportsValues.push(await loadModule(absRoot, file));
  return { root: absRoot, config, files, definitions: collectDefinitions(exportsValues) };
}

/** One module's exports: as CommonJS through tsx, or as ES module when it uses top-level await. */
async function loadModule(root: string, file: string): Promise<unknown> {
  try {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file) as unknown;
    } catch (error) {
      if (!/top-level await/i.test((error as Error)?.message ?? "")) throw error;
      return await importAsEsm(file);
    }
  } catch (error) {
    const err = error as Error;
    const wrapped = new DefinitionsError(
      `Loading ${path.relative(root, file)} failed: ${err?.message ?? String(error)}`,
    );
    wrapped.stack = `${wrapped.message}\n${(err?.stack ?? "").split("\n").slice(1).join("\n")}`;
    throw wrapped;
  }
}

export { chooseEnvironment };
