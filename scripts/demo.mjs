// Opens examples/shop in VS Code with the Assetline extension loaded from this checkout.
// `npm run demo` installs first (its `prepare` script builds), then runs this.
//
//   node scripts/demo.mjs                 desktop VS Code (`code`) if it is on the PATH,
//                                         else code-server on 127.0.0.1 until Ctrl-C
//   node scripts/demo.mjs --browser       always code-server (VS Code in the browser)
//   node scripts/demo.mjs --port 8080     the port to open (default: 8080, or a free one); it
//                                         redirects to code-server's workbench on another port
//   node scripts/demo.mjs --screenshot    code-server, open it in Debian's Chromium, save
//                                         test-results/screenshots/demo.png, and stop
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { codeServerArgs } from "./code-server.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const example = path.join(root, "examples", "shop");
const args = process.argv.slice(2);
const screenshot = args.includes("--screenshot");
const browserOnly = args.includes("--browser") || screenshot;
const portArg = args.includes("--port") ? Number(args[args.indexOf("--port") + 1]) : undefined;

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(root, "dist", "client", "extension.js"))) {
  fail("the extension is not built: run `npm run demo` (or `npm install && npm run build`) first.");
}
if (!fs.existsSync(path.join(example, "package.json"))) fail(`${example} is missing.`);
// The example reads the library through its type declarations (the editor finds assets by
// their types): a fresh checkout's bundles come without them, so build them once.
if (!fs.existsSync(path.join(root, "sdk", "dist", "index.d.ts"))) {
  console.log("demo: building the assetline library's type declarations (once, ~20 s)");
  const tsc = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b", "sdk"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (tsc.status !== 0)
    fail("the type declarations did not build (see above); `npm run typecheck` says why.");
}

const code = browserOnly ? undefined : onPath(process.platform === "win32" ? "code.cmd" : "code");
if (code) {
  console.log(`demo: opening ${path.relative(root, example)} in VS Code with the extension from ${root}`);
  const result = spawnSync(code, ["--new-window", `--extensionDevelopmentPath=${root}`, example], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}

// No desktop VS Code: the browser one, code-server (installed once under .cache/).
const setup = spawnSync("bash", [path.join(root, "scripts", "setup-code-server.sh")], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
});
const entry = setup.stdout.trim().split("\n").pop();
if (setup.status !== 0 || !entry || !fs.existsSync(entry))
  fail("code-server could not be set up (see above).");

const codeServerVersion = JSON.parse(
  fs.readFileSync(path.join(path.dirname(entry), "..", "..", "package.json"), "utf8"),
).version;
// The address the user opens (`port`) answers with a redirect to the workbench, whose URL must
// carry the extension's path (a long `payload` query); code-server itself listens on another port.
const port = portArg ?? ((await isFree(8080)) ? 8080 : await freePort());
const serverPort = await freePort();
const state = path.join(root, ".cache", "demo");
const userData = path.join(state, "user-data");
fs.mkdirSync(path.join(userData, "User"), { recursive: true });
const settings = path.join(userData, "User", "settings.json");
if (!fs.existsSync(settings)) {
  fs.writeFileSync(
    settings,
    JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "git.openRepositoryInParentFolders": "never",
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
      },
      null,
      2,
    ),
  );
}
const server = spawn(
  process.execPath,
  codeServerArgs({
    entry,
    port: serverPort,
    userData,
    extensions: path.join(state, "extensions"),
    workspace: example,
    // The screenshot is taken unattended: nobody is there to answer the trust prompt.
    trusted: screenshot,
  }),
  {
    cwd: example,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(state, "xdg-config"),
      XDG_DATA_HOME: path.join(state, "xdg-data"),
    },
  },
);
const logFile = path.join(state, "code-server.log");
const log = fs.createWriteStream(logFile);
server.stdout.pipe(log);
server.stderr.pipe(log);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (status, signal) => {
  if (!stopping)
    console.error(`demo: code-server stopped (${signal ?? status}); see ${path.relative(root, logFile)}`);
  process.exit(stopping ? (process.exitCode ?? 0) : 1);
});

