// Draws the extension's 128x128 PNG icon (the Marketplace and the Get Started page need a PNG)
// from media/assetline.svg, white on a blue tile, in Debian's Chromium:
//   node scripts/icon.mjs        writes media/assetline.png
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const svg = fs.readFileSync(path.join(root, "media", "assetline.svg"), "utf8");
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">
      <div style="width:128px;height:128px;border-radius:24px;background:#1f6feb;display:flex;align-items:center;justify-content:center;color:#fff">
        ${svg.replace("<svg ", '<svg style="width:96px;height:96px" ')}
      </div></body></html>`,
  );
  const file = path.join(root, "media", "assetline.png");
  await page.screenshot({ path: file, omitBackground: true });
  console.log(`icon: ${path.relative(root, file)}`);
} finally {
  await browser.close();
}
