// Runs the end-to-end suite (test/e2e/suite, bundled to out/e2e/suite.js) inside a real VS Code:
// code-server (VS Code 1.100.3's server and web workbench, installed by
// scripts/setup-code-server.sh) driven by Debian's Chromium through playwright-core.
//
//   node test/e2e/launch.mjs                      results in test-results/e2e.json
//   ASSETLINE_TEST_RESULTS=file node test/e2e/launch.mjs   (what test/run-all.mjs does)
//   ASSETLINE_E2E_TIMEOUT_MS=600000 ...           overall time limit (default 6 minutes)
//   ASSETLINE_E2E_HEADED=1 ...                    show the browser (needs a display)
//   ASSETLINE_E2E_EXAMPLE=dir ...                 another pipeline project than examples/shop
//
// It copies examples/shop to test-results/e2e/workspace (with node_modules/assetline linked to
// sdk/), starts code-server on 127.0.0.1 with throwaway user-data and extensions folders, and
// opens the workbench with the extension under development and the suite loaded through the
// URL's `payload`. The suite writes its totals to ASSETLINE_TEST_RESULTS (the extension host's
// exit code never reaches us); this script waits for that file, answers the suite's requests
// to look at the page (screenshots in test-results/screenshots/, lenses and SVG nodes counted
// in the DOM), always stops code-server and the browser, and exits non-zero when the results
// are missing or report failures.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Fatal, ensureBuilt, prepareWorkspace } from "./workspace.mjs";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const resultsDir = path.join(root, "test-results");
const e2eDir = path.join(resultsDir, "e2e");
const screenshotsDir = path.join(resultsDir, "screenshots");
const workspace = path.join(e2eDir, "workspace");
const handshakeDir = path.join(e2eDir, "handshake");
const suiteLog = path.join(e2eDir, "suite.log");
const resultsFile = path.resolve(process.env.ASSETLINE_TEST_RESULTS || path.join(resultsDir, "e2e.json"));
const suiteBundle = path.join(root, "out", "e2e", "suite.js");
const example = path.resolve(process.env.ASSETLINE_E2E_EXAMPLE || path.join(root, "examples", "shop"));
const chromiumPath = process.env.ASSETLINE_CHROMIUM || "/usr/bin/chromium";
const overallTimeoutMs = Number(process.env.ASSETLINE_E2E_TIMEOUT_MS || 6 * 60_000);

const started = Date.now();
const log = (message) =>
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

