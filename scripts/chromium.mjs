// Launching Debian's Chromium through playwright-core (no browser download), the one way the
// e2e launcher, the demo's screenshot and the webview harness all use.
import { chromium } from "playwright-core";

/** Where Chromium is: ASSETLINE_CHROMIUM, else Debian's package. */
export const chromiumPath = process.env.ASSETLINE_CHROMIUM || "/usr/bin/chromium";

/**
 * Flags for a closed network and a root user: no sandbox (root), no GPU, and none of the
 * background connections that this machine's network would refuse.
 */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Starts Chromium; `headless: false` (with a display) shows the window. */
export function launchChromium({ headless = true } = {}) {
  return chromium.launch({ executablePath: chromiumPath, headless, args: ARGS });
}
