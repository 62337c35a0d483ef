/**
 * Which files make up a pipeline project, with which compiler options, and which package a
 * declaration file belongs to. Discovery is done here (one directory walk) rather than by the
 * TypeScript config parser, which is slower and would pull in every `include` glob match.
 */
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";

/** Folders never analysed: dependencies, build output, the runner's own records. */
export const EXCLUDED_DIRS = new Set(["node_modules", "dist", "out", ".assetline", ".git"]);

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"];

export function isSourceFile(file: string): boolean {
  if (file.endsWith(".d.ts") || file.endsWith(".d.mts") || file.endsWith(".d.cts")) return false;
  return SOURCE_EXTENSIONS.some((ext) => file.endsWith(ext));
}

/** Every TypeScript source file under `root`, skipping excluded and hidden folders. */
export function listSourceFiles(
  root: string,
  exclude: readonly string[] = [],
  folders?: readonly string[],
): string[] {
  if (folders) {
    const files = new Set<string>();
    for (const folder of folders) {
      if (isExcludedPath(root, folder, exclude) && folder !== root) continue;
      let stat: fs.Stats | undefined;
      try {
        stat = fs.statSync(folder);
      } catch {
        continue;
      }
      if (stat.isFile() && isSourceFile(folder)) files.add(folder);
      else if (stat.isDirectory()) for (const file of listSourceFiles(folder, exclude)) files.add(file);
    }
    return [...files].sort();
  }
  const result: string[] = [];
  const skip = new Set(exclude.map((dir) => path.resolve(dir)));
  const walk = (dir: string): void => {
    if (skip.has(dir)) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (EXCLUDED_DIRS.has(entry.name) || entry.name.startsWith(".")) continue;
        walk(path.join(dir, entry.name));
      } else if (entry.isFile() && isSourceFile(entry.name)) {
        result.push(path.join(dir, entry.name));
      }
    }
  };
  walk(root);
  return result.sort();
}

/** True when `file` lies inside one of the folders the analysis never reads. */
export function isExcludedPath(root: string, file: string, exclude: readonly string[] = []): boolean {
  for (const dir of exclude) {
    const inside = path.relative(dir, file);
    if (!inside.startsWith("..") && !path.isAbsolute(inside)) return true;
  }
  const relative = path.relative(root, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return true;
  return relative.split(path.sep).some((part) => EXCLUDED_DIRS.has(part) || part.startsWith("."));
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
 * `include`/`files` are not expanded here), otherwise defaults that match the library's needs.
 */
export interface ProjectConfig {
  options: ts.CompilerOptions;
  errors: string[];
  /**
   * Folders to read sources from, when tsconfig.json's `include` names plain folders (the
   * usual `["src"]`); undefined means the whole root. Glob patterns are not expanded (that is
   * the slow part of the config parser): with a glob, the whole root is read.
   */
  folders?: string[];
  /** Plain folders of tsconfig.json's `exclude`. */
  excluded: string[];
  /** Its glob patterns (`**\/*.test.ts`), as expressions on paths relative to the root. */
  excludedPatterns: RegExp[];
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

function plainFolders(root: string, value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const folders: string[] = [];
  for (const entry of value) {
    if (typeof entry !== "string" || /[*?{}[\]]/.test(entry)) return undefined;
    folders.push(path.resolve(root, entry));
  }
  return folders;
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
  const config = read.config as { include?: unknown; files?: unknown; exclude?: unknown };
  const exclude = Array.isArray(config.exclude)
    ? config.exclude.filter((entry): entry is string => typeof entry === "string")
    : [];
  const isGlob = (entry: string): boolean => /[*?]/.test(entry);
  const result: ProjectConfig = {
    options,
    errors,
    excluded: exclude.filter((entry) => !isGlob(entry)).map((entry) => path.resolve(root, entry)),
    excludedPatterns: exclude.filter(isGlob).map(globExpression),
  };
  // `files` alone (no include) lists files, not folders: read the whole root then.
  const folders = config.include !== undefined ? plainFolders(root, config.include) : undefined;
  if (folders) result.folders = folders;
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
