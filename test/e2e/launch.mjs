// Runs the end-to-end tests inside a real VS Code: code-server (VS Code 1.100.3's server and web
// workbench, installed by scripts/setup-code-server.sh) driven by Debian's Chromium through
// playwright-core. Three sessions, each its own code-server on a throwaway copy of examples/shop:
//
//   main       the suite (test/e2e/suite, bundled to out/e2e/suite.js) with the extension under
//              development, workspace trusted (--disable-workspace-trust)
//   untrusted  the same bundle in its "untrusted" mode (ASSETLINE_E2E_MODE), workspace trust on
//              and the folder opened in Restricted Mode: graph and diagnostics work, runs are refused
//   packaged   no suite: `npm run package`, the .vsix installed into a clean extensions folder,
//              the workspace opened without extensionDevelopmentPath; this script checks the
//              lenses and the status bar in the page itself
//
//   node test/e2e/launch.mjs                      main and untrusted; results in test-results/e2e.json
//   node test/e2e/launch.mjs packaged             only the named sessions (main, untrusted, packaged)
//   ASSETLINE_TEST_RESULTS=file node test/e2e/launch.mjs   (what test/run-all.mjs does)
//   ASSETLINE_E2E_TIMEOUT_MS=600000 ...           time limit of each session (default 4 minutes)
//   ASSETLINE_E2E_HEADED=1 ...                    show the browser (needs a display)
//   ASSETLINE_E2E_EXAMPLE=dir ...                 another pipeline project than examples/shop
//   ASSETLINE_E2E_OUT=dir ...                     another folder than test-results/ for the run's files
//
// A session copies the example to test-results/e2e[-NAME]/workspace (node_modules/assetline
// linked to sdk/), starts code-server on 127.0.0.1 with throwaway user-data and extensions
// folders, and opens the workbench (with the extension and the suite loaded through the URL's
// `payload`, except `packaged`). The suite writes its totals to a results file (the extension
// host's exit code never reaches us); this script waits for that file, answers the suite's
// requests to look at or act on the page (screenshots in test-results/screenshots/, lenses,
// webview nodes and their run states, clicks, tabs, notifications), always stops code-server
// and the browser, adds up the sessions' totals into ASSETLINE_TEST_RESULTS and exits non-zero
// when results are missing or report failures.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromiumPath, launchChromium } from "../../scripts/chromium.mjs";
import { codeServerArgs } from "../../scripts/code-server.mjs";
import { hoverState, measureLineage } from "../support/lineage-probe.mjs";
import { Fatal, ensureBuilt, prepareWorkspace } from "./workspace.mjs";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
// Everything a run writes (workspace copies, logs, screenshots) goes under this folder.
const resultsDir = path.resolve(process.env.ASSETLINE_E2E_OUT || path.join(root, "test-results"));
const screenshotsDir = path.join(resultsDir, "screenshots");
const resultsFile = path.resolve(process.env.ASSETLINE_TEST_RESULTS || path.join(resultsDir, "e2e.json"));
const suiteBundle = path.join(root, "out", "e2e", "suite.js");
const example = path.resolve(process.env.ASSETLINE_E2E_EXAMPLE || path.join(root, "examples", "shop"));
const sessionTimeoutMs = Number(process.env.ASSETLINE_E2E_TIMEOUT_MS || 4 * 60_000);
const SESSIONS = ["main", "untrusted", "packaged"];

const started = Date.now();
const log = (message) =>
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!SESSIONS.includes(name)) {
    console.error(`e2e: unknown session '${name}'; the sessions are ${SESSIONS.join(", ")}.`);
    process.exit(2);
  }
}
const sessions = requested.length > 0 ? requested : ["main", "untrusted"];

/** The code-server child process of the session running now (leader of its own process group). */
let server;
let browser;
let exitCode = 1;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    void stopServer()
      .then(() => browser?.close())
      .finally(() => process.exit(130));
  });
}

