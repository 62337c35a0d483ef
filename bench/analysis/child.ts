/**
 * One cold measurement in a fresh process, printed as one line of JSON (see run.ts).
 *   parse DIR   the plain TypeScript parse of DIR/src/*.ts (`ts.createSourceFile`), the baseline
 *   cold DIR    a new AnalysisSession over DIR, to the first complete graph
 * run.ts bundles this file with esbuild as the language server is bundled, so the figure is
 * that of the code that ships (not of a TypeScript loader transforming it on the fly).
 */
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { AnalysisSession } from "../../analysis/src/index";

const [mode, root] = process.argv.slice(2);
if (!root || (mode !== "parse" && mode !== "cold")) throw new Error("usage: child parse|cold DIR");

const gc = (globalThis as { gc?: () => void }).gc;
const srcDir = path.join(root, "src");
const files = fs.readdirSync(srcDir).map((name) => path.join(srcDir, name));
const started = performance.now();
if (mode === "parse") {
  for (const file of files) {
    ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  }
  console.log(JSON.stringify({ ms: performance.now() - started }));
} else {
  const result = new AnalysisSession(root).analyze();
  const elapsed = performance.now() - started;
  gc?.();
  console.log(
    JSON.stringify({
      ms: elapsed,
      assets: result.graph.assets.length,
      phases: result.phases,
      rss: Math.round(process.memoryUsage().rss / 1024 / 1024),
    }),
  );
}
