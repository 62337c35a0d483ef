// Bundles every part of Assetline with esbuild. Type checking is separate: `npm run typecheck`.
//   node scripts/build.mjs            build once
//   node scripts/build.mjs --watch    rebuild on change
//   node scripts/build.mjs --minify   production bundles (used by `npm run package`)
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes("--watch");
const minify = process.argv.includes("--minify");

const common = {
  absWorkingDir: root,
  bundle: true,
  minify,
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
};

const node = { ...common, platform: "node", target: "node20", format: "cjs" };

/** @type {import("esbuild").BuildOptions[]} */
const builds = [
  // The VS Code extension's client: `vscode` is provided by the extension host.
  {
    ...node,
    entryPoints: { extension: "client/src/extension.ts" },
    outdir: "dist/client",
    external: ["vscode"],
  },
  // The language server, a separate Node process started by the client.
  { ...node, entryPoints: { server: "server/src/server.ts" }, outdir: "dist/server" },
  // The lineage webview: a browser script loaded under a strict CSP.
  {
    ...common,
    platform: "browser",
    target: "es2022",
    format: "iife",
    entryPoints: { lineage: "webview/src/main.ts" },
    outdir: "dist/webview",
  },
  // The `assetline` library users import, and its command line. Node built-ins and the
  // library's own dependencies stay external so that users' installs provide them.
  {
    ...node,
    entryPoints: { index: "sdk/src/index.ts", cli: "sdk/src/cli/main.ts" },
    outdir: "sdk/dist",
    external: ["ts-morph", "@ts-morph/common", "tsx", "tsx/*"],
  },
  // The end-to-end suite that VS Code's extension host loads (test/e2e; extensionTestsPath).
  // Mocha is bundled in, so the suite loads in any extension host (code-server or Electron).
  {
    ...node,
    entryPoints: { suite: "test/e2e/suite/index.ts" },
    outdir: "out/e2e",
    external: ["vscode"],
    // mocha's parallel mode (unused here) resolves worker files at run time.
    logOverride: { "require-resolve-not-external": "silent" },
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log("esbuild: watching for changes");
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`esbuild: built client, server, webview, sdk and e2e suite in ${Date.now() - started} ms`);
}
