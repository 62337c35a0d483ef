import assert from "node:assert/strict";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asset, collectDefinitions, materialize, memoryIOManager, type RunEvent } from "../../../sdk/src";

const roots: string[] = [];
function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-listeners-"));
  roots.push(dir);
  return dir;
}

describe("run listeners", () => {
  after(() => {
    for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("hear every event in order after onEvent, are flushed before materialize returns, and a failing one is dropped", async () => {
    const a = asset("l/a", {}, () => 1);
    const b = asset("l/b", { ins: { a } }, (_ctx, { a }) => a + 1);
    const seen: RunEvent[] = [];
    const heard: string[] = [];
    let flushed = false;
    const warned = once(process, "warning") as Promise<[Error]>;
    const result = await materialize({
      root: tempRoot(),
      definitions: collectDefinitions([b]),
      keys: ["l/a", "l/b"],
      io: memoryIOManager(),
      record: false,
      onEvent: (e) => seen.push(e),
      listeners: [
        {
          name: "broken",
          onEvent: (e) => {
            if (e.type === "asset_start") throw new Error("cannot reach the collector");
          },
          flush: () => Promise.reject(new Error("never called: it was dropped")),
        },
        {
          name: "recording",
          onEvent: (e) => heard.push(e.type),
          // Finishes only on a later turn of the event loop: materialize must wait for it.
          flush: () =>
            new Promise<void>((resolve) => setImmediate(resolve)).then(() => void (flushed = true)),
        },
      ],
    });
    assert.equal(result.status, "success");
    assert.ok(flushed, "flush was awaited");
    assert.deepEqual(
      heard,
      seen.map((e) => e.type),
    );
    assert.equal(heard.at(-1), "run_end");
    const [warning] = await warned;
    assert.match(
      warning.message,
      /Run listener "broken" threw on the asset_start event of run .* and gets no more of its events: cannot reach the collector/,
    );
  });
});
