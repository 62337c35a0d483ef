/**
 * Analysis benchmark on synthetic workspaces.
 *   node --expose-gc --import tsx bench/analysis/run.ts [sizes...] [--bodies typical,minimal]
 *     [--edits N] [--mem-edits N] [--runs N]
 * Per size: the plain parse of the same files (`ts.createSourceFile`) and the cold index to the
 * first complete graph, each the median of N fresh processes (as in the team's performance
 * notes), and their ratio; the type checks. At 5,000 (or the largest size <= 5,000): p50/p95 of
 * the diagnostics after a one-line edit (leaf and hub file), heap and RSS, and their growth over
 * many edits. Each size is measured with typical compute bodies and with minimal ones (see
 * generate.ts). Workspaces are written under $TMPDIR/assetline-bench/ (outside the repository).
 */
import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AnalysisSession } from "../../analysis/src/index";
import { assetKey, generateWorkspace, type Bodies } from "./generate";

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const editCount = option("--edits", 200);
const memEdits = option("--mem-edits", 1000);
const runs = option("--runs", 3);
const bodiesIndex = args.indexOf("--bodies");
const shapes = (bodiesIndex >= 0 ? args[bodiesIndex + 1]! : "typical,minimal").split(",") as Bodies[];
for (const shape of shapes)
  if (shape !== "typical" && shape !== "minimal")
    throw new Error(`--bodies: typical or minimal, not ${String(shape)}`);
// Outside the repository: a workspace opened at the repository root must not index them.
const resultsDir = path.join(os.tmpdir(), "assetline-bench");

