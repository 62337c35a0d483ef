import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";

/**
 * The repository's packages and the one-way dependencies between them (ARCHITECTURE.md draws
 * the same picture). A package may import only itself, the packages listed for it, and npm
 * dependencies; never a file of another package's folder.
 */
export const PACKAGES: Record<string, { name: string; mayImport: string[] }> = {
  core: { name: "@assetline/core", mayImport: [] },
  protocol: { name: "@assetline/protocol", mayImport: ["core"] },
  analysis: { name: "@assetline/analysis", mayImport: ["core"] },
  sdk: { name: "assetline", mayImport: ["core", "analysis"] },
  server: { name: "@assetline/server", mayImport: ["core", "protocol", "analysis", "sdk"] },
  client: { name: "@assetline/client", mayImport: ["core", "protocol", "sdk"] },
  webview: { name: "@assetline/webview", mayImport: ["core", "protocol"] },
};

/** The packages published to npm (the others are bundled into the VS Code extension). */
export const PUBLISHED = ["core", "analysis", "sdk"];

/** One import that breaks the package boundaries, with the sentence that says why. */
export interface BoundaryViolation {
  file: string;
  specifier: string;
  reason: string;
}

const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;
const SKIP = new Set(["node_modules", "dist", "out"]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`, `name/sub` → `name`). */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * Every import, export-from, dynamic import and require in the packages under `root` that
 * leaves its own package folder by a relative path, or names one of our packages that its
 * `mayImport` does not allow or its package.json does not declare.
 */
export function boundaryViolations(root: string, packages = PACKAGES): BoundaryViolation[] {
  const folderOf = new Map(Object.entries(packages).map(([folder, p]) => [p.name, folder]));
  const violations: BoundaryViolation[] = [];
  for (const [folder, pkg] of Object.entries(packages)) {
    const dir = path.join(root, folder);
    if (!fs.existsSync(dir)) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
    for (const file of sourceFiles(dir)) {
      const rel = path.relative(root, file).split(path.sep).join("/");
      const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
      for (const { fileName: specifier } of info.importedFiles) {
        const add = (reason: string) => violations.push({ file: rel, specifier, reason });
        if (specifier.startsWith(".")) {
          const target = path.resolve(path.dirname(file), specifier);
          if (path.relative(dir, target).startsWith("..")) {
            add(`reaches out of ${folder}/ by a relative path; import the package by name`);
          }
          continue;
        }
        const name = packageName(specifier);
        const target = folderOf.get(name);
        if (target === undefined || target === folder) continue;
        if (!pkg.mayImport.includes(target)) {
          add(`${pkg.name} may not depend on ${name} (allowed: ${pkg.mayImport.join(", ") || "none"})`);
        } else if (!declared.has(name)) {
          add(`${name} is not in ${folder}/package.json's dependencies`);
        }
      }
    }
  }
  return violations;
}
