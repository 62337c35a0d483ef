import fs from "node:fs";
import path from "node:path";

export const fixturesDir = path.resolve(__dirname, "..", "..", "fixtures");

export function fixture(name: string): string {
  return path.join(fixturesDir, name);
}

/**
 * 1-based line and column of the `occurrence`-th match of `needle` in a fixture file, and the
 * end (exclusive) on the same line: how a test names an exact range without counting by hand.
 */
export function locate(
  root: string,
  file: string,
  needle: string,
  occurrence = 1,
): { line: number; column: number; endLine: number; endColumn: number } {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) is not in ${file}`);
  }
  const before = text.slice(0, index).split("\n");
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  return { line, column, endLine: line, endColumn: column + needle.length };
}
