// Loads the lineage webview, bundled as scripts/build.mjs bundles it, into headless Chromium
// on a page that mirrors the client's: the same markup and the same strict CSP (a nonce for
// the one inline script, styles only from the webview's origin). A stub `acquireVsCodeApi`
// records every message the webview posts, with timestamps, and any CSP violation.
// Used by bench/layout/render.bench.mjs and test/unit/webview/*.test.ts.
import * as esbuild from "esbuild";
import { chromiumPath, launchChromium } from "../../scripts/chromium.mjs";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ORIGIN = "http://assetline.test";
const NONCE = "bench-nonce";

export const CHROMIUM = chromiumPath;

export function chromiumAvailable() {
  return existsSync(CHROMIUM);
}

let bundled;
/** The webview bundle (lineage.js + lineage.css), built once per process. */
export async function bundleWebview() {
  bundled ??= esbuild
    .build({
      absWorkingDir: root,
      bundle: true,
      platform: "browser",
      target: "es2022",
      format: "iife",
      entryPoints: { lineage: "webview/src/main.ts" },
      outdir: "/virtual",
      write: false,
      minify: true,
      logLevel: "silent",
    })
    .then((result) => {
      const file = (ext) => result.outputFiles.find((output) => output.path.endsWith(ext)).text;
      return { js: file(".js"), css: file(".css") };
    });
  return bundled;
}

export async function launch() {
  return launchChromium();
}

/** A few of the variables VS Code defines on a webview, per theme kind, so the page looks real. */
const THEMES = {
  "vscode-dark": `
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f;
  --vscode-editor-foreground: #cccccc; --vscode-editorWidget-background: #202020; --vscode-editorWidget-border: #454545;
  --vscode-focusBorder: #0078d4; --vscode-editor-selectionBackground: #264f78; --vscode-panel-border: #2b2b2b;
  --vscode-editorIndentGuide-activeBackground: #707070; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c;
  --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c; --vscode-charts-yellow: #cca700;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-disabledForeground: #858585;
  --vscode-errorForeground: #f85149;`,
  "vscode-light": `
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #717171; --vscode-editor-background: #ffffff;
  --vscode-editor-foreground: #3b3b3b; --vscode-editorWidget-background: #f8f8f8; --vscode-editorWidget-border: #c8c8c8;
  --vscode-focusBorder: #005fb8; --vscode-editor-selectionBackground: #add6ff; --vscode-panel-border: #e5e5e5;
  --vscode-editorIndentGuide-activeBackground: #939393; --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece;
  --vscode-testing-iconPassed: #388a34; --vscode-testing-iconFailed: #f14c4c; --vscode-charts-yellow: #bf8803;
  --vscode-charts-blue: #1a85ff; --vscode-charts-orange: #d18616; --vscode-disabledForeground: #616161;
  --vscode-errorForeground: #e51400;`,
  "vscode-high-contrast": `
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-foreground: #ffffff; --vscode-descriptionForeground: #ffffffb3; --vscode-editor-background: #000000;
  --vscode-editor-foreground: #ffffff; --vscode-editorWidget-background: #0c141f; --vscode-editorWidget-border: #6fc3df;
  --vscode-contrastBorder: #6fc3df; --vscode-focusBorder: #f38518; --vscode-editor-selectionBackground: #ffffff;
  --vscode-editorIndentGuide-activeBackground: #ffffff; --vscode-button-background: #000000; --vscode-button-foreground: #ffffff;
  --vscode-button-border: #6fc3df; --vscode-input-background: #000000; --vscode-input-foreground: #ffffff;
  --vscode-input-border: #6fc3df; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f48771;
  --vscode-charts-yellow: #ffd700; --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616;
  --vscode-disabledForeground: #a5a5a5; --vscode-errorForeground: #f48771;`,
};

