/**
 * Analysis benchmark on synthetic workspaces.
 *   node --expose-gc --import tsx bench/analysis/run.ts [sizes...] [--edits N] [--rss-edits N]
 * Prints, per size: plain parse of the same files, cold index to the first complete graph
 * (and its ratio to the parse), the type checks; at 5,000 (or the largest size <= 5,000):
 * p50/p95 of the diagnostics after a one-line edit (leaf and hub file), RSS, and RSS growth
 * over many edits. Workspaces are written under bench/results/ (git-ignored).
 */
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { AnalysisSession } from "../../server/src/analysis/index";
import { assetKey, generateWorkspace } from "./generate";

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const sizes = args.filter((arg, i) => /^\d+$/.test(arg) && !args[i - 1]?.startsWith("--")).map(Number);
if (sizes.length === 0) sizes.push(100, 1000, 5000, 20000);
const editCount = option("--edits", 200);
const rssEdits = option("--rss-edits", 1000);
const resultsDir = path.resolve(__dirname, "..", "results");

const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function measure(size: number, edits: boolean): void {
  const dir = path.join(resultsDir, `ws-${size}`);
  const { files, root } = generateWorkspace(dir, size);

  let started = performance.now();
  for (const file of files)
    ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const parseMs = performance.now() - started;

  started = performance.now();
  const session = new AnalysisSession(root);
  const result = session.analyze();
  const coldMs = performance.now() - started;
  if (result.graph.assets.length !== size) {
    throw new Error(`expected ${size} assets, found ${result.graph.assets.length}`);
  }
  const errors = result.graph.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`unexpected diagnostics: ${JSON.stringify(errors.slice(0, 3))}`);
  started = performance.now();
  const job = session.typeCheckJob()!;
  job.step();
  const typesMs = performance.now() - started;
  const edges = result.graph.assets.reduce((sum, asset) => sum + asset.deps.length, 0);
  console.log(
    `${size} assets (${files.length} files, ${edges} edges): parse ${ms(parseMs)}; cold graph ${ms(coldMs)} ` +
      `(${(coldMs / parseMs).toFixed(2)}x parse); type checks ${ms(typesMs)}; RSS ${rssMb()} MB`,
  );
  console.log(
    `  cold phases: session ${ms(coldMs - result.elapsedMs)}, ` +
      Object.entries(result.phases)
        .map(([name, value]) => `${name} ${ms(value)}`)
        .join(", "),
  );
  if (!edits) return;

  // One-line edits: change a string dep to a misspelt key and back, in a leaf file and in the hub.
  const leaf = files[Math.floor(files.length / 2)]!;
  const hub = files[0]!;
  for (const [label, file] of [
    ["leaf", leaf],
    ["hub", hub],
  ] as const) {
    const original = fs.readFileSync(file, "utf8");
    const fileIndex = files.indexOf(file);
    const marker = `"${assetKey(fileIndex, 3)}"`;
    const times: number[] = [];
    let sawUnknown = 0;
    for (let i = 0; i < editCount; i++) {
      const broken = i % 2 === 0;
      const text = broken
        ? original
            .replace(marker, `"${assetKey(fileIndex, 3)}"`)
            .replace(`deps: []`, `deps: ["layer0/a0_00"]`)
        : original;
      const t0 = performance.now();
      session.setFileText(file, text);
      const edited = session.analyze();
      times.push(performance.now() - t0);
      if (broken && edited.graph.diagnostics.some((d) => d.code === "unknown-asset")) sawUnknown++;
    }
    if (sawUnknown !== editCount / 2)
      throw new Error(`the edit's unknown-asset was seen ${sawUnknown} times`);
    // Type checks of the edited file's assets after an edit (the open file goes first).
    session.setFileText(file, original + "\n");
    session.analyze();
    const typeStart = performance.now();
    const typeJob = session.typeCheckJob([file])!;
    const ownRecords = session.lastResult!.records.filter((record) => record.call.file === file).length;
    let checked = 0;
    while (checked < ownRecords && !typeJob.done) {
      typeJob.step(0);
      checked++;
    }
    const ownTypesMs = performance.now() - typeStart;
    session.setFileText(file, original);
    session.analyze();
    console.log(
      `  edit in the ${label} file, ${editCount} edits: diagnostics p50 ${ms(percentile(times, 50))}, ` +
        `p95 ${ms(percentile(times, 95))}, max ${ms(Math.max(...times))}; type checks of the edited file ${ms(ownTypesMs)}`,
    );
  }

  const before = rssMb();
  const original = fs.readFileSync(leaf, "utf8");
  let after100 = 0;
  for (let i = 0; i < rssEdits; i++) {
    session.setFileText(leaf, i % 2 === 0 ? `${original}\n// edit ${i}\n` : original);
    session.analyze();
    if (i === 99) after100 = rssMb();
  }
  const after = rssMb();
  console.log(
    `  RSS: ${before} MB before edits, ${after100} MB after 100, ${after} MB after ${rssEdits} edits`,
  );
}

const editSize = sizes.includes(5000) ? 5000 : Math.max(...sizes.filter((size) => size <= 5000));
for (const size of sizes) measure(size, size === editSize);
