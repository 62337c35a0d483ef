import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AnalysisSession, analyzeProject } from "../../../analysis/src/index";
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

  it("a file nested too deeply for the parser: an error on it, the other files analysed, and back once fixed", function () {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-deep-"));
    roots.push(root);
    fs.mkdirSync(path.join(root, "src"));
    installFakeLibrary(root);
    fs.writeFileSync(path.join(root, "assetline.config.json"), "{}\n");
    const deep = path.join(root, "src", "deep.ts");
    const nested = (depth: number): string =>
      `import { asset } from "assetline";\nexport const deep = asset("x/deep", { metadata: { v: ${"[".repeat(depth)}${"]".repeat(depth)} } }, () => 1);\n`;
    fs.writeFileSync(deep, nested(20_000));
    fs.writeFileSync(
      path.join(root, "src", "ok.ts"),
      'import { asset } from "assetline";\nexport const ok = asset("x/ok", {}, () => 1);\n',
    );
    const session = new AnalysisSession(root);
    const first = session.analyze().graph;
    assert.deepEqual(
      first.assets.map((asset) => asset.key),
      ["x/ok"],
    );
    assert.deepEqual(
      first.diagnostics.map((diagnostic) => [
        diagnostic.file,
        diagnostic.line,
        diagnostic.severity,
        diagnostic.code,
      ]),
      [["src/deep.ts", 1, "error", "unreadable-file"]],
    );
    assert.match(first.diagnostics[0]!.message, /nested too deeply .* split the deepest value/);
    session.setFileText(deep, nested(3));
    const fixed = session.analyze().graph;
    assert.deepEqual(fixed.assets.map((asset) => asset.key).sort(), ["x/deep", "x/ok"]);
    assert.deepEqual(fixed.diagnostics, []);
  });
});
