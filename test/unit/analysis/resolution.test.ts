import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ts } from "ts-morph";
import { ProgramHost } from "../../../analysis/src/program";
import { fixture } from "./helpers";

/**
 * The program host answers relative imports of the project's own files from memory (program.ts);
 * every import must still resolve to the very file the compiler's own resolver picks.
 */
type Resolving = ts.Program & {
  getResolvedModule(
    file: ts.SourceFile,
    name: string,
    mode: ts.ResolutionMode,
  ): { resolvedModule?: { resolvedFileName: string } } | undefined;
};

function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-resolution-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

/** Every import of the project's files: what the host's program resolved, and what the compiler says. */
function compare(root: string, files: string[], options: ts.CompilerOptions): number {
  const host = new ProgramHost(options);
  for (const file of files) assert.ok(host.load(file), file);
  const program = host.getProgram() as Resolving;
  let count = 0;
  for (const file of files) {
    const sourceFile = program.getSourceFile(file)!;
    for (const statement of sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      const mode = ts.getModeForUsageLocation(sourceFile, specifier, options);
      const actual = program.getResolvedModule(sourceFile, specifier.text, mode)?.resolvedModule
        ?.resolvedFileName;
      const expected = ts.resolveModuleName(specifier.text, file, options, ts.sys, undefined, undefined, mode)
        .resolvedModule?.resolvedFileName;
      assert.equal(actual, expected, `"${specifier.text}" from ${path.relative(root, file)}`);
      count++;
    }
  }
  return count;
}

describe("ProgramHost: module resolution", function () {
  let root: string;
  const text = [
    'import { a } from "./a";',
    'import { b } from "./b.js";',
    'import { c } from "./c.mjs";',
    'import { d } from "./dir";',
    'import { e } from "./dir/index";',
    'import { f } from "../outside/f";',
    'import { g } from "./g";', // g.tsx
    'import { h } from "./h";', // only h.d.ts
    'import { i } from "./i";', // i.ts excluded from the project (on disk only)
    'import data from "./data.json";',
    'import { nothing } from "./missing";',
    'export * from "./a.ts";',
    'import { x } from "./sub/../a";',
    "",
  ].join("\n");

  before(function () {
    root = project({
      // ECMAScript modules: under NodeNext, `./a` without an extension does not resolve.
      "package.json": '{ "type": "module" }\n',
      "src/main.ts": text,
      "src/a.ts": "export const a = 1;\n",
      "src/b.ts": "export const b = 1;\n",
      "src/c.mts": "export const c = 1;\n",
      "src/dir/index.ts": "export const d = 1, e = 1;\n",
      "outside/f.ts": "export const f = 1;\n",
      "src/g.tsx": "export const g = 1;\n",
      "src/h.d.ts": "export declare const h: number;\n",
      "src/i.ts": "export const i = 1;\n",
      "src/data.json": "{}\n",
      "src/nested/deep.ts": 'import { a } from "../a";\nimport { b } from "../b";\nexport { a, b };\n',
    });
  });

  after(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const own = (): string[] =>
    [
      "src/main.ts",
      "src/a.ts",
      "src/b.ts",
      "src/c.mts",
      "src/dir/index.ts",
      "outside/f.ts",
      "src/g.tsx",
      "src/nested/deep.ts",
    ].map((file) => path.join(root, file));

  for (const [label, options] of [
    [
      "Bundler",
      {
        module: ts.ModuleKind.Preserve,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        resolveJsonModule: true,
        allowImportingTsExtensions: true,
        noEmit: true,
      },
    ],
    [
      "Node10",
      {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        resolveJsonModule: true,
      },
    ],
    [
      "NodeNext",
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        resolveJsonModule: true,
      },
    ],
    ["defaults", {}],
  ] as const) {
    it(`resolves every import as the compiler does (${label})`, function () {
      assert.equal(compare(root, own(), options), 15);
    });
  }

  it("resolves the held-out fixture's imports as the compiler does", function () {
    const heldout = fixture("heldout");
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules") continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(full);
      }
    };
    walk(heldout);
    const options = ts.parseJsonConfigFileContent(
      ts.readConfigFile(path.join(heldout, "tsconfig.json"), (file) => ts.sys.readFile(file)).config ?? {},
      ts.sys,
      heldout,
    ).options;
    assert.ok(compare(heldout, files, options) > 20);
  });
});