const totals = { passed: 0, failed: 0, pending: 0, failures: [] };
try {
  fs.rmSync(resultsFile, { force: true });
  // Only the screenshots of the sessions that run now (test/run-all.mjs runs `packaged` apart).
  fs.mkdirSync(screenshotsDir, { recursive: true });
  for (const file of fs.readdirSync(screenshotsDir)) {
    const owner = SESSIONS.find((name) => name !== "main" && file.startsWith(`${name}-`)) ?? "main";
    if (sessions.includes(owner)) fs.rmSync(path.join(screenshotsDir, file), { force: true });
  }

  ensureBuilt(root, log);
  const entry = setupCodeServer();
  if (!fs.existsSync(chromiumPath) && !process.env.ASSETLINE_CHROMIUM) {
    // A fresh Debian machine: install Debian's Chromium (only it; a no-op when present).
    spawnSync("bash", [path.join(root, "scripts", "install-system-deps.sh"), "--browser"], {
      stdio: "inherit",
    });
  }
  if (!fs.existsSync(chromiumPath)) {
    throw new Fatal(
      `Chromium is not at ${chromiumPath}. Install Debian's package (apt-get install chromium) or set ASSETLINE_CHROMIUM.`,
    );
  }
  browser = await launchChromium({ headless: !process.env.ASSETLINE_E2E_HEADED });

  for (const name of sessions) {
    const sessionStarted = Date.now();
    log(`=== session ${name}`);
    let result;
    try {
      result = await runSession(entry, name);
    } catch (error) {
      // A session that dies counts as one failure; the next session still runs.
      const message =
        error instanceof Fatal ? error.message : String(error && error.stack ? error.stack : error);
      console.error(`e2e (${name}): ${message}`);
      result = { passed: 0, failed: 1, pending: 0, failures: [{ title: `session ${name}`, error: message }] };
    } finally {
      await stopServer();
    }
    log(
      `=== session ${name}: ${summarize(result)} in ${((Date.now() - sessionStarted) / 1000).toFixed(1)} s`,
    );
    totals.passed += result.passed || 0;
    totals.failed += result.failed || 0;
    totals.pending += result.pending || 0;
    totals.failures.push(
      ...(result.failures || []).map((failure) => ({ ...failure, title: `[${name}] ${failure.title}` })),
    );
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(totals, null, 2));
  exitCode = report(totals);
} catch (error) {
  if (error instanceof Fatal) console.error(`e2e: ${error.message}`);
  else console.error(`e2e: ${error && error.stack ? error.stack : error}`);
  exitCode = 1;
} finally {
  await stopServer();
  if (browser) await browser.close().catch(() => undefined);
}
log(`done (exit ${exitCode})`);
process.exit(exitCode);

// ---------------------------------------------------------------------------------------------

/** Where a session keeps its files: test-results/e2e for main, test-results/e2e-NAME otherwise. */
function sessionPaths(name) {
  const dir = path.join(resultsDir, name === "main" ? "e2e" : `e2e-${name}`);
  return {
    dir,
    workspace: path.join(dir, "workspace"),
    handshake: path.join(dir, "handshake"),
    suiteLog: path.join(dir, "suite.log"),
    results: path.join(dir, "results.json"),
    userData: path.join(dir, "user-data"),
    extensions: path.join(dir, "extensions"),
    xdg: path.join(dir, "xdg"),
  };
}

