// Runner benchmark: the runner's own overhead per asset, and `assetline materialize` start-up.
//
//   npm run build && node bench/runner/runner.bench.mjs [assets=1000] [startupRuns=10]
//
// 1. Overhead: 1,000 trivial assets (a layered DAG, 0-2 inputs each) run by `materialize()` of the
//    built library (sdk/dist/index.js), against plain Node calling the same compute functions in
//    dependency order. Measured with in-memory IO and no records (the runner itself), and with the
//    defaults (JSON files + event log + index: what a user gets).
// 2. Start-up: `assetline materialize` of one trivial asset vs bare `tsx` running the same file.
// Targets: overhead < 1 ms/asset, start-up < 2x bare tsx. Results also go to bench/results/runner.json.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const distIndex = path.join(root, "sdk", "dist", "index.js");
if (!fs.existsSync(distIndex)) {
  console.error("sdk/dist/index.js is missing: run `npm run build` first.");
  process.exit(2);
}
const lib = require(distIndex);
const size = Number(process.argv[2] ?? 1000);
const startupRuns = Number(process.argv[3] ?? 10);

function pipeline(n, seed = 7) {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const assets = [];
  const fns = [];
  for (let i = 0; i < n; i++) {
    const ins = {};
    if (i > 0) ins.a = assets[Math.floor(random() * i)];
    if (i > 1 && random() < 0.5) ins.b = assets[Math.floor(random() * i)];
    const fn = (_ctx, inputs) => (inputs.a ?? 0) + (inputs.b ?? 0) + 1;
    fns.push({ fn, ins: Object.fromEntries(Object.entries(ins).map(([k, v]) => [k, assets.indexOf(v)])) });
    assets.push(lib.asset(`bench/layer${Math.floor((i * 20) / n)}/a${i}`, { ins }, fn));
  }
  return { assets, fns };
}

function plain(fns) {
  const values = new Array(fns.length);
  const ctx = { log: { info() {}, warn() {}, error() {} } };
  for (let i = 0; i < fns.length; i++) {
    const inputs = {};
    for (const [name, index] of Object.entries(fns[i].ins)) inputs[name] = values[index];
    values[i] = fns[i].fn(ctx, inputs);
  }
  return values;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function overhead() {
  const { assets, fns } = pipeline(size);
  const definitions = lib.collectDefinitions(assets);
  const keys = definitions.assets.map((a) => a.key);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-bench-"));
  const results = { plainMs: [], memoryMs: [], defaultsMs: [] };
  for (let round = 0; round < 5; round++) {
    let t = performance.now();
    plain(fns);
    results.plainMs.push(performance.now() - t);

    t = performance.now();
    const r1 = await lib.materialize({
      root: tmp,
      definitions,
      keys,
      defaultIO: lib.memoryIOManager(),
      record: false,
      concurrency: 1,
    });
    results.memoryMs.push(performance.now() - t);
    if (r1.status !== "success") throw new Error("memory run failed");

    t = performance.now();
    const r2 = await lib.materialize({ root: tmp, definitions, keys, concurrency: 1 });
    results.defaultsMs.push(performance.now() - t);
    if (r2.status !== "success") throw new Error("default run failed");
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  const plainMs = median(results.plainMs);
  const memoryMs = median(results.memoryMs);
  const defaultsMs = median(results.defaultsMs);
  return {
    assets: size,
    plainMs: +plainMs.toFixed(3),
    runnerMemoryMs: +memoryMs.toFixed(1),
    runnerDefaultsMs: +defaultsMs.toFixed(1),
    overheadPerAssetMs: +((memoryMs - plainMs) / size).toFixed(4),
    overheadPerAssetWithRecordsMs: +((defaultsMs - plainMs) / size).toFixed(4),
  };
}

function startup() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-bench-start-"));
  fs.mkdirSync(path.join(tmp, "src"));
  fs.mkdirSync(path.join(tmp, "node_modules"));
  fs.symlinkSync(path.join(root, "sdk"), path.join(tmp, "node_modules", "assetline"), "dir");
  fs.writeFileSync(
    path.join(tmp, "src", "definitions.ts"),
    `import { asset } from "assetline";\nexport const one = asset("bench/one", {}, () => 1);\nif (process.env.BARE) console.log((one.compute as () => number)());\n`,
  );
  const cli = path.join(root, "sdk", "bin", "assetline.js");
  const tsxCli = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const tsxCjs = path.join(root, "node_modules", "tsx", "dist", "cjs", "index.cjs");
  const tsxLoader = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const time = (args, env = {}) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, {
      cwd: tmp,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return performance.now() - t;
  };
  const bare = [];
  const bareImport = [];
  const bareRequire = [];
  const assetline = [];
  const bareNode = [];
  time([cli, "materialize", "--select", "bench/one", "--root", tmp]); // warm the disk cache and tsx's cache
  time([tsxCli, "src/definitions.ts"], { BARE: "1" });
  for (let i = 0; i < startupRuns; i++) {
    bareNode.push(time(["-e", "0"]));
    bare.push(time([tsxCli, "src/definitions.ts"], { BARE: "1" }));
    bareImport.push(time(["--import", tsxLoader, "src/definitions.ts"], { BARE: "1" }));
    bareRequire.push(time(["--require", tsxCjs, "src/definitions.ts"], { BARE: "1" }));
    assetline.push(time([cli, "materialize", "--select", "bench/one", "--root", tmp]));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  // Baseline: the fastest bare tsx start: `tsx file.ts` (starts a second Node process),
  // `node --import tsx file.ts` (ES module hooks) or `node --require tsx/cjs file.ts` (CommonJS
  // hooks only, the mechanism the assetline CLI uses).
  const b = Math.min(median(bare), median(bareImport), median(bareRequire));
  const a = median(assetline);
  return {
    runs: startupRuns,
    bareNodeMs: +median(bareNode).toFixed(1),
    tsxCliMs: +median(bare).toFixed(1),
    nodeImportTsxMs: +median(bareImport).toFixed(1),
    nodeRequireTsxCjsMs: +median(bareRequire).toFixed(1),
    assetlineMaterializeMs: +a.toFixed(1),
    ratio: +(a / b).toFixed(2),
  };
}

const o = await overhead();
console.log(`overhead: ${o.assets} trivial assets`);
console.log(`  plain node calls         ${o.plainMs} ms`);
console.log(
  `  runner, memory IO        ${o.runnerMemoryMs} ms  -> ${o.overheadPerAssetMs} ms/asset overhead (target < 1)`,
);
console.log(
  `  runner, defaults (files + event log + index)  ${o.runnerDefaultsMs} ms  -> ${o.overheadPerAssetWithRecordsMs} ms/asset`,
);
const s = startup();
console.log(`start-up (median of ${s.runs}):`);
console.log(`  node -e 0                ${s.bareNodeMs} ms`);
console.log(`  tsx file.ts              ${s.tsxCliMs} ms`);
console.log(`  node --import tsx file   ${s.nodeImportTsxMs} ms`);
console.log(`  node -r tsx/cjs file     ${s.nodeRequireTsxCjsMs} ms`);
console.log(
  `  assetline materialize    ${s.assetlineMaterializeMs} ms  -> ${s.ratio}x (target < 2x the faster bare tsx)`,
);
fs.mkdirSync(path.join(root, "bench", "results"), { recursive: true });
fs.writeFileSync(
  path.join(root, "bench", "results", "runner.json"),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      overhead: o,
      startup: s,
    },
    null,
    2,
  ) + "\n",
);
