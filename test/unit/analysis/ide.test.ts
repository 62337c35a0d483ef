/**
 * The analysis's ide layer on its own, without a language server: offsets into the analysed
 * text in, spans and edits out. Library calls are recognised by symbol, as the analysis
 * recognises `asset` and `check`: aliases and namespaces count, a project function of the same
 * name does not.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AnalysisSession, ide, type SourceSpan } from "@assetline/analysis";
import { installFakeLibrary } from "../../support/fake-library.cjs";

const {
  codeActions,
  completion,
  definition,
  documentSymbols,
  hover,
  prepareRename,
  references,
  rename,
  renderHover,
  workspaceSymbols,
} = ide;

const FILES: Record<string, string> = {
  "assetline.config.json": "{}\n",
  "src/ingest.ts": [
    'import { asset } from "assetline";',
    'export const rawOrders = asset("ingest/raw_orders", { group: "ingest", owners: ["team:data-eng"], description: "Orders" }, () => [{ id: 1 }]);',
    'export const rawCustomers = asset("ingest/raw_customers", {}, () => [{ id: 2 }]);',
    "",
  ].join("\n"),
  "src/aliased.ts": [
    'import { check as c } from "assetline";',
    'import * as al from "assetline";',
    "const verify = al.check;",
    'export const t1 = c("ingest/", "t1", () => ({ passed: true }));',
    'export const t2 = al.check("ingest/", "t2", () => ({ passed: true }));',
    'export const t3 = verify("ingest/", "t3", () => ({ passed: true }));',
    "",
  ].join("\n"),
  "src/local.ts": [
    'import { asset } from "assetline";',
    "function check(target: string, name: string): string {",
    "  return target + name;",
    "}",
    "function parseSelection(text: string): string {",
    "  return text;",
    "}",
    'export const n = check("ingest/", "n");',
    'export const s = parseSelection("+ingest/");',
    'export const own = asset("local/own", { deps: [""] }, () => 0);',
    "",
  ].join("\n"),
  "src/selections.ts": [
    'import { parseSelection as ps, materializeInMemory } from "assetline";',
    'export const s = ps("+ingest/raw or group:ing");',
    'export const run = materializeInMemory([], { select: "ingest/raw" });',
    "",
  ].join("\n"),
  "src/report.ts": [
    'import { asset as a } from "assetline";',
    'import { rawOrders as orders } from "./ingest";',
    'export const report = a("report/r", { ins: { o: orders }, deps: ["ingest/raw_customers", "ingest/raw_ordrs"] }, () => 1);',
    'export const again = a("report/again", { deps: ["ingest/raw_orders"] }, () => 2);',
    "",
  ].join("\n"),
  "src/namespaced.ts": [
    'import * as al from "assetline";',
    'export const x = al.asset("ns/x", { deps: ["ns/y"] }, () => 3);',
    "",
  ].join("\n"),
};

describe("the analysis's ide layer (analysis/src/ide), without a server", function () {
  let root: string;
  let session: AnalysisSession;
  const file = (name: string): string => path.join(root, name);
  /** The offset of the `shift`-th character after the `occurrence`-th `needle` of a file. */
  const offsetOf = (name: string, needle: string, shift = 0, occurrence = 1): number => {
    const text = FILES[name]!;
    let index = -1;
    for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `${needle} is not in ${name}`);
    return index + shift;
  };
  const textOf = (span: SourceSpan): string => fs.readFileSync(span.file, "utf8").slice(span.start, span.end);
  const labels = (name: string, needle: string, shift: number): string[] =>
    completion(session, file(name), offsetOf(name, needle, shift)).map((item) => item.key);

  before(function () {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "assetline-ide-")));
    for (const [name, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(file(name)), { recursive: true });
      fs.writeFileSync(file(name), text);
    }
    installFakeLibrary(root);
    session = new AnalysisSession(root);
    session.analyze();
  });

  after(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe("completion", function () {
    it("completes the target of the library's check under any name: an alias, a namespace, a const", function () {
      for (const call of ['c("ingest/', 'al.check("ingest/', 'verify("ingest/']) {
        assert.deepEqual(
          labels("src/aliased.ts", call, call.length).sort(),
          ["ingest/raw_customers", "ingest/raw_orders", "local/own", "ns/x", "report/again", "report/r"],
          call,
        );
      }
    });

    it("replaces the whole key typed so far, and describes each key", function () {
      const at = offsetOf("src/aliased.ts", 'c("ingest/', 'c("ingest/'.length);
      const item = completion(session, file("src/aliased.ts"), at).find(
        (each) => each.key === "ingest/raw_orders",
      );
      assert.ok(item);
      assert.equal(textOf(item.replace), "ingest/");
      assert.equal(item.detail, "group ingest");
      assert.equal(item.documentation, "Orders");
    });

    it("completes nothing in a project function that happens to be named check or parseSelection", function () {
      assert.deepEqual(labels("src/local.ts", 'check("ingest/', 'check("ingest/'.length), []);
      assert.deepEqual(
        labels("src/local.ts", 'parseSelection("+ingest/', 'parseSelection("+ingest/'.length),
        [],
      );
    });

    it("completes the key being typed in a selection of the library, aliased or in select:, none after group:", function () {
      const typed = labels("src/selections.ts", "+ingest/raw", "+ingest/raw".length);
      assert.ok(typed.includes("ingest/raw_orders"), typed.join(", "));
      const at = offsetOf("src/selections.ts", "+ingest/raw", "+ingest/raw".length);
      const [first] = completion(session, file("src/selections.ts"), at);
      assert.equal(textOf(first!.replace), "ingest/raw");
      assert.ok(
        labels("src/selections.ts", 'select: "ingest/raw', 'select: "ingest/raw'.length).includes(
          "ingest/raw_orders",
        ),
      );
      assert.deepEqual(labels("src/selections.ts", "group:ing", "group:ing".length), []);
    });

    it("completes the target of an aliased check while its string is still being typed", function () {
      const name = "src/aliased.ts";
      const typing = FILES[name]!.replace('c("ingest/", "t1", () => ({ passed: true }));', 'c("ingest/r\n');
      session.setFileText(file(name), typing);
      try {
        session.analyze();
        const at = typing.indexOf('c("ingest/r') + 'c("ingest/r'.length;
        const offered = completion(session, file(name), at);
        assert.ok(
          offered.some((item) => item.key === "ingest/raw_orders"),
          offered.map((item) => item.key).join(", "),
        );
        // Up to the cursor: the rest of the line is not the key.
        assert.equal(typing.slice(offered[0]!.replace.start, offered[0]!.replace.end), "ingest/r");
      } finally {
        session.setFileText(file(name), undefined);
        session.analyze();
      }
    });

    it("never offers the asset's own key in its deps", function () {
      const offered = labels("src/local.ts", 'deps: ["', 'deps: ["'.length);
      assert.ok(offered.includes("ingest/raw_orders"), offered.join(", "));
      assert.ok(!offered.includes("local/own"));
    });
  });

  describe("hover", function () {
    it("says what the analysis knows, and leaves the last run to the caller", function () {
      const found = hover(
        session,
        file("src/report.ts"),
        offsetOf("src/report.ts", '"ingest/raw_customers"', 2),
      );
      assert.ok(found);
      assert.equal(found.key, "ingest/raw_customers");
      assert.equal(textOf(found.span!), '"ingest/raw_customers"');
      const text = renderHover(found, ["Last run: never run"]);
      assert.match(text, /^\*\*ingest\/raw_customers\*\*/);
      assert.match(text, /- Downstream \(1\): `report\/r`/);
      assert.match(text, /- Output: `\{ id: number; \}\[\]`\n- Last run: never run$/);
      assert.doesNotMatch(renderHover(found), /Last run/);
      const declared = hover(session, file("src/ingest.ts"), offsetOf("src/ingest.ts", "rawOrders"));
      assert.match(
        renderHover(declared!),
        /\*\*ingest\/raw_orders\*\* · group `ingest`[\s\S]*Owners: `team:data-eng`/,
      );
      const unknown = hover(
        session,
        file("src/report.ts"),
        offsetOf("src/report.ts", '"ingest/raw_ordrs"', 2),
      );
      assert.match(renderHover(unknown!), /Unknown asset/);
      assert.equal(hover(session, file("src/report.ts"), 0), undefined);
    });
  });

  describe("navigation and rename", function () {
    const at = (): number => offsetOf("src/report.ts", '"ingest/raw_customers"', 2);

    it("goes from a string key to its declaration, and finds every place it is written", function () {
      const [target] = definition(session, file("src/report.ts"), at()) ?? [];
      assert.equal(target?.file, file("src/ingest.ts"));
      assert.equal(textOf(target), '"ingest/raw_customers"');
      const found = references(session, file("src/report.ts"), at(), true) ?? [];
      assert.deepEqual(found.map((span) => path.basename(span.file)).sort(), ["ingest.ts", "report.ts"]);
      assert.deepEqual(
        (references(session, file("src/report.ts"), at(), false) ?? []).map((span) =>
          path.basename(span.file),
        ),
        ["report.ts"],
      );
      // A reference to an asset value is TypeScript's to answer.
      assert.equal(
        definition(session, file("src/report.ts"), offsetOf("src/report.ts", "o: orders", 4)),
        undefined,
      );
    });

    it("renames a key inside its strings, and refuses an invalid or taken key with a sentence", function () {
      const prepared = prepareRename(session, file("src/report.ts"), at());
      assert.ok(typeof prepared !== "string");
      assert.equal(textOf(prepared.span), "ingest/raw_customers");
      const renamed = rename(session, file("src/report.ts"), at(), " ingest/customers ");
      assert.ok("edits" in renamed);
      assert.deepEqual(
        renamed.edits.map((edit) => [path.basename(edit.span.file), textOf(edit.span), edit.newText]).sort(),
        [
          ["ingest.ts", "ingest/raw_customers", "ingest/customers"],
          ["report.ts", "ingest/raw_customers", "ingest/customers"],
        ],
      );
      const invalid = rename(session, file("src/report.ts"), at(), "bad key");
      assert.ok("problem" in invalid && invalid.invalid && /contains " "/.test(invalid.problem));
      const taken = rename(session, file("src/report.ts"), at(), "ingest/raw_orders");
      assert.ok("problem" in taken && /already exists/.test(taken.problem));
      const nowhere = rename(session, file("src/report.ts"), 0, "ingest/x");
      assert.deepEqual(nowhere, {
        problem: "Place the cursor on an asset key to rename it.",
        invalid: false,
      });
    });
  });

  describe("code actions", function () {
    it("fixes a misspelt key, and a stub calls the library's asset under the file's own name for it", function () {
      const start = offsetOf("src/report.ts", '"ingest/raw_ordrs"');
      const actions = codeActions(session, file("src/report.ts"), start, [
        { code: "unknown-asset", start },
        { code: "cycle", start },
      ]);
      const replace = actions.find((action) => action.title === 'Replace with "ingest/raw_orders"');
      assert.equal(replace?.fixes, 0);
      assert.equal(textOf(replace.edits[0]!.span), "ingest/raw_ordrs");
      const stub = actions.find((action) => action.title === 'Create a stub asset "ingest/raw_ordrs"');
      assert.equal(stub?.edits.length, 1, "no import: the file imports asset as a");
      assert.match(stub.edits[0]!.newText, /export const ingestRawOrdrs = a\("ingest\/raw_ordrs"/);
      // A namespace import: al.asset, no import either.
      const nsStart = offsetOf("src/namespaced.ts", '"ns/y"');
      const nsStub = codeActions(session, file("src/namespaced.ts"), nsStart, [
        { code: "unknown-asset", start: nsStart },
      ]).find((action) => action.title.startsWith("Create a stub"));
      assert.equal(nsStub?.edits.length, 1);
      assert.match(nsStub.edits[0]!.newText, /= al\.asset\("ns\/y"/);
    });

    it("replaces a string key by a reference under the name the file already imports it as", function () {
      const where = offsetOf("src/report.ts", '"ingest/raw_orders"', 2);
      const use = codeActions(session, file("src/report.ts"), where, []).find(
        (action) => action.kind === "refactor.rewrite",
      );
      assert.equal(use?.title, 'Use a reference to `orders` instead of "ingest/raw_orders"');
      assert.deepEqual(
        use.edits.map((edit) => [textOf(edit.span), edit.newText]),
        [['"ingest/raw_orders"', "orders"]],
      );
      // Not imported yet: into the file's import from that module.
      const other = offsetOf("src/report.ts", '"ingest/raw_customers"', 2);
      const add = codeActions(session, file("src/report.ts"), other, []).find(
        (action) => action.kind === "refactor.rewrite",
      );
      assert.deepEqual(
        add!.edits.map((edit) => edit.newText),
        [", rawCustomers", "rawCustomers"],
      );
      assert.equal(
        add!.edits[0]!.span.start,
        offsetOf("src/report.ts", "rawOrders as orders", "rawOrders as orders".length),
      );
    });
  });

  describe("symbols", function () {
    it("lists a file's assets and finds assets by a fuzzy query", function () {
      assert.deepEqual(
        documentSymbols(session, file("src/ingest.ts")).map((symbol) => [symbol.key, symbol.detail]),
        [
          ["ingest/raw_orders", "rawOrders · ingest"],
          ["ingest/raw_customers", "rawCustomers"],
        ],
      );
      assert.deepEqual(
        workspaceSymbols(session, "rawcust", 10).map((symbol) => [symbol.key, symbol.container]),
        [["ingest/raw_customers", "src/ingest.ts"]],
      );
      assert.equal(workspaceSymbols(session, "", 2).length, 2);
    });
  });
});
