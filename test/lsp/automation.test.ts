/**
 * Automation in the editor, over JSON-RPC against the built server (test/fixtures/lsp-shop): the
 * hover and the code lens say "eager" or when a cron condition next ticks, and an unparsable
 * cron string is an `invalid-automation` error on the string while typing.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {
  CodeLens,
  Hover,
  MarkupContent,
  PublishDiagnosticsParams,
} from "vscode-languageserver-protocol";
import { positionOf, serverOnFixture, uriOf } from "./client";

const FILE = "src/automated.ts";
const TEXT = [
  'import { asset, eager, onCron } from "assetline";',
  'export const fresh = asset("auto/fresh", { automation: eager() }, () => 1);',
  'export const morning = asset("auto/morning", { automation: onCron("0 6 * * *", { timezone: "Europe/Berlin" }) }, () => 2);',
  "",
].join("\n");

describe("language server: automation in the hover, the lens and diagnostics", function () {
  const server = serverOnFixture("lsp-shop", {
    prepare: (root) => fs.writeFileSync(path.join(root, FILE), TEXT),
    ready: (status) => status.assets === 6,
  });
  const uri = (): string => uriOf(path.join(server.root, FILE));

  it("the lens says eager, or when the cron condition next ticks in its time zone", async function () {
    const lenses = await server.client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uri() },
    });
    const titles = lenses.map((lens) => lens.command?.title ?? "");
    assert.ok(titles.includes("⚡ eager"), titles.join(" | "));
    assert.ok(
      titles.some((t) => /^⚡ next: (\d{4}-\d\d-\d\d )?06:00 \(0 6 \* \* \*, Europe\/Berlin\)$/.test(t)),
      titles.join(" | "),
    );
  });

  it("the hover shows the condition as written and its next tick", async function () {
    const hover = await server.client.connection.sendRequest<Hover>("textDocument/hover", {
      textDocument: { uri: uri() },
      position: positionOf(TEXT, '"auto/morning"', 3),
    });
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /Automation: `onCron\("0 6 \* \* \*", "Europe\/Berlin"\)` · next: .*06:00/);
  });

  it("an unparsable cron string typed in the editor is invalid-automation on the string", async function () {
    const broken = TEXT.replace('"0 6 * * *"', '"0 26 * * *"');
    const published = server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (p) => p.uri === uri() && p.diagnostics.some((d) => d.code === "invalid-automation"),
    );
    await server.client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uri(), languageId: "typescript", version: 1, text: broken },
    });
    const { diagnostics } = await published;
    const found = diagnostics.find((d) => d.code === "invalid-automation")!;
    assert.deepEqual(found.range.start, positionOf(broken, '"0 26 * * *"'));
    assert.match(
      typeof found.message === "string" ? found.message : found.message.value,
      /"0 26 \* \* \*" is not a cron expression \(Invalid value for hour: 26\)/,
    );
  });
});
