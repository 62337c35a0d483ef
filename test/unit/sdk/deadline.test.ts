import assert from "node:assert/strict";
import { getEventListeners, once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  asset,
  check,
  collectDefinitions,
  fsIOManager,
  materialize,
  memoryIOManager,
  storagePath,
  type IOManager,
  type RunEvent,
} from "../../../sdk/src";
import { StepInterrupted, StepScope } from "../../../sdk/src/runner/deadline";

/** A promise with its resolver, for coordinating steps without sleeps. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const roots: string[] = [];
function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-deadline-"));
  roots.push(dir);
  return dir;
}

/** Every file under `dir`, relative, with `/`. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join("/"))
    .sort();
}

describe("the one deadline and cancellation mechanism (StepScope)", () => {
  after(() => {
    for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a step past its deadline is interrupted first, then its signal aborts; nothing is left on the run's signal", async () => {
    const run = new AbortController();
    const scope = new StepScope({ subject: 'Asset "u/a"', timeoutMs: 20, run: run.signal });
    assert.equal(getEventListeners(run.signal, "abort").length, 1);
    // The work reacts to its signal by throwing: the timeout must still be the reason.
    const work = scope.race(
      () =>
        new Promise((_, reject) =>
          scope.signal.addEventListener("abort", () => reject(new Error("aborted"))),
        ),
      "its compute",
    );
    await assert.rejects(work, (e: unknown) => {
      assert.ok(e instanceof StepInterrupted);
      assert.equal(e.reason, "timeout");
      assert.equal(
        e.message,
        'Asset "u/a" timed out after 20 ms (timeoutMs); make it faster or raise timeoutMs.',
      );
      return true;
    });
    assert.ok(scope.signal.aborted);
    scope.dispose();
    assert.equal(getEventListeners(run.signal, "abort").length, 0);
  });

  it("cancelling the run interrupts a racing step, but lets a settling one (storing) finish", async () => {
    const run = new AbortController();
    const scope = new StepScope({ subject: 'check "c"', run: run.signal });
    const racing = scope.race(() => new Promise(() => undefined), "it");
    const gate = deferred<string>();
    const settling = scope.settle(() => gate.promise, "storing it");
    run.abort(new Error("SIGINT"));
    await assert.rejects(racing, (e: unknown) => {
      assert.ok(e instanceof StepInterrupted);
      assert.equal(e.reason, "cancelled");
      assert.equal(e.message, 'check "c" was cancelled.');
      return true;
    });
    assert.ok(scope.signal.aborted);
    gate.resolve("stored");
    assert.equal(await settling, "stored");
    // A scope made after the cancellation is interrupted at once.
    const late = new StepScope({ subject: 'Asset "late"', run: run.signal });
    await assert.rejects(
      late.race(() => 1, "its compute"),
      /Asset "late" was cancelled\./,
    );
    scope.dispose();
    late.dispose();
  });

  it("an asset that hangs and a check that hangs time out through the same code, both signals aborted", async () => {
    const aborted: string[] = [];
    const hang = asset("t/hang", { timeoutMs: 30 }, (ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.push("asset"));
      return new Promise(() => undefined);
    });
    const checked = asset("t/checked", { timeoutMs: 30 }, () => 1);
    check(checked, "hangs", (ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.push("check"));
      return new Promise<boolean>(() => undefined);
    });
    const events: RunEvent[] = [];
    const definitions = collectDefinitions([hang, checked]);
    const result = await materialize({
      root: tempRoot(),
      definitions,
      keys: ["t/hang", "t/checked"],
      io: memoryIOManager(),
      record: false,
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.status, "failure");
    const failure = events.find((e) => e.type === "asset_failure");
    const hung = events.find((e) => e.type === "check_result");
    assert.ok(failure?.type === "asset_failure" && hung?.type === "check_result");
    assert.equal(failure.reason, "timeout");
    const sentence = (subject: string): string =>
      `${subject} timed out after 30 ms (timeoutMs); make it faster or raise timeoutMs.`;
    assert.equal(failure.error.message, sentence('Asset "t/hang"'));
    assert.equal(hung.passed, false);
    assert.equal(hung.error!.message, sentence('check "hangs"'));
    assert.deepEqual(aborted.sort(), ["asset", "check"]);
  });

  it("a cancelled run leaves nothing half-written: a value being stored is stored whole, the rest not at all", async () => {
    const root = tempRoot();
    const controller = new AbortController();
    const saving = deferred();
    const computing = deferred();
    // Cancel once one asset is inside its IO manager's save and another inside its compute; the
    // save goes on only after the cancellation has reached every step.
    const fsIO = fsIOManager();
    const slowIO: IOManager = {
      name: "slow",
      load: (ctx) => fsIO.load(ctx),
      save: async (ctx, value) => {
        saving.resolve();
        await once(controller.signal, "abort");
        await new Promise((resolve) => setImmediate(resolve));
        return fsIO.save(ctx, value);
      },
    };
    const stored = asset("x/stored", { io: slowIO }, () => ({ rows: [1, 2, 3] }));
    const cut = asset("x/cut", {}, (ctx) => {
      computing.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(new Error("stopped"))),
      );
    });
    const after = asset("x/after", { ins: { stored } }, (_ctx, { stored }) => stored.rows.length);
    void Promise.all([saving.promise, computing.promise]).then(() => controller.abort());
    const result = await materialize({
      root,
      definitions: collectDefinitions([stored, cut, after]),
      keys: ["x/stored", "x/cut", "x/after"],
      concurrency: 2,
      signal: controller.signal,
    });
    assert.equal(result.status, "cancelled");
    assert.deepEqual(result.materialized, ["x/stored"]);
    assert.deepEqual(result.failed, ["x/cut"]);
    assert.deepEqual(result.skipped, ["x/after"]);

    assert.deepEqual(JSON.parse(fs.readFileSync(storagePath(root, "x/stored"), "utf8")), { rows: [1, 2, 3] });
    const files = filesUnder(path.join(root, ".assetline"));
    assert.deepEqual(
      files.filter((f) => f.startsWith("storage/")),
      ["storage/x/stored.json"],
    );
    assert.deepEqual(
      files.filter((f) => f.endsWith(".tmp")),
      [],
    );
    const log = fs.readFileSync(path.join(root, ".assetline/runs", result.runId, "events.ndjson"), "utf8");
    assert.ok(log.endsWith("\n"));
    const events = log
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as RunEvent);
    const end = events.at(-1)!;
    assert.ok(end.type === "run_end" && end.status === "cancelled");
    const failure = events.find((e) => e.type === "asset_failure");
    assert.ok(failure?.type === "asset_failure" && failure.reason === "cancelled");
    const index = JSON.parse(fs.readFileSync(path.join(root, ".assetline/index.json"), "utf8")) as {
      assets: Record<string, { lastStatus: string }>;
    };
    assert.equal(index.assets["x/stored"]!.lastStatus, "success");
    assert.equal(index.assets["x/cut"]!.lastStatus, "failure");
  });
});
