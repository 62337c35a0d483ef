import fs from "node:fs";
import { parse } from "csv-parse/sync";
import path from "node:path";
import { resource } from "assetline";

/** Where the shop's files live. Which folders is configuration (assetline.config.json), per environment. */
export class ShopFiles {
  constructor(
    readonly inputDir: string,
    readonly outputDir: string,
  ) {}

  readCsv(name: string): Record<string, string>[] {
    const text = fs.readFileSync(path.join(this.inputDir, name), "utf8");
    // RFC 4180 (quoted fields, commas and newlines inside quotes) by csv-parse, keyed by the header.
    return parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true, trim: true });
  }

  writeJson(name: string, value: unknown): string {
    fs.mkdirSync(this.outputDir, { recursive: true });
    const file = path.join(this.outputDir, name);
    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(value, null, 2) + "\n");
    fs.renameSync(temp, file);
    return file;
  }
}

export const shopFiles = resource("shop_files", ({ config, root }) => {
  const inputDir = typeof config.inputDir === "string" ? config.inputDir : "data/in";
  const outputDir = typeof config.outputDir === "string" ? config.outputDir : "data/out";
  if (!fs.existsSync(path.resolve(root, inputDir))) {
    throw new Error(
      `input folder ${inputDir} does not exist; set environments.<env>.resources.shop_files.inputDir`,
    );
  }
  return new ShopFiles(path.resolve(root, inputDir), path.resolve(root, outputDir));
});

/** Where finished reports are announced. */
export interface Notifier {
  send(subject: string, body: Record<string, unknown>): void;
}

/**
 * One factory per environment: locally a notification is only logged; in prod it is written to an
 * outbox folder (which a mail or chat bridge would pick up). Which one runs is configuration.
 */
export const notifier = resource<Notifier>("notifier", {
  local: ({ log }) => ({
    send: (subject) => log.info(`(local) would notify: ${subject}`),
  }),
  prod: ({ config, root }) => {
    const outbox = path.resolve(root, typeof config.outbox === "string" ? config.outbox : "data/outbox");
    fs.mkdirSync(outbox, { recursive: true });
    return {
      send(subject, body) {
        const file = path.join(outbox, `${subject.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.json`);
        fs.writeFileSync(`${file}.tmp`, JSON.stringify({ subject, ...body }, null, 2) + "\n");
        fs.renameSync(`${file}.tmp`, file);
      },
    };
  },
});
