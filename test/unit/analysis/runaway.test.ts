import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyzeProject } from "../../../server/src/analysis/index";
import { installFakeLibrary } from "../../support/fake-library.cjs";

/**
 * Code the evaluator must give up on without hanging or running out of memory: endless loops,
 * lists and strings that double each pass, a huge padding. Each stops at the step budget with
 * an info diagnostic on the statement; the module's other assets stay in the graph.
 */
const RUNAWAYS: Record<string, string> = {
  "endless loop": "let n = 0;\nwhile (true) n++;",
  "a list doubling": "let list = [1];\nfor (;;) list = [...list, ...list];",
  "a string doubling": 'let text = "x";\ndo { text += text; } while (true);',
  "a huge padding": 'const padded = "x".padStart(1e9);',
};

describe("analyzeProject: runaway evaluation stops at the budget", function () {
  this.timeout(60_000);
  const roots: string[] = [];

  after(function () {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  for (const [name, code] of Object.entries(RUNAWAYS)) {
    it(`${name}: an info on the statement, the other assets kept`, function () {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-runaway-"));
      roots.push(root);
      fs.mkdirSync(path.join(root, "src"));
      installFakeLibrary(root);
      fs.writeFileSync(path.join(root, "assetline.config.json"), "{}\n");
      const text = [
        'import { asset } from "assetline";',
        'export const before = asset("x/before", {}, () => 1);',
        code,
        'export const after = asset("x/after", { deps: [before] }, () => 1);',
        "",
      ].join("\n");
      fs.writeFileSync(path.join(root, "src", "pipeline.ts"), text);
      const graph = analyzeProject(root);
      assert.deepEqual(graph.assets.map((asset) => asset.key).sort(), ["x/after", "x/before"]);
      assert.deepEqual(graph.assets.find((asset) => asset.key === "x/after")?.deps, ["x/before"]);
      const stopped = graph.diagnostics.filter((diagnostic) => diagnostic.code === "dynamic-asset");
      assert.equal(stopped.length, 1, JSON.stringify(graph.diagnostics));
      assert.equal(stopped[0]!.severity, "info");
      assert.match(stopped[0]!.message, /stopped evaluating this statement/);
      const lastLine = code.split("\n").length + 2;
      assert.ok(stopped[0]!.line >= 3 && stopped[0]!.line <= lastLine, `line ${stopped[0]!.line}`);
    });
  }
});
