// Pipes benchmark: what `assetline pipes` adds to a process start, the TypeScript side of a
// Dagster step.
//
//   node scripts/build.mjs && node bench/pipes/pipes.bench.mjs [runs=10] [assets=1]
//
// The same project, the same assets: `assetline materialize --select ...` (the local runner)
// against `assetline pipes` with the bootstrap Dagster's subprocess client gives (context and
// messages files). Medians of wall time per process; target: the Pipes side adds < 50 ms.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(root, "sdk", "bin", "assetline.js");
if (!fs.existsSync(path.join(root, "sdk", "dist", "cli.js"))) {
  console.error("sdk/dist/cli.js is missing: run `node scripts/build.mjs` first.");
  process.exit(2);
}
const runs = Number(process.argv[2] ?? 10);
const assets = Number(process.argv[3] ?? 1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-pipes-bench-"));
fs.mkdirSync(path.join(dir, "src"));
fs.mkdirSync(path.join(dir, "node_modules"));
fs.symlinkSync(path.join(root, "sdk"), path.join(dir, "node_modules", "assetline"), "dir");
fs.writeFileSync(
  path.join(dir, "src", "definitions.ts"),
  `import { asset } from "assetline";
export const rows = Array.from({ length: ${assets} }, (_, i) =>
  asset(\`bench/a\${i}\`, {}, () => Array.from({ length: 100 }, (_, j) => ({ id: j, value: j * 1.5 }))));
`,
);
const keys = Array.from({ length: assets }, (_, i) => `bench/a${i}`);
const encode = (value) => zlib.deflateSync(Buffer.from(JSON.stringify(value))).toString("base64");

function time(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const local = [];
const pipes = [];
const contextFile = path.join(dir, "context.json");
const messagesFile = path.join(dir, "messages.ndjson");
fs.writeFileSync(
  contextFile,
  JSON.stringify({ asset_keys: keys, run_id: "bench", job_name: "bench", retry_number: 0, extras: {} }),
);
const select = keys.map((k) => `key:"${k}"`).join(" or ");
time(["materialize", "--select", select, "--root", dir]); // warm the file cache
for (let i = 0; i < runs; i++) {
  local.push(time(["materialize", "--select", select, "--root", dir]));
  fs.rmSync(messagesFile, { force: true });
  pipes.push(
    time(["pipes", "--root", dir], {
      DAGSTER_PIPES_CONTEXT: encode({ path: contextFile }),
      DAGSTER_PIPES_MESSAGES: encode({ path: messagesFile }),
    }),
  );
}
const messages = fs.readFileSync(messagesFile, "utf8").trim().split("\n").length;
fs.rmSync(dir, { recursive: true, force: true });
const result = {
  runs,
  assets,
  localMedianMs: Math.round(median(local) * 10) / 10,
  pipesMedianMs: Math.round(median(pipes) * 10) / 10,
  pipesOverheadMs: Math.round((median(pipes) - median(local)) * 10) / 10,
  messagesPerRun: messages,
};
console.log(
  `assetline materialize: ${result.localMedianMs} ms, assetline pipes: ${result.pipesMedianMs} ms ` +
    `(median of ${runs}, ${assets} asset(s), ${messages} messages): Pipes adds ${result.pipesOverheadMs} ms per process (target < 50 ms)`,
);
fs.mkdirSync(path.join(root, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench", "results", "pipes.json"), JSON.stringify(result, null, 2) + "\n");
