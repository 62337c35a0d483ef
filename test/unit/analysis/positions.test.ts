import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ts } from "ts-morph";
import { AnalysisSession } from "../../../analysis/src/index";
import { installFakeLibrary } from "../../support/fake-library.cjs";

/**
 * Positions in the graph (lines and columns) come from the session's own line starts
 * (index.ts, `lineStarts`): they must equal the compiler's for every kind of line break.
 */
describe("AnalysisSession.locate: lines and columns", function () {
  let root: string;
  const texts: Record<string, string> = {
    "unix.ts": 'import { asset } from "assetline";\nexport const a = asset("p/a", {}, () => 1);\n\n// end\n',
    "windows.ts": 'import { asset } from "assetline";\r\nexport const b = asset("p/b", {}, () => 1);\r\n\r\n',
    "carriage-returns.ts":
      'import { asset } from "assetline";\rexport const c = asset("p/c", {}, () => 1);\r\n// x\n',
    "separators.ts": 'import { asset } from "assetline";\u2028export const e = asset("p/e", {}, () => 1);\n',
    "unicode.ts":
      'import { asset } from "assetline";\n// é ✓ 🙂\nexport const d = asset("p/d", {}, () => "✓");\n',
  };

  before(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-positions-"));
    fs.mkdirSync(path.join(root, "src"));
    installFakeLibrary(root);
    fs.writeFileSync(path.join(root, "assetline.config.json"), "{}\n");
    for (const [name, text] of Object.entries(texts)) fs.writeFileSync(path.join(root, "src", name), text);
  });

  after(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("converts every offset as the compiler does", function () {
    const session = new AnalysisSession(root);
    const graph = session.analyze().graph;
    assert.deepEqual(graph.assets.map((asset) => asset.key).sort(), ["p/a", "p/b", "p/c", "p/d", "p/e"]);
    for (const [name, text] of Object.entries(texts)) {
      const file = path.join(root, "src", name);
      const reference = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022);
      for (let offset = 0; offset <= text.length; offset++) {
        const expected = reference.getLineAndCharacterOfPosition(offset);
        assert.deepEqual(
          session.locate(file, offset),
          { line: expected.line + 1, column: expected.character + 1 },
          `${name} at ${offset}`,
        );
      }
    }
  });
});
