/**
 * Which files hold a pipeline project's definitions: one rule for `assetline materialize` (the
 * modules it loads), `assetline graph` and the editor (the files the analysis reads), and the
 * server's project discovery and file watching. As a Dagster user expects, test modules and
 * build output never define assets. Pure: it judges names and root-relative paths with `/`.
 */

/** Folders that never hold definitions: dependencies, build output, coverage, the run records. */
export const SKIPPED_FOLDERS: readonly string[] = [
  "node_modules",
  "dist",
  "out",
  "build",
  "coverage",
  ".assetline",
  ".git",
];

const SKIPPED = new Set(SKIPPED_FOLDERS);

/** True for a folder (by name) that never holds definitions: the list above, or a hidden one. */
export function isSkippedFolder(name: string): boolean {
  return SKIPPED.has(name) || name.startsWith(".");
}

/** A TypeScript module (not a declaration file), by its name. */
export function isTypeScriptModule(name: string): boolean {
  return /\.(?:[mc]?ts|tsx)$/.test(name) && !/\.d\.[mc]?ts$/.test(name);
}

/** A test module (`*.test.ts`, `*.spec.tsx`, ...), by its name. */
export function isTestModule(name: string): boolean {
  return /\.(?:test|spec)\.(?:[mc]?ts|tsx)$/.test(name);
}

/**
 * Whether a file, given by its path relative to the project root (`/` separators), may hold
 * definitions: a TypeScript module, not a test, in no skipped folder, inside the root.
 */
export function isDefinitionsFile(relative: string): boolean {
  const parts = relative.split("/");
  const name = parts.pop() ?? "";
  if (relative.startsWith("/") || /^[A-Za-z]:/.test(relative)) return false;
  if (parts.some((part) => part === ".." || part === "" || isSkippedFolder(part))) return false;
  return isTypeScriptModule(name) && !isTestModule(name);
}

/** An entry of a folder, as a file system lists it. */
export interface FolderEntry {
  name: string;
  folder: boolean;
}

/**
 * Every file below the root that may hold definitions, as sorted root-relative paths. `list`
 * gives a folder's entries by its root-relative path ("" for the root; nothing when it cannot be
 * read or must not be entered), so that this stays pure: the callers bring the file system.
 */
export function findDefinitionsFiles(list: (folder: string) => readonly FolderEntry[]): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of list(folder)) {
      const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.folder) {
        if (!isSkippedFolder(entry.name)) visit(relative);
      } else if (isDefinitionsFile(relative)) found.push(relative);
    }
  };
  visit("");
  return found.sort();
}
