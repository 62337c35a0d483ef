import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";

/**
 * The general evaluator (analysis/src/evaluator/) knows nothing of Assetline: it may import its
 * own folder, the compiler, Node's built-ins and the analysis's syntax helpers, never the
 * recognition of Assetline's calls (analysis/src/assetline/), the records it fills (model.ts),
 * nor any Assetline package. Assetline reaches the evaluator only through its index (the hooks).
 */
const analysisSrc = path.resolve(__dirname, "../../../analysis/src");
const evaluatorDir = path.join(analysisSrc, "evaluator");
const assetlineDir = path.join(analysisSrc, "assetline");

/** Generic helpers outside the folder that the evaluator may use (syntax only, no Assetline). */
const ALLOWED_OUTSIDE = new Set(["syntax.ts", "imports.ts"].map((name) => path.join(analysisSrc, name)));

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => path.join(dir, name));
}

/** Every module specifier a file imports or re-exports from (type-only ones included). */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((reference) => reference.fileName);
}

function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return base;
}

describe("the general evaluator imports nothing of Assetline", () => {
  const files = fs.existsSync(evaluatorDir) ? tsFiles(evaluatorDir) : [];

  it("lives in analysis/src/evaluator/, with an index for its hosts", () => {
    assert.ok(files.length > 0, "analysis/src/evaluator/ holds no module");
    assert.ok(
      files.includes(path.join(evaluatorDir, "index.ts")),
      "analysis/src/evaluator/index.ts is missing",
    );
  });

  it("imports only its own folder, the compiler, Node and the syntax helpers", () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(file)) {
        const where = `${path.relative(analysisSrc, file)} imports "${specifier}"`;
        if (specifier.startsWith(".")) {
          const target = resolveRelative(file, specifier);
          const inside = path.dirname(target) === evaluatorDir;
          if (!inside && !ALLOWED_OUTSIDE.has(target)) offending.push(where);
        } else if (specifier !== "ts-morph" && !specifier.startsWith("node:")) {
          offending.push(where);
        }
      }
    }
    assert.deepEqual(offending, []);
  });

  it("is reached from the Assetline module through its index only", () => {
    const offending: string[] = [];
    for (const file of tsFiles(assetlineDir)) {
      for (const specifier of specifiers(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = resolveRelative(file, specifier);
        if (path.dirname(target) === evaluatorDir && path.basename(target) !== "index.ts")
          offending.push(`${path.relative(analysisSrc, file)} imports "${specifier}"`);
      }
    }
    assert.deepEqual(offending, []);
  });
});
