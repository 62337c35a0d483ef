/** Helpers of the end-to-end suite that do not depend on the extension under test. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { AssetGraph } from "@assetline/core";

/** The opened workspace folder: the throwaway copy of examples/shop. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder)
    throw new Error("VS Code has no workspace folder open; the launcher must open the example workspace.");
  return folder.uri.fsPath;
}

/**
 * The project's `assetline` command line: its installed package's `bin`, looked up from the
 * project root upwards as Node resolves it (an npm workspace hoists it to the repository root).
 */
export function findCli(root: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const manifestPath = path.join(dir, "node_modules", "assetline", "package.json");
    if (fs.existsSync(manifestPath)) {
      const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
        bin?: string | Record<string, string>;
      };
      const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.["assetline"];
      if (!bin) throw new Error(`${manifestPath} declares no 'assetline' bin.`);
      return path.join(path.dirname(manifestPath), bin);
    }
    if (path.dirname(dir) === dir)
      throw new Error(`no 'assetline' package is installed for ${root}: link or install it first.`);
  }
}

/** `assetline ARGS --root ROOT` with the workspace's own CLI; its stdout (throws on a non-zero exit). */
export function runCli(root: string, args: string[]): string {
  const result = spawnSync(process.execPath, [findCli(root), ...args, "--root", root], {
    cwd: root,
    // In VS Code desktop process.execPath is Electron: make it behave as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `assetline ${args.join(" ")} exited ${result.status}: ${result.stderr || String(result.error)}`,
    );
  }
  return result.stdout;
}

/** `assetline graph --json --root ROOT`: the static graph the editor should show. */
export function loadStaticGraph(root: string): AssetGraph {
  return JSON.parse(runCli(root, ["graph", "--json"])) as AssetGraph;
}

/** Files under ROOT/.assetline/storage modified at or after `since` (ms), relative to ROOT. */
/** Every stored file of the workspace and its modification time (what a write would change). */
export function storageTimes(root: string): Record<string, number> {
  const times: Record<string, number> = {};
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else times[path.relative(root, full)] = fs.statSync(full).mtimeMs;
    }
  };
  walk(path.join(root, ".assetline", "storage"));
  return times;
}

export function findStorageFilesSince(root: string, since: number): string[] {
  const storage = path.join(root, ".assetline", "storage");
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      // mtime has a coarser resolution than Date.now() on some file systems: allow 1 s.
      else if (fs.statSync(full).mtimeMs >= since - 1000)
        found.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(storage);
  return found;
}

/**
 * Where the runs started since `since` stored `key`'s value: the `output.path` of its
 * `asset_success` events in ROOT/.assetline/runs/<run>/events.ndjson (relative to ROOT; an IO
 * manager may add a `#table` fragment to a file path).
 */
export function recordedOutputs(root: string, since: number, key: string): string[] {
  const runs = path.join(root, ".assetline", "runs");
  if (!fs.existsSync(runs)) return [];
  const outputs: string[] = [];
  for (const run of fs.readdirSync(runs)) {
    const events = path.join(runs, run, "events.ndjson");
    if (!fs.existsSync(events) || fs.statSync(events).mtimeMs < since - 1000) continue;
    for (const line of fs.readFileSync(events, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as {
        type?: string;
        time?: string;
        key?: string;
        output?: { path?: string };
      };
      // A run that started before `since` is another run (its log may still have been written later).
      if (event.type === "run_start" && Date.parse(event.time ?? "") < since) break;
      if (event.type === "asset_success" && event.key === key && typeof event.output?.path === "string") {
        outputs.push(event.output.path);
      }
    }
  }
  return outputs;
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${message} (after ${Math.round(ms / 1000)} s)`)),
      Math.max(0, ms),
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Asks the launcher (test/e2e/launch.mjs, which drives the browser showing this workbench) to
 * look at (or act on) the page: take a screenshot and report what it sees. Writes
 * NNN-NAME.request.json into ASSETLINE_E2E_HANDSHAKE and resolves with NNN-NAME.response.json. Resolves undefined when no
 * launcher is watching (VS Code desktop through @vscode/test-electron).
 */
let requests = 0;

export async function askLauncher(
  name: string,
  data: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const dir = process.env["ASSETLINE_E2E_HANDSHAKE"];
  if (!dir) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  // Numbered, so that the same request can be made twice (the launcher answers each file once).
  const id = `${String(++requests).padStart(3, "0")}-${name}`;
  const response = path.join(dir, `${id}.response.json`);
  fs.rmSync(response, { force: true });
  const answered = new Promise<void>((resolve) => {
    const watcher = fs.watch(dir, () => {
      if (!fs.existsSync(response)) return;
      watcher.close();
      resolve();
    });
  });
  const request = path.join(dir, `${id}.request.json`);
  fs.writeFileSync(`${request}.tmp`, JSON.stringify(data));
  fs.renameSync(`${request}.tmp`, request);
  await withDeadline(answered, 60_000, `the launcher did not answer the '${name}' request`);
  const body = JSON.parse(fs.readFileSync(response, "utf8")) as Record<string, unknown>;
  if (typeof body["error"] === "string")
    throw new Error(`the launcher could not check '${name}': ${body["error"]}`);
  return body;
}
