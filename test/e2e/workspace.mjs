// @ts-check
// Shared by the two launchers of the end-to-end suite (launch.mjs: code-server; run-electron.mjs:
// VS Code desktop): the build check and the throwaway copy of the example pipeline.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Stops a launcher with a message saying what to do. */
export class Fatal extends Error {}

/**
 * Runs `node scripts/build.mjs` when a bundle the run needs is missing or older than its sources.
 * @param {string} root
 * @param {(message: string) => void} [log]
 */
export function ensureBuilt(root, log = console.log) {
  const outputs = [
    "dist/client/extension.js",
    "dist/server/server.js",
    "dist/webview/lineage.js",
    "sdk/dist/cli.js",
    "out/e2e/suite.js",
  ];
  const sources = [
    "client/src",
    "server/src",
    "webview/src",
    "protocol/src",
    "sdk/src",
    "test/e2e/suite",
    "test/support",
  ];
  const oldestOutput = Math.min(...outputs.map((file) => mtime(path.join(root, file))));
  const newestSource = Math.max(...sources.map((dir) => newestMtime(path.join(root, dir))));
  if (oldestOutput >= newestSource) return;
  log("building (node scripts/build.mjs)");
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Fatal("the build failed (node scripts/build.mjs); fix it and run again.");
  for (const file of outputs) {
    if (!fs.existsSync(path.join(root, file))) throw new Fatal(`the build did not produce ${file}.`);
  }
}

/** @param {string} file */
function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** @param {string} dir */
function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, mtime(path.join(entry.parentPath, entry.name)));
  }
  return newest;
}

/**
 * Copies the example pipeline to `workspace` (without installs, run records or outputs) and
 * links its `assetline` dependency to the repository's sdk/, other dependencies to the
 * repository's install.
 * @param {{ root: string, example: string, workspace: string }} where
 */
export function prepareWorkspace({ root, example, workspace }) {
  if (!fs.existsSync(path.join(example, "package.json"))) {
    throw new Fatal(
      `${example}/package.json is missing: the e2e suite runs on the example pipeline (examples/shop).`,
    );
  }
  fs.rmSync(workspace, { recursive: true, force: true });
  const skip = new Set(["node_modules", ".assetline", "dist", "out"]);
  fs.cpSync(example, workspace, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(example, source).split(path.sep);
      if (relative.some((part) => skip.has(part))) return false;
      return !(relative[0] === "data" && relative[1] === "out");
    },
  });
  const modules = path.join(workspace, "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  fs.symlinkSync(path.join(root, "sdk"), path.join(modules, "assetline"), "dir");
  const manifest = JSON.parse(fs.readFileSync(path.join(example, "package.json"), "utf8"));
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    if (name === "assetline") continue;
    const installed = path.join(root, "node_modules", name);
    if (!fs.existsSync(installed)) continue;
    const link = path.join(modules, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(fs.realpathSync(installed), link, "dir");
  }
  // A tsconfig that extends a file of the repository by a relative path must still find it.
  const tsconfigPath = path.join(workspace, "tsconfig.json");
  if (fs.existsSync(tsconfigPath)) {
    const text = fs.readFileSync(tsconfigPath, "utf8");
    const rewritten = text.replace(/("extends"\s*:\s*")(\.{1,2}\/[^"]*)"/, (all, prefix, relative) => {
      const target = path.resolve(example, relative);
      return target.startsWith(example + path.sep) ? all : `${prefix}${target}"`;
    });
    if (rewritten !== text) fs.writeFileSync(tsconfigPath, rewritten);
  }
}
