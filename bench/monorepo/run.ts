/**
 * The analysis must scale with the pipeline, not with the repository around it.
 *   node --import tsx bench/monorepo/run.ts [--files 5000] [--pipeline-files 100] [--runs 3] [--repo DIR --pipeline SUBDIR]...
 *
 * A generated monorepo (packages of ordinary TypeScript that never import assetline, among them
 * a large module that decodes data at its top level and a parser fixture with half-typed
 * imports; a pipeline folder with its assets outside the tsconfig's `include`), and any real
 * repositories given with --repo (a checkout with a pipeline added under --pipeline). For each:
 * - the baseline: a plain parse (`ts.createSourceFile`) of every `.ts` file of the repository;
 * - `assetline graph --json` rooted at the pipeline folder and at the repository, each the
 *   median of fresh processes, and the ratio of the two (target: within 1.5x);
 * - the language server with the repository as its workspace folder: from `initialized` and the
 *   pipeline file's didOpen to its first diagnostics (target: under 1 s).
 * The generated repository is written under $TMPDIR/assetline-bench/ (outside this repository).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { TestClient, uriOf } from "../../test/lsp/client";

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const plainFiles = option("--files", 5000);
const pipelineFiles = option("--pipeline-files", 100);
const runs = option("--runs", 3);
const repoRoot = path.resolve(__dirname, "..", "..");
const cli = path.join(repoRoot, "sdk", "bin", "assetline.js");

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A monorepo: `files` modules of ordinary code in packages, and a pipeline under data/pipelines. */
function generate(dir: string, files: number, pipeline: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write(
    "package.json",
    JSON.stringify({ name: "mono", private: true, dependencies: { assetline: "*" } }, null, 2),
  );
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: { strict: true, module: "ESNext", moduleResolution: "Bundler" },
      include: ["packages"],
    }),
  );
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "sdk"), path.join(dir, "node_modules", "assetline"), "dir");
  const perPackage = 100;
  for (let i = 0; i < files; i++) {
    const pkg = `pkg${Math.floor(i / perPackage)}`;
    const index = i % perPackage;
    const imports =
      index > 0 ? `import { Model${index - 1}, helper${index - 1} } from "./module${index - 1}";\n` : "";
    const uses = index > 0 ? `  readonly parent = new Model${index - 1}();\n` : "";
    write(
      `packages/${pkg}/src/module${index}.ts`,
      `${imports}export interface Row${index} { id: number; name: string; tags: string[] }\n` +
        `export class Model${index} {\n${uses}  private rows: Row${index}[] = [];\n` +
        `  add(row: Row${index}): void { this.rows.push(row); }\n` +
        `  find(id: number): Row${index} | undefined { return this.rows.find((row) => row.id === id); }\n}\n` +
        `export function helper${index}(values: number[]): number {\n  let total = 0;\n` +
        `  for (const value of values) total += value * ${index};\n  return total;\n}\n` +
        `export const table${index} = Array.from({ length: 200 }, (_, n) => ({ id: n, name: "row" + n }));\n`,
    );
  }
  // Data decoded at the top level (the shape of a bundled wasm decoder) and a parser fixture.
  write(
    "packages/pkg0/src/decoder.ts",
    `const data = "${"QUJDRA".repeat(150_000)}";\nexport const bytes: number[] = [];\n` +
      `for (let i = 0; i < data.length; i++) bytes.push(data.charCodeAt(i) ^ 42);\n`,
  );
  write("packages/pkg0/fixtures/half-typed.ts", "import * as \nconst broken = 1;\n");
  for (let i = 0; i < pipeline; i++) {
    const upstream = i > 0 ? `import { asset${i - 1}a } from "./file${i - 1}";\n` : "";
    const deps = i > 0 ? `deps: [asset${i - 1}a], ` : "";
    const typo = i === pipeline - 1 ? `, "pipe/file0_b_typo"` : "";
    write(
      `data/pipelines/src/file${i}.ts`,
      `import { asset, check } from "assetline";\n${upstream}` +
        `export const asset${i}a = asset("pipe/file${i}_a", { ${deps}group: "g${i % 5}" }, async () => [{ id: ${i} }]);\n` +
        `export const asset${i}b = asset("pipe/file${i}_b", { ins: { rows: asset${i}a }, deps: ["pipe/file0_a"${typo}] }, async (_ctx, { rows }) => rows.length);\n` +
        `export const check${i} = check(asset${i}b, "positive", async (_ctx, count) => ({ passed: count > 0 }));\n`,
    );
  }
}

/** The `.ts` files of a repository, as a plain walk finds them (no node_modules, no hidden folders). */
function tsFiles(dir: string): string[] {
  const result: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) result.push(full);
    }
  };
  walk(dir);
  return result;
}