/** Runs one session and resolves with its totals ({ passed, failed, pending, failures }). */
async function runSession(entry, name) {
  const paths = sessionPaths(name);
  fs.rmSync(paths.dir, { recursive: true, force: true });
  fs.mkdirSync(paths.handshake, { recursive: true });
  prepareWorkspace({ root, example, workspace: paths.workspace });
  log(
    `workspace: ${path.relative(root, paths.workspace)} (a copy of ${path.relative(root, example)}, assetline -> sdk/)`,
  );
  const trusted = name !== "untrusted";
  let vsix;
  if (name === "packaged") {
    vsix = packageExtension(paths);
    installExtension(entry, paths, vsix);
  }

  const port = await freePort();
  server = await startCodeServer(entry, port, paths, { trusted, mode: name });
  const url = workbenchUrl(port, paths.workspace, name === "packaged" ? [] : developmentPayload(port));
  log(`workbench: ${url}`);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    const browserLog = fs.createWriteStream(path.join(paths.dir, "browser.log"));
    page.on("console", (message) => browserLog.write(`[${message.type()}] ${message.text()}\n`));
    page.on("pageerror", (error) => browserLog.write(`[pageerror] ${error.stack || error.message}\n`));
    await page.goto(url);
    await page.waitForSelector(".monaco-workbench", { timeout: 120_000 });
    const prefix = name === "main" ? "" : `${name}-`;
    if (name === "packaged") {
      log("workbench loaded; checking the installed extension in the page");
      return await checkPackaged(page, paths);
    }
    log("workbench loaded; waiting for the suite's results");
    const result = await waitForResults(page, paths, prefix);
    await screenshot(page, `${prefix}final`);
    if (result.failed > 0) printExtensionLogs(paths);
    return result;
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** Installs code-server once (cached under .cache/code-server/VERSION); returns its entry script. */
function setupCodeServer() {
  const setup = spawnSync("bash", [path.join(root, "scripts", "setup-code-server.sh")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const entry = setup.stdout.trim().split("\n").pop();
  if (setup.status !== 0 || !entry || !fs.existsSync(entry)) {
    throw new Fatal("code-server is not installed: scripts/setup-code-server.sh failed (see above).");
  }
  return entry;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** code-server's own config and state stay out of the user's home. */
function xdgEnv(paths) {
  return {
    XDG_CONFIG_HOME: path.join(paths.xdg, "config"),
    XDG_DATA_HOME: path.join(paths.xdg, "data"),
    XDG_CACHE_HOME: path.join(paths.xdg, "cache"),
  };
}

/**
 * Quiet settings: no welcome page, no prompts that cover the screenshots, no network calls.
 * Untrusted: workspace trust on, no startup prompt, so the folder opens in Restricted Mode.
 */
function writeUserSettings(paths, trusted) {
  fs.mkdirSync(path.join(paths.userData, "User"), { recursive: true });
  const trust = trusted
    ? { "security.workspace.trust.enabled": false }
    : {
        "security.workspace.trust.enabled": true,
        "security.workspace.trust.startupPrompt": "never",
        "security.workspace.trust.untrustedFiles": "open",
        "security.workspace.trust.emptyWindow": false,
      };
  fs.writeFileSync(
    path.join(paths.userData, "User", "settings.json"),
    JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "workbench.welcomePage.walkthroughs.openOnInstall": false,
        "workbench.tips.enabled": false,
        "git.openRepositoryInParentFolders": "never",
        "git.autoRepositoryDetection": false,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "update.mode": "none",
        "typescript.disableAutomaticTypeAcquisition": true,
        // VS Code for the web saves after 1 s by default (desktop does not): the tests of unsaved
        // buffers need desktop's default.
        "files.autoSave": "off",
        ...trust,
      },
      null,
      2,
    ),
  );
}

/** Starts code-server on loopback and resolves once it listens (its own process group). */
function startCodeServer(entry, port, paths, { trusted, mode }) {
  for (const dir of [paths.userData, paths.extensions, paths.xdg]) fs.mkdirSync(dir, { recursive: true });
  writeUserSettings(paths, trusted);
  const args = codeServerArgs({
    entry,
    port,
    userData: paths.userData,
    extensions: paths.extensions,
    workspace: paths.workspace,
    trusted,
  });
  const logFile = path.join(paths.dir, "code-server.log");
  const out = fs.createWriteStream(logFile);
  const child = spawn(process.execPath, args, {
    cwd: paths.workspace,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Read by the suite inside the extension host (which inherits the server's environment).
      ASSETLINE_TEST_RESULTS: paths.results,
      ASSETLINE_E2E_HANDSHAKE: paths.handshake,
      ASSETLINE_E2E_LOG: paths.suiteLog,
      ASSETLINE_E2E_MODE: mode,
      ...xdgEnv(paths),
    },
  });
  log(`code-server (pid ${child.pid}) on 127.0.0.1:${port}; log: ${path.relative(root, logFile)}`);
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Fatal(`code-server did not start listening within 60 s; see ${logFile}`)),
      60_000,
    );
    const onData = (chunk) => {
      out.write(chunk);
      if (seen !== null) {
        seen += chunk.toString();
        if (/HTTP server listening on/.test(seen)) {
          seen = null;
          clearTimeout(timer);
          resolve(child);
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      child.exited = true;
      reject(new Fatal(`code-server exited (${signal || code}) before it listened; see ${logFile}`));
    });
  });
}

function developmentPayload(port) {
  const remote = (file) => `vscode-remote://127.0.0.1:${port}${file}`;
  return [
    ["extensionDevelopmentPath", remote(root)],
    ["extensionTestsPath", remote(suiteBundle)],
  ];
}

function workbenchUrl(port, workspace, payload) {
  const base = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  return payload.length > 0 ? `${base}&payload=${encodeURIComponent(JSON.stringify(payload))}` : base;
}

/**
 * Waits for the suite's results file; meanwhile answers the suite's requests (files
 * NNN-NAME.request.json in the handshake folder, answered in NNN-NAME.response.json) and notices when code-server dies.
 */
