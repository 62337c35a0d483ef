/**
 * Writes a synthetic pipeline workspace: `assets` assets, 10 per file, each with 1-3 inputs
 * taken from earlier files (imported by name, through the type checker's view), one in ten
 * with an extra string-key dep, inferred types (the slow case for the checker). File 0 is a hub
 * imported by many. A copy of the fixtures' fake `assetline` package makes it self-contained.
 *
 * Compute bodies (`bodies`):
 * - "typical": a few lines each (filter, reduce, a log line, map), so that the plain parse of
 *   5,000 assets takes about what the issue measured on this kind of machine (~0.5 s) and an
 *   asset is about the size of one in examples/shop (which has more: ~25 lines per asset);
 * - "minimal": one expression each, the densest case for the analysis (almost every line is a
 *   declaration it reads); the benchmark prints it too.
 */
import fs from "node:fs";
import path from "node:path";

const PER_FILE = 10;

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function assetName(file: number, index: number): string {
  return `a${file}_${index}`;
}

export function assetKey(file: number, index: number): string {
  return `layer${file % 10}/a${file}_${index}`;
}

export function fileName(file: number): string {
  return `f${String(file).padStart(5, "0")}.ts`;
}

export type Bodies = "typical" | "minimal";

function computeBody(index: number, params: string[], bodies: Bodies): string {
  const inputs = params.length > 0 ? `{ ${params.join(", ")} }` : undefined;
  if (bodies === "minimal") {
    const value = params.length > 0 ? params.map((name) => `${name}.length`).join(" + ") : "1";
    return `(_ctx${inputs ? `, ${inputs}` : ""}) => [${value}, ${index}]`;
  }
  if (!inputs) {
    return [
      "(ctx) => {",
      `    const rows = Array.from({ length: ${8 + index} }, (_, i) => [i, i * 2, ${index}]);`,
      "    ctx.log(`${rows.length} rows`);",
      "    return rows.filter((row) => row[0] % 2 === 0);",
      "  }",
    ].join("\n");
  }
  return [
    `(ctx, ${inputs}) => {`,
    `    const rows = [${params.map((name) => `...${name}`).join(", ")}].filter((row) => row.length > 0);`,
    "    const total = rows.reduce((sum, row) => sum + row.length, 0);",
    "    ctx.log(`${rows.length} rows, ${total} values`);",
    `    return rows.map((row, i) => [total, row.length, i + ${index}]);`,
    "  }",
  ].join("\n");
}

export function generateWorkspace(
  dir: string,
  assets: number,
  bodies: Bodies = "typical",
): { files: string[]; root: string } {
  const root = path.resolve(dir);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, "src"), { recursive: true });
  const fake = path.resolve(__dirname, "..", "..", "test", "fixtures", "fake-assetline");
  const target = path.join(root, "node_modules", "assetline");
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(fake)) fs.copyFileSync(path.join(fake, entry), path.join(target, entry));
  fs.writeFileSync(path.join(root, "assetline.config.json"), "{}\n");
  fs.writeFileSync(
    path.join(root, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          skipLibCheck: true,
          types: [],
        },
      },
      null,
      2,
    ),
  );
  const random = rng(42);
  const fileCount = Math.ceil(assets / PER_FILE);
  const files: string[] = [];
  for (let file = 0; file < fileCount; file++) {
    const imports = new Map<number, Set<string>>();
    const lines: string[] = [];
    for (let index = 0; index < PER_FILE && file * PER_FILE + index < assets; index++) {
      const inputs: string[] = [];
      const deps: string[] = [];
      if (file > 0) {
        const count = 1 + Math.floor(random() * 3);
        for (let i = 0; i < count; i++) {
          // A third of the edges go to the hub file 0, the rest to the 20 files before.
          const from =
            random() < 0.33 ? 0 : Math.max(0, file - 1 - Math.floor(random() * Math.min(20, file)));
          const which = Math.floor(random() * PER_FILE);
          if (from * PER_FILE + which >= assets) continue;
          const name = assetName(from, which);
          if (inputs.includes(name)) continue;
          inputs.push(name);
          const set = imports.get(from) ?? new Set<string>();
          set.add(name);
          imports.set(from, set);
        }
        if (random() < 0.1) deps.push(`"${assetKey(Math.floor(random() * file), 0)}"`);
      }
      const ins = inputs.map((name, i) => `in${i}: ${name}`).join(", ");
      const params = inputs.map((_, i) => `in${i}`);
      lines.push(
        `export const ${assetName(file, index)} = asset(\n` +
          `  "${assetKey(file, index)}",\n` +
          `  { group: "layer${file % 10}", ins: { ${ins} }, deps: [${deps.join(", ")}], owners: ["team:t${file % 7}"] },\n` +
          `  ${computeBody(index, params, bodies)},\n` +
          `);\n`,
      );
    }
    const header = [`import { asset } from "assetline";`];
    for (const [from, names] of [...imports].sort((a, b) => a[0] - b[0])) {
      header.push(
        `import { ${[...names].sort().join(", ")} } from "./${fileName(from).replace(/\.ts$/, "")}";`,
      );
    }
    const file_ = path.join(root, "src", fileName(file));
    fs.writeFileSync(file_, `${header.join("\n")}\n\n${lines.join("\n")}`);
    files.push(file_);
  }
  return { files, root };
}
