/** `assetline.config.json` in the pipeline root. */
import fs from "node:fs";
import path from "node:path";
import { closest, findDefinitionsFiles } from "@assetline/core";

export interface EnvironmentConfig {
  /** Per-resource configuration, by resource name. */
  resources?: Record<string, Record<string, unknown>>;
  concurrency?: number;
}

export interface AssetlineConfig {
  /** The definitions module, relative to the root. Default: src/definitions.ts, else definitions.ts. */
  definitions?: string;
  defaultEnv?: string;
  environments?: Record<string, EnvironmentConfig>;
  concurrency?: number;
  /**
   * What a run does when an input from outside its selection was never materialized:
   * "error" (the default, as Dagster does) says which asset to materialize first;
   * "materialize" adds such upstream assets to the run.
   */
  missingUpstream?: "error" | "materialize";
}

export const CONFIG_FILE = "assetline.config.json";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function readConfig(root: string): AssetlineConfig {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return {};
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${CONFIG_FILE} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError(
      `${CONFIG_FILE} must contain a JSON object like { "definitions": "src/definitions.ts" }.`,
    );
  }
  const c = config as AssetlineConfig;
  const known = ["$schema", "definitions", "defaultEnv", "environments", "concurrency", "missingUpstream"];
  for (const key of Object.keys(c)) {
    if (!known.includes(key)) {
      const suggestion = closest(key, known);
      throw new ConfigError(
        `Unknown setting "${key}" in ${CONFIG_FILE}${suggestion ? `; did you mean "${suggestion}"?` : `; the settings are ${known.slice(1).join(", ")}.`}`,
      );
    }
  }
  if (c.defaultEnv !== undefined && typeof c.defaultEnv !== "string") {
    throw new ConfigError(`${CONFIG_FILE}: "defaultEnv" must be the name of an environment.`);
  }
  const positive = (value: unknown, where: string): void => {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) {
      throw new ConfigError(`${CONFIG_FILE}: ${where} must be a whole number of at least 1.`);
    }
  };
  positive(c.concurrency, '"concurrency"');
  if (
    c.missingUpstream !== undefined &&
    c.missingUpstream !== "error" &&
    c.missingUpstream !== "materialize"
  ) {
    throw new ConfigError(`${CONFIG_FILE}: "missingUpstream" must be "error" or "materialize".`);
  }
  if (c.definitions !== undefined && typeof c.definitions !== "string") {
    throw new ConfigError(
      `${CONFIG_FILE}: "definitions" must be a path string relative to the project root.`,
    );
  }
  if (c.environments !== undefined && (typeof c.environments !== "object" || c.environments === null)) {
    throw new ConfigError(`${CONFIG_FILE}: "environments" must be an object of environment names.`);
  }
  for (const [name, env] of Object.entries(c.environments ?? {})) {
    if (typeof env !== "object" || env === null || Array.isArray(env)) {
      throw new ConfigError(
        `${CONFIG_FILE}: environment "${name}" must be an object like { "resources": { ... } }.`,
      );
    }
    for (const key of Object.keys(env)) {
      if (key !== "resources" && key !== "concurrency") {
        throw new ConfigError(
          `${CONFIG_FILE}: environment "${name}" has an unknown setting "${key}"; use "resources" and "concurrency".`,
        );
      }
    }
    positive(env.concurrency, `environments.${name}.concurrency`);
    for (const [resource, value] of Object.entries(env.resources ?? {})) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ConfigError(
          `${CONFIG_FILE}: environments.${name}.resources.${resource} must be an object of settings.`,
        );
      }
    }
  }
  if (c.defaultEnv !== undefined && c.environments !== undefined && !(c.defaultEnv in c.environments)) {
    throw new ConfigError(
      `${CONFIG_FILE}: "defaultEnv" is "${c.defaultEnv}", which is not one of the environments (${Object.keys(c.environments).join(", ")}).`,
    );
  }
  return c;
}

/**
 * The modules whose exports are the project's definitions (absolute paths): the one named in
 * the config; else `src/definitions.ts` or `definitions.ts`; else every TypeScript module of the
 * project (as the static analysis reads them), so a pipeline needs no entry point to run.
 */
export function definitionsFiles(root: string, config: AssetlineConfig): string[] {
  if (config.definitions) {
    const file = path.resolve(root, config.definitions);
    if (!fs.existsSync(file)) {
      throw new ConfigError(
        `The definitions file ${config.definitions} (set in ${CONFIG_FILE}) does not exist; create it or fix the path.`,
      );
    }
    return [file];
  }
  for (const candidate of ["src/definitions.ts", "definitions.ts"]) {
    const file = path.join(root, candidate);
    if (fs.existsSync(file)) return [file];
  }
  const modules = projectModules(root);
  if (modules.length > 0) return modules;
  throw new ConfigError(
    `No definitions found in ${root}: create src/definitions.ts exporting your assets, or set "definitions" in ${CONFIG_FILE}.`,
  );
}

/** Every module below the root that may hold definitions (core's rule), in a stable order. */
function projectModules(root: string): string[] {
  return findDefinitionsFiles((folder) => {
    try {
      return fs
        .readdirSync(path.join(root, folder), { withFileTypes: true })
        .map((entry) => ({ name: entry.name, folder: entry.isDirectory() }));
    } catch {
      return [];
    }
  }).map((relative) => path.join(root, relative));
}

/** The environment name: explicit option, then ASSETLINE_ENV, then the config's defaultEnv, then "local". */
export function chooseEnvironment(config: AssetlineConfig, explicit?: string): string {
  const env = explicit ?? process.env.ASSETLINE_ENV ?? config.defaultEnv ?? "local";
  const known = Object.keys(config.environments ?? {});
  if (known.length > 0 && !known.includes(env)) {
    throw new ConfigError(
      `Unknown environment "${env}"; ${CONFIG_FILE} defines ${known.map((k) => `"${k}"`).join(", ")}.`,
    );
  }
  return env;
}
