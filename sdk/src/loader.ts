/** Loading a pipeline's TypeScript definitions at run time (through tsx). Node only. */
import Module from "node:module";
import path from "node:path";
import { chooseEnvironment, definitionsFile, readConfig, type AssetlineConfig } from "./config";
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
  file: string;
  definitions: LoadedDefinitions;
}

/** Requires the definitions module (no compute runs, no resource is created) and collects it. */
export function loadProject(root: string): LoadedProject {
  const absRoot = path.resolve(root);
  const config = readConfig(absRoot);
  const file = definitionsFile(absRoot, config);
  registerTypeScript();
  let exportsValue: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exportsValue = require(file);
  } catch (error) {
    const err = error as Error;
    const wrapped = new DefinitionsError(
      `Loading ${path.relative(absRoot, file)} failed: ${err?.message ?? String(error)}`,
    );
    wrapped.stack = `${wrapped.message}\n${(err?.stack ?? "").split("\n").slice(1).join("\n")}`;
    throw wrapped;
  }
  return { root: absRoot, config, file, definitions: collectDefinitions(exportsValue) };
}

export { chooseEnvironment };