function html({ cull, state, bodyClass }) {
  const csp = [
    "default-src 'none'",
    `img-src ${ORIGIN} data:`,
    `style-src ${ORIGIN}`,
    `font-src ${ORIGIN}`,
    `script-src 'nonce-${NONCE}'`,
  ].join("; ");
  const stub = `
    window.__messages = [];
    window.__violations = [];
    window.__state = ${JSON.stringify(state ?? null).replace(/</g, "\\u003c")};
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage(message) {
        const entry = { message: JSON.parse(JSON.stringify(message)), at: performance.now() };
        window.__messages.push(entry);
        // First paint: the next frame's rendering runs after its rAF callbacks; a message
        // posted from rAF is handled once that frame has been produced.
        if (message.type === "rendered") requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => { entry.painted = performance.now(); };
          channel.port2.postMessage(null);
        });
      },
      getState() { return window.__state; },
      setState(state) { window.__state = state; },
    });`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${ORIGIN}/theme.css"><link rel="stylesheet" href="${ORIGIN}/lineage.css"><title>Asset Lineage</title></head>
<body class="${bodyClass ?? "vscode-dark"}"${cull ? ` data-cull="${cull}"` : ""}>
<div id="toolbar"><span id="title">Asset lineage</span><span id="summary"></span></div>
<div id="graph" role="application" aria-label="Asset lineage graph"></div>
<script nonce="${NONCE}">${stub}</script>
<script nonce="${NONCE}" src="${ORIGIN}/lineage.js"></script>
</body></html>`;
}

/**
 * Opens the webview in a new page. `cull`: "never" forces plain full SVG (the baseline),
 * "always" forces culling; default: by size. `state`: what getState() returns (a reload).
 */
export async function openWebview(browser, { cull, state, width = 1200, height = 800, bodyClass } = {}) {
  // bodyClass: the theme kind, as VS Code sets it: vscode-dark, vscode-light, vscode-high-contrast.
  const { js, css } = await bundleWebview();
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === "/" || url.pathname === "/index.html") {
      return route.fulfill({ contentType: "text/html", body: html({ cull, state, bodyClass }) });
    }
    if (url.pathname === "/lineage.js") return route.fulfill({ contentType: "text/javascript", body: js });
    if (url.pathname === "/lineage.css") return route.fulfill({ contentType: "text/css", body: css });
    if (url.pathname === "/theme.css") {
      const theme = THEMES[bodyClass ?? "vscode-dark"] ?? THEMES["vscode-dark"];
      return route.fulfill({ contentType: "text/css", body: `html {${theme}\n}` });
    }
    return route.fulfill({ status: 404, body: "" });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => window.__messages.some((entry) => entry.message.type === "ready"));
  return {
    page,
    errors,
    /** Every message the webview posted so far. */
    messages: () => page.evaluate(() => window.__messages.map((entry) => entry.message)),
    violations: () => page.evaluate(() => window.__violations),
    /**
     * Posts a host message and resolves when the webview has answered `rendered` and a frame
     * has been painted after it: { rendered, ms (message -> rendered), paintMs (-> next frame) }.
     */
    post: (message) =>
      page.evaluate(async (message) => {
        const before = window.__messages.length;
        const started = performance.now();
        window.postMessage(message, "*");
        for (;;) {
          const entry = window.__messages
            .slice(before)
            .find((candidate) => candidate.message.type === "rendered");
          if (entry && entry.painted !== undefined) {
            return { rendered: entry.message, ms: entry.at - started, paintMs: entry.painted - started };
          }
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
      }, message),
    state: () => page.evaluate(() => window.__state),
    close: () => page.close(),
  };
}

/** A synthetic AssetGraph from a layout input ({ keys, edges }), grouped by key prefix. */
export function syntheticGraph({ keys, edges }) {
  const deps = new Map(keys.map((key) => [key, []]));
  for (const [from, to] of edges) deps.get(to)?.push(from);
  return {
    version: 1,
    assets: keys.map((key, i) => ({
      key,
      file: `src/${key.split("/")[0]}.ts`,
      line: i + 1,
      column: 1,
      group: key.split("/")[0],
      owners: ["team:data-eng"],
      kinds: ["duckdb"],
      deps: [...new Set(deps.get(key))],
      ins: {},
      checks: [],
      generated: false,
    })),
    diagnostics: [],
  };
}