const gc = (globalThis as { gc?: () => void }).gc;
const collect = (): void => {
  gc?.();
  gc?.();
};
const rssMb = (): number => Math.round(process.memoryUsage().rss / 1024 / 1024);
const memory = (): string => {
  collect();
  return `heap ${Math.round(process.memoryUsage().heapUsed / 1024 / 1024)} MB, RSS ${rssMb()} MB`;
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

interface ColdRun {
  ms: number;
  assets?: number;
  phases?: Record<string, number>;
  rss?: number;
}

/** The cold-start child, bundled as the language server is (see child.ts). */
const childBundle = path.join(resultsDir, "child.cjs");
function bundleChild(): void {
  buildSync({
    entryPoints: [path.join(__dirname, "child.ts")],
    outfile: childBundle,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
  });
}

function fresh(mode: string, root: string): ColdRun {
  const output = execFileSync(process.execPath, ["--expose-gc", childBundle, mode, root], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split("\n").pop()!) as ColdRun;
}

/** Cold graph / plain parse, by shape and size, for the summary. */
const ratios: { bodies: Bodies; size: number; ratio: number }[] = [];

function measure(size: number, bodies: Bodies, edits: boolean): void {
  const { files, root } = generateWorkspace(path.join(resultsDir, `ws-${size}-${bodies}`), size, bodies);

  const parses: number[] = [];
  const colds: ColdRun[] = [];
  for (let run = 0; run < runs; run++) {
    parses.push(fresh("parse", root).ms);
    colds.push(fresh("cold", root));
  }
  const parseMs = percentile(parses, 50);
  const cold = [...colds].sort((a, b) => a.ms - b.ms)[Math.floor(colds.length / 2)]!;
  if (cold.assets !== size) throw new Error(`expected ${size} assets, found ${cold.assets}`);
  console.log(
    `${size} assets (${files.length} files, ${bodies} bodies): plain parse ${ms(parseMs)} [${parses.map((v) => v.toFixed(0)).join(", ")}]; ` +
      `cold graph ${ms(cold.ms)} [${colds.map((v) => v.ms.toFixed(0)).join(", ")}] = ${(cold.ms / parseMs).toFixed(2)}x ` +
      `(medians of ${runs} fresh processes); RSS after the cold graph ${cold.rss} MB`,
  );
  console.log(
    `  cold phases: ${Object.entries(cold.phases ?? {})
      .map(([name, value]) => `${name} ${ms(value)}`)
      .join(", ")}`,
  );
  ratios.push({ bodies, size, ratio: cold.ms / parseMs });
  if (!edits) return;

  let started = performance.now();
  const session = new AnalysisSession(root);
  const result = session.analyze();
  const inProcessMs = performance.now() - started;
  const errors = result.graph.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`unexpected diagnostics: ${JSON.stringify(errors.slice(0, 3))}`);
  started = performance.now();
  session.typeCheckJob()!.step();
  const typesMs = performance.now() - started;
  const edges = result.graph.assets.reduce((sum, asset) => sum + asset.deps.length, 0);
  console.log(
    `  in this process: graph ${ms(inProcessMs)} (${edges} edges), all type checks ${ms(typesMs)}; ${memory()}`,
  );

  // One-line edits: add a misspelt string dep and take it out again, in a leaf file and in the hub.
  const leaf = files[Math.floor(files.length / 2)]!;
  const hub = files[0]!;
  for (const [label, file] of [
    ["leaf", leaf],
    ["hub", hub],
  ] as const) {
    const original = fs.readFileSync(file, "utf8");
    const fileIndex = files.indexOf(file);
    const broken = original.replace(`"${assetKey(fileIndex, 3)}",`, `"${assetKey(fileIndex, 3)}", // edited`);
    const misspelt = broken.replace("deps: []", 'deps: ["layer0/a0_00"]');
    if (misspelt === broken) throw new Error(`no empty deps to edit in ${file}`);
    const times: number[] = [];
    const phases = new Map<string, number[]>();
    let sawUnknown = 0;
    for (let i = 0; i < editCount; i++) {
      const wrong = i % 2 === 0;
      const t0 = performance.now();
      session.setFileText(file, wrong ? misspelt : original);
      const edited = session.analyze();
      times.push(performance.now() - t0);
      for (const [name, value] of Object.entries(edited.phases))
        phases.set(name, [...(phases.get(name) ?? []), value]);
      if (wrong && edited.graph.diagnostics.some((d) => d.code === "unknown-asset")) sawUnknown++;
    }
    if (sawUnknown !== editCount / 2)
      throw new Error(`the edit's unknown-asset was seen ${sawUnknown} times`);
    // Type checks of the edited file's assets after an edit (the open file goes first).
    session.setFileText(file, `${original}\n`);
    session.analyze();
    const typeStart = performance.now();
    const typeJob = session.typeCheckJob([file])!;
    const own = session.lastResult!.records.filter((record) => record.call.file === file).length;
    for (let checked = 0; checked < own && !typeJob.done; checked++) typeJob.step(0);
    const ownTypesMs = performance.now() - typeStart;
    session.setFileText(file, original);
    session.analyze();
    console.log(
      `  edit in the ${label} file, ${editCount} edits: diagnostics p50 ${ms(percentile(times, 50))}, ` +
        `p95 ${ms(percentile(times, 95))}, max ${ms(Math.max(...times))}; type checks of the edited file ${ms(ownTypesMs)}`,
    );
    console.log(
      `    median phases: ${[...phases].map(([name, values]) => `${name} ${ms(percentile(values, 50))}`).join(", ")}`,
    );
  }

  const before = memory();
  const original = fs.readFileSync(leaf, "utf8");
  let after100 = "";
  for (let i = 0; i < memEdits; i++) {
    session.setFileText(leaf, i % 2 === 0 ? `${original}\n// edit ${i}\n` : original);
    session.analyze();
    if (i === 99) after100 = memory();
  }
  console.log(`  memory: ${before} before the edits; ${after100} after 100; ${memory()} after ${memEdits}`);
}

{
  bundleChild();
  const sizes = args.filter((arg, i) => /^\d+$/.test(arg) && !args[i - 1]?.startsWith("--")).map(Number);
  if (sizes.length === 0) sizes.push(100, 1000, 5000, 20000);
  const editSize = sizes.includes(5000) ? 5000 : Math.max(...sizes.filter((size) => size <= 5000));
  // The edits and memory are measured once, on the first shape.
  for (const shape of shapes)
    for (const size of sizes) measure(size, shape, shape === shapes[0] && size === editSize);
  console.log("cold graph / plain parse (target <= 3x):");
  for (const shape of shapes) {
    const mine = ratios.filter((entry) => entry.bodies === shape);
    const over = mine.filter((entry) => entry.ratio > 3).map((entry) => entry.size.toLocaleString("en"));
    console.log(
      `  ${shape} bodies: ${mine.map((entry) => `${entry.size.toLocaleString("en")} ${entry.ratio.toFixed(2)}x`).join(", ")}; ` +
        (over.length === 0 ? "within the target at every size" : `above it at ${over.join(", ")}`),
    );
  }
}
