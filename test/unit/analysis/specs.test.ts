import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyzeProject } from "../../../analysis/src/index";
import { asset, check } from "../../../sdk/src/index";
import { installFakeLibrary } from "../../support/fake-library.cjs";

/**
 * The editor says what the library says when the definitions load: the same sentence, the same
 * "did you mean", for misspellings near and far (one closest-match rule for both).
 */
describe("unknown-field: the editor's sentence is the library's", function () {
  const misspelt = ["timeout", "descripshun", "ownres", "codeVersionn", "zzz"];
  let root: string;
  before(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-specs-"));
    installFakeLibrary(root);
    fs.mkdirSync(path.join(root, "src"));
    const lines = ['import { asset, check } from "assetline";'];
    misspelt.forEach((field, i) =>
      lines.push(`export const a${i} = asset("x/a${i}", { ${field}: 1 } as never, () => 1);`),
    );
    lines.push('export const c = check(a0, "c", { blokking: true } as never, () => ({ passed: true }));');
    fs.writeFileSync(path.join(root, "src", "pipeline.ts"), `${lines.join("\n")}\n`);
  });
  after(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("for asset and check specs", function () {
    const graph = analyzeProject(root, { types: false });
    const inEditor = graph.diagnostics.filter((d) => d.code === "unknown-field").map((d) => d.message);
    const atLoad = (declare: () => unknown): string => {
      try {
        declare();
      } catch (error) {
        // `asset("x/y"): unknown field ...`: the sentence after the declaration's label.
        const message = (error as Error).message;
        return message.slice(message.indexOf("unknown field"));
      }
      throw new Error("the library accepted a misspelt field");
    };
    const loaded = misspelt.map((field) => atLoad(() => asset("x/y", { [field]: 1 } as never, () => 1)));
    const target = asset("x/t", {}, () => 1);
    loaded.push(atLoad(() => check(target, "c", { blokking: true } as never, () => ({ passed: true }))));
    assert.deepEqual(inEditor, loaded);
    assert.ok(loaded.includes("unknown field `descripshun`; did you mean `description`?"), loaded.join("\n"));
  });
});