let server; // the code-server child process (leader of its own process group)
let browser;
let exitCode = 1;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  fs.rmSync(resultsFile, { force: true });
  fs.rmSync(e2eDir, { recursive: true, force: true });
  fs.rmSync(screenshotsDir, { recursive: true, force: true });
  fs.mkdirSync(handshakeDir, { recursive: true });
  fs.mkdirSync(screenshotsDir, { recursive: true });

  ensureBuilt(root, log);
  const entry = setupCodeServer();
  if (!fs.existsSync(chromiumPath)) {
    throw new Fatal(
      `Chromium is not at ${chromiumPath}. Install Debian's package (apt-get install chromium) or set ASSETLINE_CHROMIUM.`,
    );
  }
  prepareWorkspace({ root, example, workspace });
  log(
    `workspace: ${path.relative(root, workspace)} (a copy of ${path.relative(root, example)}, assetline -> sdk/)`,
  );

  const port = await freePort();
  server = await startCodeServer(entry, port);
  const url = workbenchUrl(port);
  log(`workbench: ${url}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: !process.env.ASSETLINE_E2E_HEADED,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const browserLog = fs.createWriteStream(path.join(e2eDir, "browser.log"));
  page.on("console", (message) => browserLog.write(`[${message.type()}] ${message.text()}\n`));
  page.on("pageerror", (error) => browserLog.write(`[pageerror] ${error.stack || error.message}\n`));

  await page.goto(url);
  await page.waitForSelector(".monaco-workbench", { timeout: 120_000 });
  log("workbench loaded; waiting for the suite's results");

  const result = await waitForResults(page);
  await screenshot(page, "final");
  exitCode = report(result);
} catch (error) {
  if (error instanceof Fatal) console.error(`e2e: ${error.message}`);
  else console.error(`e2e: ${error && error.stack ? error.stack : error}`);
  exitCode = 1;
} finally {
  await stopAll();
}
log(`done (exit ${exitCode})`);
process.exit(exitCode);

// ---------------------------------------------------------------------------------------------

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

/** Starts code-server on loopback and resolves once it listens (its own process group). */
function startCodeServer(entry, port) {
  const userData = path.join(e2eDir, "user-data");
  const extensions = path.join(e2eDir, "extensions");
  const xdg = path.join(e2eDir, "xdg");
  for (const dir of [userData, extensions, xdg]) fs.mkdirSync(dir, { recursive: true });
  // Quiet settings: no welcome page, no prompts that cover the screenshots, no network calls.
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(
    path.join(userData, "User", "settings.json"),
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
        "security.workspace.trust.enabled": false,
      },
      null,
      2,
    ),
  );
  const args = [
    entry,
    "--auth",
    "none",
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--user-data-dir",
    userData,
    "--extensions-dir",
    extensions,
    workspace,
  ];
  const logFile = path.join(e2eDir, "code-server.log");
  const out = fs.createWriteStream(logFile);
  const child = spawn(process.execPath, args, {
    cwd: workspace,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Read by the suite inside the extension host (which inherits the server's environment).
      ASSETLINE_TEST_RESULTS: resultsFile,
      ASSETLINE_E2E_HANDSHAKE: handshakeDir,
      ASSETLINE_E2E_LOG: suiteLog,
      // code-server's own config and state stay out of the user's home.
      XDG_CONFIG_HOME: path.join(xdg, "config"),
      XDG_DATA_HOME: path.join(xdg, "data"),
      XDG_CACHE_HOME: path.join(xdg, "cache"),
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

function workbenchUrl(port) {
  const remote = (file) => `vscode-remote://127.0.0.1:${port}${file}`;
  const payload = [
    ["extensionDevelopmentPath", remote(root)],
    ["extensionTestsPath", remote(suiteBundle)],
  ];
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Waits for the suite's results file; meanwhile answers the suite's requests (files
 * NAME.request.json in the handshake folder) and notices when code-server dies.
 */
async function waitForResults(page) {
  const deadline = started + overallTimeoutMs;
  const answered = new Set();
  let printed = 0;
  const printSuiteLog = () => {
    if (!fs.existsSync(suiteLog)) return;
    const text = fs.readFileSync(suiteLog, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end > printed) {
      const lines = text.slice(printed, end - 1).split("\n");
      process.stdout.write(lines.map((line) => `  | ${line}\n`).join(""));
    }
    printed = Math.max(printed, end);
  };
  for (;;) {
    printSuiteLog();
    if (fs.existsSync(resultsFile)) {
      try {
        const result = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
        printSuiteLog();
        return result;
      } catch {
        // Being written right now: read it again on the next turn.
      }
    }
    for (const file of fs.readdirSync(handshakeDir)) {
      const match = /^(.*)\.request\.json$/.exec(file);
      if (!match || answered.has(match[1])) continue;
      answered.add(match[1]);
      const request = JSON.parse(fs.readFileSync(path.join(handshakeDir, file), "utf8"));
      let response;
      try {
        response = await answer(page, match[1], request);
      } catch (error) {
        response = { error: String(error && error.message ? error.message : error) };
      }
      const target = path.join(handshakeDir, `${match[1]}.response.json`);
      fs.writeFileSync(`${target}.tmp`, JSON.stringify(response));
      fs.renameSync(`${target}.tmp`, target);
    }
    if (server.exited)
      throw new Fatal(`code-server exited during the tests; see ${path.join(e2eDir, "code-server.log")}`);
    if (Date.now() > deadline) {
      await screenshot(page, "timeout").catch(() => undefined);
      throw new Fatal(
        `no results from the suite within ${overallTimeoutMs / 1000} s (expected ${resultsFile}). ` +
          `See test-results/screenshots/timeout.png, ${path.relative(root, e2eDir)}/code-server.log and the extension host log under ${path.relative(root, e2eDir)}/user-data/logs.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What the suite can ask the launcher to look at in the page. */
async function answer(page, name, request) {
  switch (name) {
    case "lenses": {
      // The code lenses as rendered above the declarations in the editor.
      const lenses = page.locator(".codelens-decoration a");
      await lenses.first().waitFor({ state: "visible", timeout: 20_000 });
      const titles = (await lenses.allInnerTexts()).map((title) => title.trim()).filter(Boolean);
      await screenshot(page, "workbench-lenses");
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
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await screenshot(page, name);
      log(`lineage webview: ${count} svg g.node (the extension reported ${want})`);
      return { svgNodes: count };
    }
    default:
      return { error: `unknown request '${name}'` };
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

async function screenshot(page, name) {
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot: ${path.relative(root, file)}`);
}

/** Prints the suite's outcome; 0 when it ran tests and none failed. */
function report(result) {
  const { passed = 0, failed = 0, pending = 0, failures = [] } = result || {};
  log(`suite: ${passed} passed, ${failed} failed, ${pending} pending`);
  for (const failure of failures)
    console.log(`  FAILED ${failure.title}: ${String(failure.error).split("\n")[0]}`);
  if (failed > 0) printExtensionLogs();
  if (passed + failed === 0) {
    console.log("e2e: the suite ran no test");
    return 1;
  }
  return failed > 0 ? 1 : 0;
}

/** The tail of the extension's output channels (runs, server log), to see why a test failed. */
function printExtensionLogs() {
  const logs = path.join(e2eDir, "user-data", "logs");
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

async function stopAll() {
  if (browser) await browser.close().catch(() => undefined);
  if (server && !server.exited) {
    const gone = new Promise((resolve) => server.once("exit", resolve));
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 5_000);
    await gone;
    clearTimeout(timer);
  }
  // Whatever is left of the process group (the language server, a run) goes too.
  if (server) {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // Nothing left.
    }
  }
}