/** A plain parse of every file, in a fresh process (read + `ts.createSourceFile`). */
function plainParse(dir: string): number {
  const list = path.join(os.tmpdir(), `assetline-bench-files-${process.pid}.json`);
  fs.writeFileSync(list, JSON.stringify(tsFiles(dir)));
  const script = `
    const { ts } = require("ts-morph"); const fs = require("node:fs");
    const files = JSON.parse(fs.readFileSync(${JSON.stringify(list)}, "utf8"));
    const started = performance.now();
    for (const file of files) ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    console.log(performance.now() - started);`;
  const out = spawnSync(process.execPath, ["-e", script], { cwd: repoRoot, encoding: "utf8" });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout.trim());
}

/** `assetline graph --json --root DIR` in a fresh process: wall time, assets and diagnostics. */
function graph(root: string): { ms: number; assets: number; diagnostics: string[] } {
  const started = performance.now();
  const out = spawnSync(process.execPath, [cli, "graph", "--json", "--root", root], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    timeout: 300_000,
  });
  const ms = performance.now() - started;
  if (out.error) throw new Error(`assetline graph --root ${root}: ${out.error.message}`);
  const parsed = JSON.parse(out.stdout) as {
    assets: unknown[];
    diagnostics: { file: string; code: string }[];
  };
  return {
    ms,
    assets: parsed.assets.length,
    diagnostics: parsed.diagnostics.map((d) => `${d.file} ${d.code}`),
  };
}

/** The server with `folder` as its workspace: from initialized + didOpen to the file's first diagnostics. */
async function firstDiagnostics(folder: string, file: string): Promise<number> {
  const client = TestClient.start();
  try {
    await client.initialize(folder);
    const uri = uriOf(file);
    const started = performance.now();
    const published = client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === uri,
      120_000,
    );
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "typescript", version: 1, text: fs.readFileSync(file, "utf8") },
    });
    await published;
    return performance.now() - started;
  } finally {
    await client.stop();
  }
}

async function measure(name: string, repo: string, pipelineDir: string, pipelineFile: string): Promise<void> {
  console.log(`\n${name}: ${tsFiles(repo).length} .ts files`);
  const parse = median(Array.from({ length: runs }, () => plainParse(repo)));
  console.log(`  baseline, plain parse of every file: ${seconds(parse)}`);
  const atPipeline = Array.from({ length: runs }, () => graph(pipelineDir));
  const atRepo = Array.from({ length: runs }, () => graph(repo));
  const pipelineMs = median(atPipeline.map((run) => run.ms));
  const repoMs = median(atRepo.map((run) => run.ms));
  console.log(
    `  graph rooted at the pipeline:   ${seconds(pipelineMs)} (${atPipeline[0]!.assets} assets, ${atPipeline[0]!.diagnostics.length} diagnostics)`,
  );
  console.log(
    `  graph rooted at the repository: ${seconds(repoMs)} (${atRepo[0]!.assets} assets, ${atRepo[0]!.diagnostics.length} diagnostics: ${atRepo[0]!.diagnostics.join("; ")})`,
  );
  console.log(
    `  ratio repository / pipeline: ${(repoMs / pipelineMs).toFixed(2)}x (target <= 1.5x); repository / plain parse: ${(repoMs / parse).toFixed(2)}x`,
  );
  // The file to open: one the analysis reports on (a server publishes nothing for a clean file).
  const reported = atRepo[0]!.diagnostics.find((line) => line.startsWith(path.relative(repo, pipelineDir)));
  if (reported) pipelineFile = path.join(repo, reported.split(" ")[0]!);
  const lsp = median(await sequence(runs, () => firstDiagnostics(repo, pipelineFile)));
  console.log(
    `  language server, first diagnostics on opening ${path.relative(repo, pipelineFile)}: ${seconds(lsp)} (target < 1 s)`,
  );
}

async function sequence<T>(count: number, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await run());
  return results;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(repoRoot, "sdk", "dist", "cli.js")))
    throw new Error("build first: node scripts/build.mjs");
  const dir = path.join(os.tmpdir(), "assetline-bench", "monorepo");
  generate(dir, plainFiles, pipelineFiles);
  const pipelineDir = path.join(dir, "data", "pipelines");
  await measure(
    `generated monorepo (${plainFiles} files without assets, ${pipelineFiles} with)`,
    dir,
    pipelineDir,
    path.join(pipelineDir, "src", `file${pipelineFiles - 1}.ts`),
  );
  for (let index = args.indexOf("--repo"); index >= 0; index = args.indexOf("--repo", index + 1)) {
    const repo = path.resolve(args[index + 1]!);
    const sub = args[args.indexOf("--pipeline", index) + 1] ?? "data/pipelines";
    const pipelineDirOf = path.join(repo, sub);
    const first = tsFiles(pipelineDirOf)[0];
    if (!first) throw new Error(`no .ts file under ${pipelineDirOf}`);
    await measure(path.basename(repo), repo, pipelineDirOf, first);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
