// Bundles every part of Assetline with esbuild. Type checking is separate: `npm run typecheck`.
//   node scripts/build.mjs            build once
//   node scripts/build.mjs --watch    rebuild on change
//   node scripts/build.mjs --minify   production bundles (used by `npm run package`)
//   node scripts/build.mjs --package core|analysis|sdk
//                                     one publishable package: its JavaScript and its .d.ts
//                                     (what `npm pack` ships; the packages' prepack runs it)
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes("--watch");
const minify = process.argv.includes("--minify");
const onlyPackage = process.argv.includes("--package")
  ? process.argv[process.argv.indexOf("--package") + 1]
  : undefined;

const common = {
  absWorkingDir: root,
  bundle: true,
  minify,
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
  // Our packages' exports point this condition at their TypeScript sources, so bundles (and
  // the type checker, tsconfig.base.json's customConditions) read the sources, not a stale dist.
  conditions: ["assetline-source"],
};

const node = { ...common, platform: "node", target: "node20", format: "cjs" };

/**
 * The publishable packages, each bundled on its own into its dist/ (one file per entry), with
 * its dependencies, our other packages included, left for the user's install to provide.
 * @returns {import("esbuild").BuildOptions[]}
 */
function packageBuilds() {
  const ours = ["@assetline/core", "@assetline/analysis"];
  return [
    // The pure core: keys, graph contract, selection language, durations, run records.
    { ...node, entryPoints: { index: "core/src/index.ts" }, outdir: "core/dist" },
    // The static analysis: ts-morph stays a dependency.
    {
      ...node,
      entryPoints: { index: "analysis/src/index.ts" },
      outdir: "analysis/dist",
      external: [...ours, "ts-morph", "@ts-morph/common"],
    },
    // The `assetline` library users import, its command line, and the editors' launcher.
    {
      ...node,
      entryPoints: {
        index: "sdk/src/index.ts",
        cli: "sdk/src/cli/main.ts",
        launch: "sdk/src/launch/index.ts",
      },
      outdir: "sdk/dist",
      external: [...ours, "tsx", "tsx/*"],
    },
  ].map((options) => ({ ...options, packageName: options.outdir.split("/")[0] }));
}

if (onlyPackage) {
  const build = packageBuilds().find((options) => options.packageName === onlyPackage);
  if (!build) throw new Error(`--package ${onlyPackage}: not one of core, analysis, sdk.`);
  const { packageName, ...options } = build;
  await esbuild.build({ ...options, minify: true, sourcemap: false });
  // The declarations: tsc -b of the package (and of what it references).
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-b", path.join(root, packageName)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}

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
  ...packageBuilds(),
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
  const contexts = await Promise.all(
    builds.map(({ packageName: _, ...options }) => esbuild.context(options)),
  );
  await Promise.all(contexts.map((context) => context.watch()));
  console.log("esbuild: watching for changes");
} else {
  const started = Date.now();
  await Promise.all(builds.map(({ packageName: _, ...options }) => esbuild.build(options)));
  console.log(
    `esbuild: built client, server, webview, core, analysis, sdk and e2e suite in ${Date.now() - started} ms`,
  );
}
