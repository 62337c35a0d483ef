/**
 * Which files make up a pipeline project, with which compiler options, and which package a
 * declaration file belongs to. The project's files are those under the root that can reach the
 * library through imports (`filesReachingLibrary`), found by one directory walk and a scan of
 * each file's import specifiers, not by the TypeScript config parser: in a repository, most
 * files never import `assetline` and are never parsed.
 */
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { findDefinitionsFiles, isDefinitionsFile, isSkippedFolder } from "@assetline/core";

/** Every file under `root` that may hold definitions (core's rule), minus tsconfig's `exclude` folders. */
export function listSourceFiles(root: string, exclude: readonly string[] = []): string[] {
  const skip = new Set(exclude.map((dir) => path.resolve(dir)));
  return findDefinitionsFiles((folder) => {
    const dir = path.join(root, folder);
    if (skip.has(dir)) return [];
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() || entry.isFile())
        .map((entry) => ({ name: entry.name, folder: entry.isDirectory() }));
    } catch {
      return [];
    }
  }).map((relative) => path.join(root, relative));
}

/**
 * True when `file` lies inside one of the folders the analysis never reads (core's skipped
 * folders, tsconfig's plain `exclude` folders) or outside the root. A file a project module
 * imports joins the analysis unless this says so, as it joins the run.
 */
export function isExcludedPath(root: string, file: string, exclude: readonly string[] = []): boolean {
  for (const dir of exclude) {
    const inside = path.relative(dir, file);
    if (!inside.startsWith("..") && !path.isAbsolute(inside)) return true;
  }
  const relative = path.relative(root, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return true;
  return relative.split(path.sep).some(isSkippedFolder);
}

/** Whether a project file may hold definitions of its own: core's rule (no tests, no builds). */
export function holdsDefinitions(root: string, file: string): boolean {
  return isDefinitionsFile(toRelative(root, file));
}

function toRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  esModuleInterop: true,
  allowJs: false,
  noEmit: true,
};

/**
 * The compiler options of the project: the root's tsconfig.json when there is one (its
 * `include`/`files` are not read: see `filesReachingLibrary`; its `exclude` is honoured),
 * otherwise defaults that match the library's needs.
 */
export interface ProjectConfig {
  options: ts.CompilerOptions;
  errors: string[];
  /** Plain folders of tsconfig.json's `exclude`. */
  excluded: string[];
  /** Its glob patterns (`**\/*.test.ts`), as expressions on paths relative to the root. */
  excludedPatterns: RegExp[];
  /**
   * What tsconfig.json's own `include` and `files` cover, as expressions on root-relative paths;
   * undefined when there is no tsconfig.json or it names neither (then it covers everything).
   * Not a fence for the analysis: it says whose compiler options a file is compiled with.
   */
  includedPatterns?: RegExp[];
}

/** The options of a project without a tsconfig.json (or of files outside its `include`). */
export function defaultCompilerOptions(): ts.CompilerOptions {
  return { ...DEFAULT_OPTIONS };
}

/** Whether tsconfig.json covers a file (its `include` or `files`; everything when it names neither). */
export function isIncluded(root: string, file: string, config: ProjectConfig): boolean {
  if (!config.includedPatterns) return true;
  const relative = path.relative(root, file).split(path.sep).join("/");
  return config.includedPatterns.some((pattern) => pattern.test(relative));
}

