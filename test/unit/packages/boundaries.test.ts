/**
 * The package boundaries ARCHITECTURE.md draws: no file reaches into another package's folder,
 * and a package imports only the packages below it, declared in its package.json.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { boundaryViolations, PACKAGES } from "../../support/packages";

const repo = path.resolve(__dirname, "../../..");

describe("package boundaries", () => {
  it("hold across the repository", () => {
    const found = boundaryViolations(repo).map((v) => `${v.file}: "${v.specifier}" ${v.reason}`);
    assert.deepEqual(found, []);
  });

  it("every package folder is known, so none escapes the check", () => {
    const folders = fs
      .readdirSync(repo, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(repo, e.name, "package.json")))
      .map((e) => e.name)
      .filter((name) => name !== "node_modules");
    assert.deepEqual(folders.sort(), Object.keys(PACKAGES).sort());
  });

  describe("catch what they should", () => {
    let root: string;
    before(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-boundaries-"));
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      };
      write("low/package.json", JSON.stringify({ name: "@t/low" }));
      write("high/package.json", JSON.stringify({ name: "@t/high", dependencies: { "@t/low": "*" } }));
      write("other/package.json", JSON.stringify({ name: "@t/other" }));
      write("low/src/ok.ts", `import { x } from "./x";\nexport * from "node:fs";\n`);
      write("low/src/up.ts", `import type { H } from "@t/high";\n`);
      write("high/src/ok.ts", `import { y } from "@t/low/sub";\nimport { z } from "../src/z";\n`);
      write("high/src/reach.ts", `export { y } from "../../low/src/y";\n`);
      write(
        "other/src/undeclared.ts",
        `const low = require("@t/low");\nawait import("../../high/src/h.js");\n`,
      );
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("a relative path out of the folder, an upward import, an undeclared dependency", () => {
      const found = boundaryViolations(root, {
        low: { name: "@t/low", mayImport: [] },
        high: { name: "@t/high", mayImport: ["low"] },
        other: { name: "@t/other", mayImport: ["low"] },
      }).map((v) => `${v.file} ${v.specifier}`);
      assert.deepEqual(found.sort(), [
        "high/src/reach.ts ../../low/src/y",
        "low/src/up.ts @t/high",
        "other/src/undeclared.ts ../../high/src/h.js",
        "other/src/undeclared.ts @t/low",
      ]);
    });
  });
});
