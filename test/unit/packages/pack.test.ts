/**
 * The publishable packages work without this repository: each is packed as `npm pack` would
 * publish it, the tarballs are installed into an empty project far from the workspace, and a
 * strict TypeScript project (NodeNext, no @types/node, skipLibCheck off) builds, analyses,
 * checks and materializes a small pipeline with them. Importing `assetline` loads no ts-morph.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PUBLISHED } from "../../support/packages";

const repo = path.resolve(__dirname, "../../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const PIPELINE = `import { asset, check } from "assetline";

export const raw = asset("ingest/raw", { description: "Three numbers." }, () => [1, 2, 3]);
export const doubled = asset("transform/doubled", { ins: { raw } }, (_ctx, { raw }) => raw.map((n) => n * 2));
export const positive = check(doubled, "positive", { blocking: true }, (_ctx, values) => ({
  passed: values.every((n) => n > 0),
}));
`;

/** Lists the module files of a package that a fresh process loaded after importing `specifier`. */
const LOADED = `
const { createRequire } = await import("node:module");
await import(process.argv[1]);
const require = createRequire(import.meta.url);
console.log(JSON.stringify(Object.keys(require.cache)));
`;

function run(cwd: string, command: string, args: string[]): { status: number | null; out: string } {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("publishable packages, installed from their tarballs into an empty project", function () {
  this.timeout(240_000);
  let dir: string;
  let project: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-pack-"));
    const tarballs = path.join(dir, "tarballs");
    fs.mkdirSync(tarballs);
    for (const folder of PUBLISHED) {
      // prepack builds the package's JavaScript and declarations, as publishing would.
      execFileSync(npm, ["pack", "--silent", "--pack-destination", tarballs], {
        cwd: path.join(repo, folder),
      });
    }
    project = path.join(dir, "project");
    fs.mkdirSync(path.join(project, "src"), { recursive: true });
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "fresh-pipeline", version: "1.0.0", private: true, type: "module" }),
    );
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
        },
        include: ["src"],
      }),
    );
    fs.writeFileSync(path.join(project, "src", "pipeline.ts"), PIPELINE);
    const files = fs.readdirSync(tarballs).map((name) => path.join(tarballs, name));
    const install = run(project, npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", ...files]);
    assert.equal(install.status, 0, install.out);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("ships JavaScript and declarations only, no sources and no file from outside the package", function () {
    for (const folder of PUBLISHED) {
      const name = (
        JSON.parse(fs.readFileSync(path.join(repo, folder, "package.json"), "utf8")) as { name: string }
      ).name;
      const installed = path.join(project, "node_modules", ...name.split("/"));
      const shipped = fs.readdirSync(installed, { recursive: true, encoding: "utf8" });
      assert.ok(
        shipped.some((file) => file.endsWith(".d.ts")),
        `${name} ships declarations`,
      );
      assert.deepEqual(
        shipped.filter((file) => /\.ts$/.test(file) && !file.endsWith(".d.ts")),
        [],
        `${name} ships no TypeScript sources`,
      );
    }
  });

  it("type-checks a strict NodeNext project without @types/node", function () {
    const tsc = path.join(repo, "node_modules", "typescript", "bin", "tsc");
    const result = run(project, process.execPath, [tsc, "-p", "."]);
    assert.equal(result.status, 0, result.out);
  });

  it("analyses, checks and materializes the pipeline with the installed command", function () {
    const cli = path.join(project, "node_modules", ".bin", "assetline");
    const graph = run(project, cli, ["graph", "--json"]);
    assert.equal(graph.status, 0, graph.out);
    const parsed = JSON.parse(graph.out) as { assets: { key: string; deps: string[]; checks: string[] }[] };
    assert.deepEqual(
      parsed.assets.map(({ key, deps, checks }) => ({ key, deps, checks })),
      [
        { key: "ingest/raw", deps: [], checks: [] },
        { key: "transform/doubled", deps: ["ingest/raw"], checks: ["positive"] },
      ],
    );
    const check = run(project, cli, ["check"]);
    assert.equal(check.status, 0, check.out);
    const materialize = run(project, cli, ["materialize", "--select", "*"]);
    assert.equal(materialize.status, 0, materialize.out);
    const stored = path.join(project, ".assetline", "storage", "transform", "doubled.json");
    assert.deepEqual(JSON.parse(fs.readFileSync(stored, "utf8")), [2, 4, 6]);
  });

  it("loads no ts-morph when a program imports assetline (and does when it imports the analysis)", function () {
    const loaded = (specifier: string): string[] => {
      const result = run(project, process.execPath, ["--input-type=module", "-e", LOADED, specifier]);
      assert.equal(result.status, 0, result.out);
      return JSON.parse(result.out) as string[];
    };
    const tsMorph = (files: string[]) =>
      files.filter((file) => file.includes(`${path.sep}ts-morph${path.sep}`));
    assert.deepEqual(tsMorph(loaded("assetline")), []);
    // The probe can see ts-morph when it is loaded, so the empty list above means something.
    assert.notDeepEqual(tsMorph(loaded("@assetline/analysis")), []);
  });
});