/** A tsconfig glob (`*`, `?`, `**`) as an expression on a root-relative path with "/". */
function globExpression(pattern: string): RegExp {
  const normalized = pattern.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/$/, "");
  let source = "";
  for (let i = 0; i < normalized.length; i++) {
    const char = normalized[i]!;
    if (char === "*" && normalized[i + 1] === "*") {
      source += normalized[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += normalized[i + 2] === "/" ? 2 : 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // A pattern naming a folder excludes what is inside it too.
  return new RegExp(`^${source}(?:/.*)?$`);
}

/** Whether a file matches one of tsconfig's `exclude` globs. */
export function matchesExcluded(root: string, file: string, patterns: readonly RegExp[]): boolean {
  if (patterns.length === 0) return false;
  const relative = path.relative(root, file).split(path.sep).join("/");
  return patterns.some((pattern) => pattern.test(relative));
}

export function readCompilerOptions(root: string): ProjectConfig {
  const configPath = path.join(root, "tsconfig.json");
  if (!fs.existsSync(configPath))
    return { options: { ...DEFAULT_OPTIONS }, errors: [], excluded: [], excludedPatterns: [] };
  const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (read.error) {
    return {
      options: { ...DEFAULT_OPTIONS },
      errors: [ts.flattenDiagnosticMessageText(read.error.messageText, "\n")],
      excluded: [],
      excludedPatterns: [],
    };
  }
  // A host that lists no files: only the options are wanted, not the include globs.
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: () => [],
    fileExists: (file) => ts.sys.fileExists(file),
    readFile: (file) => ts.sys.readFile(file),
  };
  const parsed = ts.parseJsonConfigFileContent(read.config, host, root, undefined, configPath);
  const errors = parsed.errors
    // "No inputs were found" is expected: the host above lists no files on purpose.
    .filter((error) => error.code !== 18003)
    .map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, resolveJsonModule: true };
  delete options.outDir;
  delete options.declarationDir;
  delete options.composite;
  delete options.incremental;
  delete options.tsBuildInfoFile;
  const config = read.config as { exclude?: unknown; include?: unknown; files?: unknown };
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
  const exclude = strings(config.exclude);
  const isGlob = (entry: string): boolean => /[*?]/.test(entry);
  const result: ProjectConfig = {
    options,
    errors,
    excluded: exclude.filter((entry) => !isGlob(entry)).map((entry) => path.resolve(root, entry)),
    excludedPatterns: exclude.filter(isGlob).map(globExpression),
  };
  if (config.include !== undefined || config.files !== undefined)
    result.includedPatterns = [...strings(config.include), ...strings(config.files)].map(globExpression);
  return result;
}

/** Finds the name of the npm package a file belongs to (nearest package.json), cached per folder. */
export class PackageNames {
  private readonly byDir = new Map<string, string | null>();

  nameOf(file: string): string | null {
    return this.lookup(path.dirname(file));
  }

  private lookup(dir: string): string | null {
    const cached = this.byDir.get(dir);
    if (cached !== undefined) return cached;
    let name: string | null = null;
    let found = false;
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: unknown;
      };
      name = typeof parsed.name === "string" ? parsed.name : null;
      found = true;
    } catch {
      // No readable package.json here: look further up.
    }
    if (!found) {
      const parent = path.dirname(dir);
      name = parent === dir ? null : this.lookup(parent);
    }
    this.byDir.set(dir, name);
    return name;
  }
}

/**
 * Import specifiers written in a text (`from "x"`, `import "x"`, `import("x")`, `require("x")`),
 * found by a scan rather than a parse: this runs over every file under the root, most of which
 * never reach the library. A match in a comment or a string only costs a resolution.
 */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(["'])([^"'\r\n]{1,400})\1/g;

function specifiersOf(text: string): string[] {
  const result: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) result.push(match[2]!);
  return result;
}

const SCRIPT_EXTENSION = /\.(?:d\.)?[cm]?[jt]sx?$/;

/** The last segment of a specifier without its extension (`../lib/assets.js` -> `assets`). */
function specifierTail(specifier: string): string {
  const trimmed = specifier.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1).replace(SCRIPT_EXTENSION, "");
}

/**
 * The tails an import of `file` can end with: its name, its folder's name for an `index` file,
 * and the name of the package it belongs to (an import of a workspace package by name).
 */
function tailsOf(file: string, packages: PackageNames): string[] {
  const base = path.basename(file).replace(SCRIPT_EXTENSION, "");
  const tails = [base];
  if (base === "index") tails.push(path.basename(path.dirname(file)));
  const name = packages.nameOf(file);
  if (name) tails.push(specifierTail(name));
  return tails;
}

