import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { readCompilerOptions } from "../../../analysis/src/files";
import { TopLevelImports } from "../../../analysis/src/imports";
import { ProgramHost } from "../../../analysis/src/program";
import { fixture } from "./helpers";

/**
 * TopLevelImports answers imported names at the top of a module from the checker's module
 * symbols and export tables (imports.ts): for every identifier of the fixtures it answers, the
 * symbol must be the one the checker gives by resolving the name and its import.
 */
function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(full);
    }
  };
  walk(root);
  return files;
}

function compare(root: string): { answered: number; declined: number } {
  const host = new ProgramHost(readCompilerOptions(root).options);
  const files = sourceFiles(root);
  for (const file of files) assert.ok(host.load(file), file);
  const checker = host.getProgram().getTypeChecker();
  const imports = new TopLevelImports(checker);
  const final = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  let answered = 0;
  let declined = 0;
  for (const file of files) {
    const sourceFile = host.getProgram().getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      const parent = node.parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node };
      // Names the evaluator reads as values: not declared names, property names or members.
      const valueName =
        ts.isIdentifier(node) &&
        (ts.isShorthandPropertyAssignment(parent) || (parent.name !== node && parent.propertyName !== node));
      if (valueName) {
        const fast = imports.resolve(node);
        const slow = ts.isShorthandPropertyAssignment(parent)
          ? checker.getShorthandAssignmentValueSymbol(parent)
          : checker.getSymbolAtLocation(node);
        if (fast) {
          answered++;
          assert.ok(slow, `${node.text} in ${path.relative(root, file)}: the checker finds no symbol`);
          assert.equal(final(fast), final(slow), `${node.text} in ${path.relative(root, file)}`);
        } else if (slow && slow.flags & ts.SymbolFlags.Alias) declined++;
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { answered, declined };
}

describe("TopLevelImports: imported names at the top of a module", function () {
  it("finds what the checker finds, in the reference-pattern fixture", function () {
    const { answered } = compare(fixture("patterns"));
    assert.ok(answered > 10, `only ${answered} names answered`);
  });

  it("finds what the checker finds, in the held-out fixture", function () {
    const { answered, declined } = compare(fixture("heldout"));
    assert.ok(answered > 30, `only ${answered} names answered`);
    // Names inside functions, namespace imports and the like are left to the checker.
    assert.ok(declined > 0);
  });
});
