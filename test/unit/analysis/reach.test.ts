import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AnalysisSession, analyzeProject } from "../../../analysis/src/index";
import { installFakeLibrary } from "../../support/fake-library.cjs";

/**
 * The analysis reads the files that can reach the library (those naming it, and their importers
 * through the module graph) and what they import; the rest of a repository is never analysed,
 * wherever tsconfig's `include` points.
 */
describe("analysis: only the files that can reach assetline (a pipeline inside a larger repository)", function () {
  this.timeout(60_000);
  const roots: string[] = [];
  after(function () {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  function repository(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-reach-"));
    roots.push(root);
    installFakeLibrary(root);
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), text);
    }
    return root;
  }

  const pipeline = {
    // The repository's own tsconfig does not include the pipeline folder.
    "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true }, include: ["packages"] }),
    "data/pipelines/src/lib.ts":
      'export { asset as define } from "assetline";\nexport const PREFIX = "raw";\n',
    "data/pipelines/src/ingest.ts":
      'import { asset } from "assetline";\nimport { slug } from "../../../packages/util/src/strings";\n' +
      'export const orders = asset(`ingest/${slug("Raw Orders")}`, {}, () => [1]);\n',
    // Reaches the library only through a local module that re-exports it.
    "data/pipelines/src/report.ts":
      'import { define, PREFIX } from "./lib";\nexport const report = define(`report/${PREFIX}`, { deps: ["ingest/raw_orders", "ingest/raw_ordrs"] }, () => 1);\n',
    "packages/util/src/strings.ts":
      'export function slug(text: string): string {\n  return text.toLowerCase().split(" ").join("_");\n}\n',
    // Ordinary code that never reaches the library: a runaway top level, a syntax error.
    "packages/app/src/decoder.ts": "export const bytes: number[] = [];\nwhile (true) bytes.push(1);\n",
    "packages/app/src/broken.ts": "export function (\n",
    "packages/app/fixtures/half.ts": "import * as \nconst x = 1;\n",
  };

  it("finds a pipeline outside tsconfig's include, through a re-exporting module, with what it imports evaluated", function () {
    const root = repository(pipeline);
    const graph = analyzeProject(root, { types: false });
    assert.deepEqual(graph.assets.map((asset) => asset.key).sort(), ["ingest/raw_orders", "report/raw"]);
    assert.deepEqual(
      graph.diagnostics.map((diagnostic) => `${diagnostic.file} ${diagnostic.code}`),
      ["data/pipelines/src/report.ts unknown-asset"],
      "nothing is reported on code that cannot reach the library",
    );
  });

  it("a pipeline wholly outside tsconfig's include is compiled with the default options, not the repository's", function () {
    const root = repository({
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: false }, include: ["packages"] }),
      "packages/app/src/index.ts": "export const app = 1;\n",
      "data/pipelines/src/typed.ts":
        'import { asset } from "assetline";\n' +
        'export const maybe = asset("x/maybe", {}, (): number | undefined => 1);\n' +
        'export const sum = asset("x/sum", { ins: { n: maybe } }, (_ctx, { n }: { n: number }) => n + 1);\n',
    });
    const graph = analyzeProject(root);
    assert.deepEqual(
      graph.diagnostics.map((diagnostic) => `${diagnostic.file}:${diagnostic.line} ${diagnostic.code}`),
      ["data/pipelines/src/typed.ts:3 input-type-mismatch"],
      "strict null checks (the defaults) find the mismatch the repository's non-strict options would hide",
    );
  });

  it("a file that starts importing the library (or a pipeline module) joins; one that does not stays out", function () {
    const root = repository(pipeline);
    const session = new AnalysisSession(root);
    assert.equal(session.analyze().graph.assets.length, 2);
    const other = path.join(root, "packages", "app", "src", "other.ts");
    fs.writeFileSync(other, "export const n = 1;\n");
    assert.equal(
      session.fileChangedOnDisk(other),
      false,
      "a file that cannot reach the library is not analysed",
    );
    assert.equal(session.setFileText(other, "export const n = 2;\nwhile (true) n;\n"), false);
    assert.equal(
      session.setFileText(
        other,
        'import { PREFIX } from "../../../data/pipelines/src/lib";\nimport { asset } from "assetline";\nexport const made = asset("app/made", {}, () => PREFIX);\n',
      ),
      true,
    );
    assert.ok(session.analyze().graph.assets.some((asset) => asset.key === "app/made"));
  });

  it("an unsaved buffer of a file the pipeline starts importing is what the analysis reads", function () {
    const root = repository(pipeline);
    const session = new AnalysisSession(root);
    session.analyze();
    const names = path.join(root, "packages", "util", "src", "names.ts");
    fs.writeFileSync(names, 'export const NAME = "on_disk";\n');
    session.setFileText(names, 'export const NAME = "unsaved";\n');
    const ingest = path.join(root, "data", "pipelines", "src", "ingest.ts");
    session.setFileText(
      ingest,
      'import { asset } from "assetline";\nimport { NAME } from "../../../packages/util/src/names";\nexport const orders = asset(`ingest/${NAME}`, {}, () => [1]);\n',
    );
    assert.ok(
      session.analyze().graph.assets.some((asset) => asset.key === "ingest/unsaved"),
      JSON.stringify(session.lastResult?.graph.assets.map((asset) => asset.key)),
    );
  });
});
