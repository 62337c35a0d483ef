/** Helpers for tests that drive the real `assetline` command line on real files. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
export const cliBin = path.join(repoRoot, "sdk", "bin", "assetline.js");
export const exampleDir = path.join(repoRoot, "examples", "shop");

export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(repoRoot, "sdk", "dist", "cli.js"))) {
    throw new Error("sdk/dist/cli.js is missing: run `npm run build` (node scripts/build.mjs) first.");
  }
}

const temps: string[] = [];

/** A temporary pipeline project whose `assetline` import resolves to this repository's sdk. */
export function tempProject(files: Record<string, string> = {}, copyExample = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-test-"));
  temps.push(dir);
  if (copyExample) {
    fs.cpSync(exampleDir, dir, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(exampleDir, src).split(path.sep).join("/");
        return !(
          rel === ".assetline" ||
          rel.startsWith(".assetline/") ||
          rel === "node_modules" ||
          rel === "data/out" ||
          rel.startsWith("data/out/")
        );
      },
    });
  }
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "sdk"), path.join(dir, "node_modules", "assetline"), "dir");
  // The example's own dependencies (installed at the repository root): DuckDB, csv-parse.
  if (copyExample)
    for (const name of ["@duckdb", "csv-parse"])
      fs.symlinkSync(path.join(repoRoot, "node_modules", name), path.join(dir, "node_modules", name), "dir");
  return dir;
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  return spawn(process.execPath, [cliBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ASSETLINE_ENV: undefined, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return collect(startCli(args, options));
}

export function readNdjson<T = Record<string, unknown>>(file: string): T[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

export function onlyRunId(root: string): string {
  const runs = fs.readdirSync(path.join(root, ".assetline", "runs"));
  if (runs.length !== 1) throw new Error(`expected one run, found ${runs.length}`);
  return runs[0]!;
}

/** Resolves with the first stdout line matching `predicate` (a signal to wait for instead of a sleep). */
export function waitForLine(child: ChildProcess, predicate: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (d: Buffer | string): void => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (predicate(line)) {
          child.stdout!.off("data", onData);
          resolve(line);
          return;
        }
      }
    };
    child.stdout!.on("data", onData);
    child.on("close", () => reject(new Error("the process ended before the expected output")));
  });
}