/**
 * Whether one file (as the editor has it) can reach the library: it names it, or one of its
 * imports resolves to a file that can (`isReached`). For a file that was not part of the analysis.
 */
export function reachesLibrary(
  file: string,
  text: string,
  options: ts.CompilerOptions,
  isReached: (file: string) => boolean,
  library = "assetline",
): boolean {
  if (text.includes(library)) return true;
  return specifiersOf(text).some((specifier) => {
    const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
    return resolved !== undefined && isReached(path.resolve(resolved.resolvedFileName));
  });
}

export interface LibraryReach {
  /** The files that can reach the library, through imports (each with the text read). */
  files: Map<string, string>;
  /** How many candidate files were read to find them. */
  read: number;
}

/**
 * Which of the candidate files can reach `library`: those that name it, and those that import
 * (directly or through others) a file that can. Only these are analysed: in a repository of
 * thousands of files, a pipeline's are a handful, and the rest is never parsed. What those
 * files import joins through the compiler's program, as at run time.
 *
 * An importer is found by the tail of its specifier (the file's name, an index's folder, a
 * package name) and then confirmed by resolving the specifier as the compiler does. Specifiers
 * whose tail says nothing (`.`, `..`, `#imports`, an exact `paths` alias) are always resolved.
 */
export function filesReachingLibrary(
  candidates: readonly string[],
  options: ts.CompilerOptions,
  packages: PackageNames,
  library = "assetline",
): LibraryReach {
  const texts = new Map<string, string>();
  for (const file of candidates) {
    try {
      texts.set(file, fs.readFileSync(file, "utf8"));
    } catch {
      // Gone or unreadable since the walk: it cannot take part.
    }
  }
  const exactAliases = new Set(Object.keys(options.paths ?? {}).filter((alias) => !alias.includes("*")));
  const byTail = new Map<string, { file: string; specifier: string }[]>();
  const opaque: { file: string; specifier: string }[] = [];
  const reached = new Map<string, string>();
  for (const [file, text] of texts) {
    if (text.includes(library)) {
      reached.set(file, text);
      continue;
    }
    for (const specifier of specifiersOf(text)) {
      const tail = specifierTail(specifier);
      const use = { file, specifier };
      if (
        tail === "" ||
        tail === "." ||
        tail === ".." ||
        specifier.startsWith("#") ||
        exactAliases.has(specifier)
      )
        opaque.push(use);
      else {
        let uses = byTail.get(tail);
        if (!uses) byTail.set(tail, (uses = []));
        uses.push(use);
      }
    }
  }
  const cache = ts.createModuleResolutionCache(process.cwd(), (name) => name, options);
  const resolve = (specifier: string, from: string): string | undefined => {
    const resolved = ts.resolveModuleName(specifier, from, options, ts.sys, cache).resolvedModule;
    return resolved ? path.resolve(resolved.resolvedFileName) : undefined;
  };
  // The opaque specifiers are few: resolve each once, as edges from what they name.
  const opaqueImporters = new Map<string, string[]>();
  for (const { file, specifier } of opaque) {
    const target = resolve(specifier, file);
    if (target === undefined) continue;
    const importers = opaqueImporters.get(target) ?? [];
    importers.push(file);
    opaqueImporters.set(target, importers);
  }
  const queue = [...reached.keys()];
  while (queue.length > 0) {
    const target = queue.pop()!;
    const join = (file: string): void => {
      if (reached.has(file)) return;
      reached.set(file, texts.get(file)!);
      queue.push(file);
    };
    for (const file of opaqueImporters.get(target) ?? []) join(file);
    for (const tail of tailsOf(target, packages)) {
      for (const { file, specifier } of byTail.get(tail) ?? []) {
        if (!reached.has(file) && resolve(specifier, file) === target) join(file);
      }
    }
  }
  return { files: reached, read: texts.size };
}