async function waitForResults(page, paths, prefix) {
  const deadline = Date.now() + sessionTimeoutMs;
  const answered = new Set();
  let printed = 0;
  const printSuiteLog = () => {
    if (!fs.existsSync(paths.suiteLog)) return;
    const text = fs.readFileSync(paths.suiteLog, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end > printed) {
      const lines = text.slice(printed, end - 1).split("\n");
      process.stdout.write(lines.map((line) => `  | ${line}\n`).join(""));
    }
    printed = Math.max(printed, end);
  };
  for (;;) {
    printSuiteLog();
    if (fs.existsSync(paths.results)) {
      try {
        const result = JSON.parse(fs.readFileSync(paths.results, "utf8"));
        printSuiteLog();
        return result;
      } catch {
        // Being written right now: read it again on the next turn.
      }
    }
    for (const file of fs.readdirSync(paths.handshake).sort()) {
      const match = /^(.*)\.request\.json$/.exec(file);
      if (!match || answered.has(match[1])) continue;
      answered.add(match[1]);
      const request = JSON.parse(fs.readFileSync(path.join(paths.handshake, file), "utf8"));
      let response;
      try {
        // NNN-NAME: the suite numbers its requests; NAME says what to do.
        response = await answer(page, match[1].replace(/^\d+-/, ""), request, prefix);
      } catch (error) {
        response = { error: String(error && error.message ? error.message : error) };
        await screenshot(page, `${prefix}${match[1]}-error`).catch(() => undefined);
      }
      const target = path.join(paths.handshake, `${match[1]}.response.json`);
      fs.writeFileSync(`${target}.tmp`, JSON.stringify(response));
      fs.renameSync(`${target}.tmp`, target);
    }
    if (server.exited)
      throw new Fatal(`code-server exited during the tests; see ${path.join(paths.dir, "code-server.log")}`);
    if (Date.now() > deadline) {
      await screenshot(page, `${prefix}timeout`).catch(() => undefined);
      throw new Fatal(
        `no results from the suite within ${sessionTimeoutMs / 1000} s (expected ${paths.results}). ` +
          `See ${path.relative(root, screenshotsDir)}/${prefix}timeout.png, ${path.relative(root, paths.dir)}/code-server.log and the extension host log under ${path.relative(root, paths.dir)}/user-data/logs.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the suite can ask the launcher to look at, or do, in the page. */
async function answer(page, name, request, prefix) {
  switch (name) {
    case "lenses": {
      // The code lenses as rendered above the declarations in the editor.
      const titles = await renderedLenses(page);
      await screenshot(page, `${prefix}workbench-lenses`);
      log(`lenses in the editor: ${titles.length} (${[...new Set(titles)].join(", ")})`);
      return { titles };
    }
    case "lineage":
    case "lineage-focus": {
      // The webview lives in nested iframes: look for the lineage SVG in each frame.
      const want = Number(request.nodes) || 1;
      let count = 0;
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        count = await countInFrames(page, "svg g.node");
        if (count === want) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // What a person sees of it: the cards inside the pane or not, and their text size on screen.
      const frame = await frameWith(page, "svg g.node");
      const seen = await frame.evaluate(measureLineage);
      await screenshot(page, `${prefix}${name}`);
      log(
        `lineage webview: ${count} svg g.node (the extension reported ${want}); pane ${seen.pane.width}x${seen.pane.height}, ` +
          `${seen.nodes.filter((node) => !node.inside).length} outside, smallest text ${seen.smallestPx?.toFixed(1)} px`,
      );
      return { svgNodes: count, ...seen };
    }
    case "hover-node": {
      // A real mouse over the node's card: what lights up; then the mouse leaves and it clears.
      const frame = await frameWith(page, nodeSelector(request.key));
      await frame.locator(`${nodeSelector(request.key)} rect.card`).hover({ timeout: 10_000 });
      await frame.waitForFunction(
        () => document.querySelector("svg.lineage")?.classList.contains("hovering"),
        null,
        {
          timeout: 10_000,
        },
      );
      const lit = await frame.evaluate(hoverState);
      await screenshot(page, `${prefix}${request.shot || "hover-node"}`);
      await page.mouse.move(2, 2);
      const cleared = await frame
        .waitForFunction(() => !document.querySelector("svg.lineage")?.classList.contains("hovering"), null, {
          timeout: 10_000,
        })
        .then(() => true)
        .catch(() => false);
      log(`hovering ${request.key}: ${JSON.stringify(lit)}; cleared on leaving: ${cleared}`);
      return { ...lit, cleared };
    }
    case "watch-node": {
      // Records every run state the node of `key` shows from now on (a MutationObserver in the
      // webview's frame, so that a state shown for a few milliseconds is not missed).
      const frame = await frameWith(page, nodeSelector(request.key));
      const initial = await frame.evaluate(watchNodeStates, request.key);
      await screenshot(page, `${prefix}${request.shot || "node-before"}`);
      log(`lineage node ${request.key}: ${initial}`);
      return { initial };
    }
    case "node-states": {
      // The states recorded since watch-node, once the node shows `until` (or 30 s have passed).
      const frame = await frameWith(page, nodeSelector(request.key));
      await frame
        .waitForFunction(
          ([key, until]) => {
            const states = window.__assetlineWatch?.[key];
            return Array.isArray(states) && states[states.length - 1] === until;
          },
          [request.key, request.until],
          { timeout: 30_000 },
        )
        .catch(() => undefined);
      const states = await frame.evaluate((key) => window.__assetlineWatch?.[key] ?? null, request.key);
      await screenshot(page, `${prefix}${request.shot || "node-after"}`);
      log(`lineage node ${request.key}: states ${JSON.stringify(states)}`);
      return { states };
    }
    case "click-node": {
      // Fit the graph (the view may be zoomed or panned), then a real mouse click on the node
      // (on its `part` when given, e.g. a failed node's "go to error" line, once it is drawn).
      const part = `${nodeSelector(request.key)} ${request.part || "rect.card"}`;
      const frame = await frameWith(page, part);
      const fit = frame.locator("button", { hasText: /^Fit$/ });
      if (await fit.count()) await fit.first().click();
      await frame.locator(part).click({ timeout: 10_000 });
      log(`clicked lineage node ${request.key}${request.part ? ` (${request.part})` : ""}`);
      return { clicked: true };
    }
    case "editor-state": {
      // The active editor tab's title and the cursor position in the status bar, once the tab
      // named `tab` is active.
      const tab = page.locator(".tabs-container .tab.active");
      if (request.tab) {
        await page
          .locator(".tabs-container .tab.active .label-name", { hasText: request.tab })
          .first()
          .waitFor({ timeout: 15_000 })
          .catch(() => undefined);
      }
      const title = (
        (
          await tab
            .first()
            .locator(".label-name")
            .allInnerTexts()
            .catch(() => [])
        )[0] ?? ""
      ).trim();
      const cursor = (
        await page
          .locator('[id="status.editor.selection"]')
          .first()
          .innerText({ timeout: 5_000 })
          .catch(() => "")
      ).trim();
      await screenshot(page, `${prefix}${request.shot || "editor"}`);
      log(`active tab: ${title}; cursor: ${cursor}`);
      return { title, cursor };
    }
    case "type-input": {
      // Types into the open quick input key by key, as a person does (after `keys`, e.g. to
      // accept a completion first); reads what it shows (its message, or its rows, each row's
      // text on one line) until some of it has `until`; then presses Enter unless told not to.
      const widget = page.locator(".quick-input-widget");
      await widget.waitFor({ state: "visible", timeout: 15_000 });
      await widget.locator("input").first().focus();
      for (const key of request.keys ?? []) await page.keyboard.press(key);
      if (request.text) await page.keyboard.type(request.text, { delay: 20 });
      const message = widget.locator(".quick-input-message");
      const rows = widget.locator(".quick-input-list .monaco-list-row");
      const until = Date.now() + 10_000;
      let shown = "";
      let texts = [];
      while (Date.now() < until) {
        shown = (await message.innerText().catch(() => "")).trim();
        texts = (await rows.allInnerTexts().catch(() => [])).map((text) => text.replace(/\s+/g, " ").trim());
        // `first`: `until` must be in the first row (a list being redrawn can show old rows too).
        const all = request.first ? (texts[0] ?? "") : [shown, ...texts].join("\n");
        if ((shown || texts.length > 0) && (!request.until || all.includes(request.until))) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await screenshot(page, `${prefix}${request.shot || "input"}`);
      log(
        `typed "${request.text ?? ""}"${request.keys ? ` after ${request.keys.join(", ")}` : ""}; it shows: ${texts.length > 0 ? texts.slice(0, 4).join(" | ") : shown}`,
      );
      if (request.enter !== false) await page.keyboard.press("Enter");
      return { message: shown, rows: texts };
    }
    case "quick-pick": {
      // The open quick pick: its items' labels, then a real click on the one that has `choose`.
      const widget = page.locator(".quick-input-widget");
      await widget.waitFor({ state: "visible", timeout: 15_000 });
      const rows = widget.locator(".quick-input-list .monaco-list-row");
      await rows.first().waitFor({ timeout: 10_000 });
      const labels = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, " ").trim());
      await screenshot(page, `${prefix}${request.shot || "quick-pick"}`);
      log(`quick pick: ${labels.slice(0, 6).join(" | ")}${labels.length > 6 ? " | ..." : ""}`);
      if (request.choose) {
        const row = rows.filter({ hasText: request.choose }).first();
        await row.click({ timeout: 10_000 });
        log(`picked "${request.choose}"`);
      }
      return { labels };
    }
    case "node-health": {
      // The health bar's segments drawn under a lineage node (their classes and widths).
      const frame = await frameWith(page, nodeSelector(request.key));
      const until = Date.now() + 15_000;
      let segments = [];
      while (Date.now() < until) {
        segments = await frame.evaluate((css) => {
          const node = document.querySelector(css);
          return [...(node?.querySelectorAll("g.health rect") ?? [])].map((rect) => ({
            state: rect.getAttribute("class"),
            width: Number(rect.getAttribute("width")),
          }));
        }, nodeSelector(request.key));
        if (segments.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await screenshot(page, `${prefix}${request.shot || "node-health"}`);
      log(`lineage node ${request.key} health: ${JSON.stringify(segments)}`);
      return { segments };
    }
    case "notification": {
      // The text of the notification toast that contains `contains`.
      const toast = page.locator(".notification-toast .notification-list-item-message", {
        hasText: request.contains,
      });
      await toast.first().waitFor({ timeout: 15_000 });
      const text = (await toast.first().innerText()).trim();
      await screenshot(page, `${prefix}${request.shot || "notification"}`);
      log(`notification: ${text}`);
      return { text };
    }
    case "restricted-mode": {
      // The status bar's Restricted Mode indicator (shown in an untrusted workspace).
      const indicator = page.locator(".statusbar-item", { hasText: /Restricted Mode/ });
      const shown = await indicator
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      await screenshot(page, `${prefix}${request.shot || "restricted-mode"}`);
      return { shown };
    }
    case "testing-view": {
      // The Test Explorer's rows (label and state, from their accessible names).
      const rows = page.locator(".test-explorer .monaco-list-row");
      await rows.first().waitFor({ timeout: 15_000 });
      const labels = await rows.evaluateAll((elements) =>
        elements.map((element) => element.getAttribute("aria-label") || element.textContent || ""),
      );
      await screenshot(page, `${prefix}${request.shot || "testing"}`);
      log(`test explorer rows: ${JSON.stringify(labels)}`);
      return { rows: labels };
    }
    case "view-rows": {
      // The rows of a side bar view (its pane found by its title), as a person reads them.
      const pane = page.locator(".pane", { has: page.locator(".pane-header", { hasText: request.view }) });
      const rows = pane.first().locator(".monaco-list-row");
      await rows.first().waitFor({ timeout: 15_000 });
      if (request.contains)
        await rows
          .filter({ hasText: request.contains })
          .first()
          .waitFor({ timeout: 15_000 })
          .catch(() => undefined);
      if (request.expand) {
        // Open the row whose text has `contains` by its twistie (a click on the label would also
        // run the row's command).
        const before = await rows.count();
        const row = rows.filter({ hasText: request.contains }).first();
        await row.locator(".monaco-tl-twistie").click({ timeout: 10_000 });
        const until = Date.now() + 10_000;
        while ((await rows.count()) <= before && Date.now() < until)
          await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Each row's label and description as the tree draws them (VS Code's icon label parts).
      const texts = await rows.evaluateAll((elements) =>
        elements.map((row) => ({
          label: row.querySelector(".label-name")?.textContent?.trim() ?? "",
          description: row.querySelector(".label-description")?.textContent?.trim() ?? "",
        })),
      );
      await screenshot(page, `${prefix}${request.shot || "view-rows"}`);
      log(`${request.view} rows: ${texts.map((row) => `${row.label} | ${row.description}`).join("; ")}`);
      return { rows: texts };
    }
    case "screenshot": {
      await screenshot(page, `${prefix}${request.shot}`);
      return {};
    }
    default:
      return { error: `unknown request '${name}'` };
  }
}

/** Runs in the webview's frame: starts recording the node's state classes; returns the current one. */
function watchNodeStates(key) {
  const selector = `svg g.node[data-key="${CSS.escape(key)}"]`;
  const stateOf = () => {
    const node = document.querySelector(selector);
    if (!node) return "absent";
    const state = [...node.classList].find((name) => name.startsWith("state-"));
    return state ? state.slice("state-".length) : "none";
  };
  const watch = (window.__assetlineWatch ??= {});
  const states = (watch[key] = [stateOf()]);
  const record = () => {
    const now = stateOf();
    if (states[states.length - 1] !== now) states.push(now);
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["class"],
  });
  return states[0];
}

function nodeSelector(key) {
  return `svg g.node[data-key=${JSON.stringify(String(key))}]`;
}

/** The frame (of the nested webview iframes) that holds `selector`; waits up to 15 s for it. */
async function frameWith(page, selector) {
  const until = Date.now() + 15_000;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.evaluate((css) => document.querySelector(css) !== null, selector)) return frame;
      } catch {
        // A frame navigating or detached: skip it.
      }
    }
    if (Date.now() > until) throw new Error(`no frame of the page holds ${selector}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function countInFrames(page, selector) {
  let best = 0;
  for (const frame of page.frames()) {
    try {
      const count = await frame.evaluate((css) => document.querySelectorAll(css).length, selector);
      best = Math.max(best, count);
    } catch {
      // A frame navigating or detached: skip it.
    }
  }
  return best;
}

async function renderedLenses(page) {
  const lenses = page.locator(".codelens-decoration a");
  await lenses.first().waitFor({ state: "visible", timeout: 30_000 });
  return (await lenses.allInnerTexts()).map((title) => title.trim()).filter(Boolean);
}

async function screenshot(page, name) {
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot: ${path.relative(root, file)}`);
}

// ---- the packaged extension ------------------------------------------------------------------

/** `npm run package` (minified build + vsce); returns the .vsix. Rebuilds the normal bundles after. */
function packageExtension(paths) {
  const vsix = path.join(root, "assetline.vsix");
  fs.rmSync(vsix, { force: true });
  const begun = Date.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const packaged = spawnSync(npm, ["run", "package"], { cwd: root, encoding: "utf8" });
  fs.writeFileSync(path.join(paths.dir, "package.log"), `${packaged.stdout}\n${packaged.stderr}`);
  // The other sessions and the developer's debugging use the normal (unminified) bundles.
  const rebuilt = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  if (packaged.status !== 0 || !fs.existsSync(vsix)) {
    const tail = `${packaged.stdout}\n${packaged.stderr}`.trim().split("\n").slice(-6).join("\n");
    throw new Fatal(`\`npm run package\` failed (exit ${packaged.status}):\n${tail}`);
  }
  if (rebuilt.status !== 0)
    throw new Fatal(`node scripts/build.mjs failed after packaging:\n${rebuilt.stderr}`);
  log(
    `npm run package: ${path.relative(root, vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB) in ${((Date.now() - begun) / 1000).toFixed(1)} s`,
  );
  return vsix;
}

/** `code-server --install-extension FILE.vsix` into the session's (clean) extensions folder. */
function installExtension(entry, paths, vsix) {
  for (const dir of [paths.userData, paths.extensions, paths.xdg]) fs.mkdirSync(dir, { recursive: true });
  const begun = Date.now();
  const installed = spawnSync(
    process.execPath,
    [
      entry,
      "--user-data-dir",
      paths.userData,
      "--extensions-dir",
      paths.extensions,
      "--install-extension",
      vsix,
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, ...xdgEnv(paths) }, timeout: 120_000 },
  );
  fs.writeFileSync(path.join(paths.dir, "install.log"), `${installed.stdout}\n${installed.stderr}`);
  const folders = fs.existsSync(paths.extensions)
    ? fs.readdirSync(paths.extensions).filter((name) => name.startsWith("assetline.assetline-vscode-"))
    : [];
  if (installed.status !== 0 || folders.length !== 1) {
    throw new Fatal(
      `installing ${path.basename(vsix)} into ${path.relative(root, paths.extensions)} failed (exit ${installed.status}; found ${JSON.stringify(folders)}):\n${installed.stdout}${installed.stderr}`,
    );
  }
  log(`installed ${folders[0]} in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
}

/**
 * The checks of the packaged session, made in the page: the status bar shows the number of
 * assets `assetline graph --json` finds, and src/transform.ts shows Run lenses.
 */
async function checkPackaged(page, paths) {
  const result = { passed: 0, failed: 0, pending: 0, failures: [] };
  const check = async (title, body) => {
    try {
      await body();
      result.passed++;
      console.log(`  ✔ ${title}`);
    } catch (error) {
      result.failed++;
      result.failures.push({ title, error: String(error && error.stack ? error.stack : error) });
      console.log(`  ✘ ${title}: ${String(error && error.message ? error.message : error).split("\n")[0]}`);
      await screenshot(page, `packaged-failed-${result.failed}`).catch(() => undefined);
    }
  };
  const graph = spawnSync(
    process.execPath,
    [path.join(root, "sdk", "bin", "assetline.js"), "graph", "--json", "--root", paths.workspace],
    { cwd: paths.workspace, encoding: "utf8", timeout: 60_000 },
  );
  if (graph.status !== 0) throw new Fatal(`assetline graph --json failed: ${graph.stderr}`);
  const assets = JSON.parse(graph.stdout).assets.length;

  await check(`the status bar shows "${assets} assets" (the count of assetline graph)`, async () => {
    const item = page.locator('[id="assetline.assetline-vscode.assetline.status"], .statusbar-item', {
      hasText: new RegExp(`^\\s*${assets} assets\\s*$`),
    });
    try {
      await item.first().waitFor({ timeout: 60_000 });
    } catch {
      const texts = await page.locator(".statusbar-item").allInnerTexts();
      throw new Error(
        `no status bar item reads "${assets} assets"; the status bar shows ${JSON.stringify(texts)}`,
      );
    }
    await screenshot(page, "packaged-status-bar");
  });

  await check("the package holds the bundles and no source maps", async () => {
    const installed = path.join(
      paths.extensions,
      fs.readdirSync(paths.extensions).find((name) => name.startsWith("assetline.")),
    );
    const files = fs
      .readdirSync(installed, { recursive: true })
      .map((file) => String(file).split(path.sep).join("/"));
    for (const bundle of [
      "dist/client/extension.js",
      "dist/server/server.js",
      "dist/webview/lineage.js",
      "dist/webview/lineage.css",
    ])
      if (!files.includes(bundle)) throw new Error(`the installed extension lacks ${bundle}`);
    const maps = files.filter((file) => file.endsWith(".map"));
    if (maps.length > 0)
      throw new Error(`the package ships source maps (see .vscodeignore): ${maps.join(", ")}`);
  });

  await check('src/transform.ts shows "Run" code lenses', async () => {
    // Quick Open, as a person would: Ctrl+P, the file's name, Enter.
    await page.locator(".monaco-workbench").click({ position: { x: 700, y: 400 } });
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 10_000 });
    await input.fill("transform.ts");
    await page
      .locator(".quick-input-list .monaco-list-row", { hasText: "transform.ts" })
      .first()
      .waitFor({ timeout: 15_000 });
    await page.keyboard.press("Enter");
    await page
      .locator(".tabs-container .tab.active .label-name", { hasText: "transform.ts" })
      .waitFor({ timeout: 15_000 });
    const titles = await renderedLenses(page);
    await screenshot(page, "packaged-lenses");
    log(`lenses in the editor: ${titles.length} (${[...new Set(titles)].join(", ")})`);
    if (!titles.some((title) => /\bRun\b/.test(title)))
      throw new Error(`no "Run" lens is rendered; saw ${JSON.stringify(titles)}`);
  });
  return result;
}

// ---------------------------------------------------------------------------------------------

function summarize(result) {
  const { passed = 0, failed = 0, pending = 0 } = result || {};
  return `${passed} passed, ${failed} failed, ${pending} pending`;
}

/** Prints the outcome; 0 when tests ran and none failed. */
function report(result) {
  log(`all sessions: ${summarize(result)}`);
  for (const failure of result.failures || [])
    console.log(`  FAILED ${failure.title}: ${String(failure.error).split("\n")[0]}`);
  if (result.passed + result.failed === 0) {
    console.log("e2e: the suite ran no test");
    return 1;
  }
  return result.failed > 0 ? 1 : 0;
}

/** The tail of the extension's output channels (runs, server log), to see why a test failed. */
function printExtensionLogs(paths) {
  const logs = path.join(paths.userData, "logs");
  if (!fs.existsSync(logs)) return;
  const files = fs
    .readdirSync(logs, { recursive: true })
    .map(String)
    .filter((file) => /^(\d+-)?Assetline( Runs)?\.log$/.test(path.basename(file)));
  for (const file of files) {
    const lines = fs.readFileSync(path.join(logs, file), "utf8").trimEnd().split("\n");
    console.log(
      `--- ${path.relative(root, path.join(logs, file))} (last ${Math.min(lines.length, 25)} lines)`,
    );
    for (const line of lines.slice(-25)) console.log(`  ${line}`);
  }
}

/** Stops the current session's code-server and whatever is left of its process group. */
async function stopServer() {
  const child = server;
  server = undefined;
  if (!child) return;
  if (!child.exited) {
    const gone = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 5_000);
    await gone;
    clearTimeout(timer);
  }
  // Whatever is left of the process group (the language server, a run) goes too.
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Nothing left.
  }
}