await new Promise((resolve) => {
  let seen = "";
  const onData = (chunk) => {
    seen += chunk.toString();
    if (/HTTP server listening on/.test(seen)) {
      server.stdout.off("data", onData);
      server.stderr.off("data", onData);
      resolve();
    }
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
});

const payload = [["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${serverPort}${root}`]];
const url = `http://127.0.0.1:${serverPort}/?folder=${encodeURIComponent(example)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
const short = `http://127.0.0.1:${port}/`;
const redirect = http.createServer((_request, response) => {
  response.writeHead(302, { Location: url, "Cache-Control": "no-store" });
  response.end();
});
await new Promise((resolve, reject) => {
  redirect.once("error", (error) =>
    reject(new Error(`port ${port} is taken (${error.code}): pass --port N`)),
  );
  redirect.listen(port, "127.0.0.1", resolve);
}).catch((error) => {
  stop();
  fail(error.message);
});

if (screenshot) {
  const { launchChromium } = await import("./chromium.mjs");
  const browser = await launchChromium();
  let ok = false;
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForSelector(".monaco-workbench", { timeout: 120_000 });
    // The extension is up when its status bar item reports the asset count.
    await page
      .getByText(/[1-9]\d* assets/)
      .first()
      .waitFor({ timeout: 120_000 });
    // What the README shows: an asset's file beside its lineage, with the sidebar closed.
    await page.locator(".monaco-workbench").click();
    await page.keyboard.press("Control+P");
    await page.locator(".quick-input-widget input").waitFor({ timeout: 30_000 });
    await page.keyboard.type("transform.ts");
    await page.locator(".quick-input-list .monaco-list-row").first().waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    const lens = page.locator(".codelens-decoration a", { hasText: "Show lineage" });
    await lens.first().waitFor({ timeout: 60_000 });
    await page.keyboard.press("Control+B");
    await lens.first().click();
    const drawn = async () => {
      for (const frame of page.frames()) {
        const count = await frame
          .locator("svg g.node")
          .count()
          .catch(() => 0);
        if (count > 0) return count;
      }
      return 0;
    };
    const deadline = Date.now() + 60_000;
    let nodes = 0;
    while ((nodes = await drawn()) === 0 && Date.now() < deadline) await page.waitForTimeout(250);
    if (nodes === 0) throw new Error("the lineage view drew no node within a minute");
    const file = path.join(root, "test-results", "screenshots", "demo.png");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    console.log(`demo: lineage view with ${nodes} nodes; screenshot ${path.relative(root, file)}`);
    ok = true;
  } catch (error) {
    console.error(`demo: ${error.message}`);
    await page
      ?.screenshot({ path: path.join(root, "test-results", "screenshots", "demo-failed.png") })
      .catch(() => undefined);
  } finally {
    await browser.close();
    stop();
  }
  process.exitCode = ok ? 0 : 1;
} else {
  const opened = openBrowser(short);
  console.log(`
Assetline demo: VS Code (code-server ${codeServerVersion}) is serving examples/shop
with the extension loaded from this checkout.

  ${opened ? `Opened in your browser (${opened}). If it did not appear, open` : "Open"} ${short}

VS Code first asks whether you trust the folder's authors: "Yes" lets you run assets;
"No" opens it in Restricted Mode (the graph and diagnostics, nothing runs).

(Listening on 127.0.0.1 only. Press Ctrl-C to stop.)`);
}

/** Opens `target` in the desktop's browser when there is one; the opener's name, or undefined. */
function openBrowser(target) {
  if (process.env.CI || process.env.ASSETLINE_DEMO_NO_BROWSER) return undefined;
  const opener =
    process.platform === "darwin"
      ? "open"
      : process.platform === "win32"
        ? undefined
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? onPath("xdg-open")
          : undefined;
  if (!opener) return undefined;
  try {
    spawn(opener, [target], { stdio: "ignore", detached: true }).unref();
    return path.basename(opener);
  } catch {
    return undefined;
  }
}

function onPath(command) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function isFree(candidate) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(candidate, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}
