/**
 * The extension's manifest: every command a walkthrough step links to or a menu names exists,
 * either contributed and registered by the client, or one of VS Code's own; every step's
 * markdown ships in the package.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string }[]>;
    walkthroughs: {
      id: string;
      steps: { id: string; description: string; media: { markdown?: string } }[];
    }[];
    views: Record<string, { id: string }[]>;
  };
};
const clientSources = fs
  .readdirSync(path.join(root, "client", "src"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => fs.readFileSync(path.join(root, "client", "src", file), "utf8"))
  .join("\n");
const protocol = fs.readFileSync(path.join(root, "protocol", "src", "lsp.ts"), "utf8");
/** VS Code's own commands the manifest links to. */
const BUILT_IN = new Set(["workbench.view.testing.focus", "workbench.action.openWalkthrough"]);

function registered(command: string): boolean {
  if (clientSources.includes(`"${command}"`)) return true;
  // Commands named through the protocol's `Commands` table.
  const name = new RegExp(`(\\w+): "${command.replace(/\./g, "\\.")}"`).exec(protocol)?.[1];
  return name !== undefined && clientSources.includes(`Commands.${name}`);
}

describe("the extension manifest", () => {
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const views = new Set(
    Object.values(manifest.contributes.views)
      .flat()
      .map((v) => `${v.id}.focus`),
  );

  it("contributes and registers every command it names", () => {
    for (const command of contributed)
      assert.ok(registered(command), `${command} is contributed but never registered`);
    for (const entries of Object.values(manifest.contributes.menus))
      for (const { command } of entries)
        assert.ok(contributed.has(command), `a menu names ${command}, which is not contributed`);
  });

  it("has a walkthrough whose links lead somewhere and whose pages ship", () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough && walkthrough.steps.length >= 4, "a getting-started walkthrough with its steps");
    for (const step of walkthrough.steps) {
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(
          contributed.has(command!) || views.has(command!) || BUILT_IN.has(command!),
          `step ${step.id} links to ${command}, which nothing provides`,
        );
      }
      const page = step.media.markdown;
      assert.ok(page && fs.existsSync(path.join(root, page)), `step ${step.id}'s page ${page} is missing`);
      assert.ok(
        page.startsWith("media/"),
        "pages live under media/, which the package ships (.vscodeignore)",
      );
    }
  });

  it("has a 128x128 PNG icon that ships, and step titles short enough for the Get Started page", () => {
    const icon = (manifest as unknown as { icon?: string }).icon ?? "";
    assert.ok(icon.startsWith("media/") && icon.endsWith(".png"), "the icon is a PNG under media/");
    const png = fs.readFileSync(path.join(root, icon));
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], "its width and height");
    // The page cuts a step's title at about 32 characters in its default width.
    for (const step of manifest.contributes.walkthroughs[0]!.steps as { id: string; title?: string }[])
      assert.ok((step.title ?? "").length <= 32, `step ${step.id}'s title is cut: "${step.title}"`);
  });
});
