import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  asset,
  check,
  collectDefinitions,
  externalAsset,
  materialize,
  memoryIOManager,
  MissingUpstreamError,
  resource,
  type RunEvent,
  type StandardSchemaV1,
} from "../../../sdk/src";

const roots: string[] = [];
function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-runner-"));
  roots.push(dir);
  return dir;
}

async function run(
  assets: unknown[],
  keys?: string[],
  extra: Partial<Parameters<typeof materialize>[0]> = {},
) {
  const definitions = collectDefinitions(assets);
  const events: RunEvent[] = [];
  const io = memoryIOManager();
  const result = await materialize({
    root: tempRoot(),
    definitions,
    keys: keys ?? definitions.assets.map((a) => a.key),
    defaultIO: io,
    record: false,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { result, events, store: io.store };
}

/** A promise with its resolver, for coordinating assets without sleeps. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("runner (in process, memory IO)", () => {
  after(() => {
    for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("passes typed inputs loaded through the upstream's IO manager", async () => {
    const a = asset("t/a", {}, () => ({ n: 2 }));
    const b = asset("t/b", { ins: { a } }, (_ctx, { a }) => a.n * 21);
    const { result, store } = await run([b]);
    assert.equal(result.status, "success");
    assert.equal(store.get("t/b"), 42);
  });

  it("a failing blocking check stops downstream assets and fails the run", async () => {
    const a = asset("c/a", {}, () => [-1, 2]);
    const b = asset("c/b", { ins: { a } }, (_ctx, { a }) => a.length);
    const c = asset("c/c", { ins: { b } }, (_ctx, { b }) => b);
    const side = asset("c/side", {}, () => "ok");
    check(a, "non_negative", { blocking: true }, (_ctx, rows) => rows.every((r) => r >= 0));
    const { result, events, store } = await run([a, b, c, side]);
    assert.equal(result.status, "failure");
    assert.deepEqual(result.skipped.sort(), ["c/b", "c/c"]);
    assert.deepEqual(result.failedChecks, ["c/a:non_negative"]);
    assert.ok(store.has("c/a"), "the asset itself is materialized");
    assert.ok(store.has("c/side"), "independent assets still run");
    assert.ok(!store.has("c/b"));
    const skipped = events.find((e) => e.type === "asset_skipped" && e.key === "c/b");
    assert.match((skipped as { reason: string }).reason, /blocking check on "c\/a" failed/);
  });

  it("a failing non-blocking check (severity warn) is recorded but does not stop downstream", async () => {
    const a = asset("w/a", {}, () => 0);
    const b = asset("w/b", { ins: { a } }, (_ctx, { a }) => a + 1);
    check(a, "positive", { severity: "warn" }, (_ctx, v) => ({
      passed: v > 0,
      description: `value ${v}`,
      metadata: { v },
    }));
    check(a, "throws", () => {
      throw new Error("check crashed");
    });
    const { result, events } = await run([a, b]);
    assert.equal(result.status, "success");
    assert.deepEqual(result.materialized, ["w/a", "w/b"]);
    const checks = events.filter((e) => e.type === "check_result");
    assert.deepEqual(
      checks.map((c) => [c.check, c.passed, c.severity, c.blocking]),
      [
        ["positive", false, "warn", false],
        ["throws", false, "error", false],
      ],
    );
    assert.equal(checks[0]!.description, "value 0");
    assert.match(checks[1]!.error!.message, /check crashed/);
  });

  it("runs independent assets in parallel, up to the concurrency limit", async () => {
    // Each asset waits until all three have started: only possible when they run at once.
    const started: string[] = [];
    const allStarted = deferred();
    let running = 0;
    let peak = 0;
    const make = (k: string) =>
      asset(`p/${k}`, {}, async () => {
        running++;
        peak = Math.max(peak, running);
        started.push(k);
        if (started.length === 3) allStarted.resolve();
        await allStarted.promise;
        running--;
        return k;
      });
    const parallel = await run([make("a"), make("b"), make("c")], undefined, { concurrency: 3 });
    assert.equal(parallel.result.status, "success");
    assert.equal(peak, 3);

    // With a limit of 2 the third starts only after one of the first two has finished.
    running = 0;
    peak = 0;
    let startedCount = 0;
    const gate = deferred();
    const limited = (k: string) =>
      asset(`q/${k}`, {}, async () => {
        running++;
        peak = Math.max(peak, running);
        // Once two run, give the runner a full turn to (wrongly) start a third, then open the gate.
        if (++startedCount === 2) setImmediate(() => gate.resolve());
        await gate.promise;
        running--;
        return k;
      });
    const { result } = await run([limited("a"), limited("b"), limited("c")], undefined, { concurrency: 2 });
    assert.equal(result.status, "success");
    assert.equal(peak, 2);
    assert.equal(startedCount, 3);
  });

  it("times out a hanging asset and says so", async () => {
    let aborted = false;
    const hang = asset("h/hang", { timeoutMs: 50 }, (ctx) => {
      return new Promise(() => {
        ctx.signal.addEventListener("abort", () => (aborted = true));
      });
    });
    const after = asset("h/after", { deps: [hang] }, () => 1);
    const { result, events } = await run([hang, after]);
    assert.equal(result.status, "failure");
    const failure = events.find((e) => e.type === "asset_failure");
    assert.ok(failure && failure.type === "asset_failure");
    assert.equal(failure.reason, "timeout");
    assert.match(failure.error.message, /"h\/hang" timed out after 50 ms \(timeoutMs\)/);
    assert.ok(aborted, "ctx.signal was aborted");
    assert.deepEqual(result.skipped, ["h/after"]);
  });

  it("the deadline also covers a resource that never starts, and a check that never answers", async () => {
    const stuck = resource("stuck", () => new Promise<never>(() => undefined));
    const a = asset("d/a", { timeoutMs: 50, resources: { stuck } }, () => 1);
    const b = asset("d/b", { timeoutMs: 50 }, () => 2);
    check(b, "hangs", () => new Promise<boolean>(() => undefined));
    const c = asset("d/c", { ins: { b } }, (_ctx, { b }) => b + 1);
    const { result, events, store } = await run([a, b, c]);
    const failure = events.find((e) => e.type === "asset_failure");
    assert.ok(failure && failure.type === "asset_failure");
    assert.equal(failure.key, "d/a");
    assert.equal(failure.reason, "timeout");
    const hung = events.find((e) => e.type === "check_result");
    assert.ok(hung && hung.type === "check_result");
    assert.equal(hung.passed, false);
    assert.match(hung.error!.message, /check "hangs" timed out after 50 ms/);
    assert.equal(store.get("d/c"), 3, "a non-blocking check that hangs does not stop downstream");
    assert.deepEqual(result.failed, ["d/a"]);
  });

  it("cancelling through the signal stops new work and keeps finished assets", async () => {
    const controller = new AbortController();
    const first = asset("x/first", {}, () => "done");
    const slow = asset("x/slow", { deps: [first] }, (ctx) => {
      controller.abort();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    });
    const last = asset("x/last", { deps: [slow] }, () => 1);
    const { result, store } = await run([first, slow, last], undefined, {
      signal: controller.signal,
      concurrency: 1,
    });
    assert.equal(result.status, "cancelled");
    assert.deepEqual(result.materialized, ["x/first"]);
    assert.ok(store.has("x/first"));
    assert.deepEqual(result.failed, ["x/slow"]);
    assert.deepEqual(result.skipped, ["x/last"]);
  });

  it("validates the output with any Standard Schema validator and names the asset and field", async () => {
    const rows: StandardSchemaV1<unknown, { day: string; amount: number }[]> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate(value) {
          if (!Array.isArray(value)) return { issues: [{ message: "expected an array" }] };
          const issues = value.flatMap((row: Record<string, unknown>, i) =>
            typeof row.amount === "number"
              ? []
              : [{ message: `expected a number, got ${typeof row.amount}`, path: [i, { key: "amount" }] }],
          );
          return issues.length ? { issues } : { value: value as { day: string; amount: number }[] };
        },
      },
    };
    const good = asset("s/good", { schema: rows }, () => [{ day: "d1", amount: 1 }]);
    const bad = asset(
      "s/bad",
      { schema: rows },
      () =>
        [
          { day: "d1", amount: 1 },
          { day: "d2", amount: "2" },
        ] as never,
    );
    const { result, events, store } = await run([good, bad]);
    assert.deepEqual(result.failed, ["s/bad"]);
    assert.ok(store.has("s/good"));
    assert.ok(!store.has("s/bad"), "an invalid value is not stored");
    const failure = events.find((e) => e.type === "asset_failure");
    assert.ok(failure && failure.type === "asset_failure");
    assert.equal(failure.reason, "schema");
    assert.equal(
      failure.error.message,
      'Asset "s/bad" returned a value that does not match its schema: [1].amount: expected a number, got string.',
    );
  });

  it("creates resources per environment, once per run, and reports one that fails to start", async () => {
    let created = 0;
    const torn: string[] = [];
    const db = resource(
      "db",
      {
        local: ({ config }) => {
          created++;
          return { url: `local:${String(config.file)}` };
        },
        prod: () => {
          throw new Error("connection refused");
        },
      },
      { teardown: (v) => void torn.push(v.url) },
    );
    const a = asset("r/a", { resources: { db } }, (ctx) => ctx.resources.db.url);
    const b = asset("r/b", { resources: { db }, deps: [a] }, (ctx) => ctx.resources.db.url);
    const config = { environments: { local: { resources: { db: { file: "x.db" } } }, prod: {} } };
    const local = await run([a, b], undefined, { env: "local", config });
    assert.equal(local.result.status, "success");
    assert.equal(local.store.get("r/b"), "local:x.db");
    assert.equal(created, 1);
    assert.deepEqual(torn, ["local:x.db"]);

    const prod = await run([a, b], undefined, { env: "prod", config });
    assert.equal(prod.result.status, "failure");
    const failure = prod.events.find((e) => e.type === "asset_failure");
    assert.ok(failure && failure.type === "asset_failure");
    assert.equal(failure.reason, "resource");
    assert.match(
      failure.error.message,
      /Resource "db" failed to start in environment "prod": connection refused/,
    );

    const staging = await run([a], undefined, { env: "staging", config });
    const missing = staging.events.find((e) => e.type === "asset_failure");
    assert.match(
      (missing as { error: { message: string } }).error.message,
      /no factory for environment "staging" \(it has local, prod\)/,
    );
  });

  it("an IO manager that cannot store a value fails the asset, naming the asset and the IO manager", async () => {
    const broken = { name: "broken", save: () => Promise.reject(new Error("disk full")), load: () => null };
    const a = asset("io/a", { io: broken }, () => 1);
    const b = asset("io/b", { ins: { a } }, (_ctx, { a }) => a);
    const { result, events } = await run([a, b]);
    assert.equal(result.status, "failure");
    const failure = events.find((e) => e.type === "asset_failure");
    assert.ok(failure && failure.type === "asset_failure");
    assert.equal(failure.reason, "io");
    assert.equal(failure.error.message, 'Storing "io/a" with the broken IO manager failed: disk full.');
    assert.deepEqual(result.skipped, ["io/b"]);
  });

  it("a dependency cycle is refused with the keys that form it", () => {
    const a = asset("cy/a", { deps: ["cy/c"] }, () => 1);
    const b = asset("cy/b", { ins: { a } }, () => 2);
    const c = asset("cy/c", { deps: [b] }, () => 3);
    const self = asset("cy/self", { deps: ["cy/self"] }, () => 4);
    assert.throws(
      () => collectDefinitions([a, b, c]),
      /in a cycle: cy\/a -> cy\/c -> cy\/b -> cy\/a; remove one/,
    );
    assert.throws(() => collectDefinitions([self]), /cycle: cy\/self -> cy\/self/);
  });

  it("a missing upstream input outside the selection names what to materialize first", async () => {
    const a = asset("m/a", {}, () => 1);
    const b = asset("m/b", { ins: { a } }, (_ctx, { a }) => a);
    await assert.rejects(
      run([a, b], ["m/b"]),
      (e: unknown) => e instanceof MissingUpstreamError && /Materialize "m\/a" first/.test(e.message),
    );
  });

  it("an external input without a stored value says how to provide it", async () => {
    const rates = externalAsset<{ eur: number }>("ext/none");
    const priced = asset("ext/uses", { ins: { rates } }, (_ctx, { rates }) => rates.eur);
    await assert.rejects(
      run([priced], ["ext/uses"]),
      /"ext\/none" is an external asset with no stored value\. Give externalAsset\("ext\/none"\) an io/,
    );
  });

  it("external assets are never computed but can feed inputs through their IO manager", async () => {
    const io = memoryIOManager(new Map([["ext/rates", { eur: 1 }]]));
    const rates = externalAsset<{ eur: number }>("ext/rates", { io });
    const priced = asset("ext/priced", { ins: { rates } }, (_ctx, { rates }) => rates.eur * 3);
    const { result, store } = await run([priced], ["ext/rates", "ext/priced"]);
    assert.deepEqual(result.materialized, ["ext/priced"]);
    assert.equal(store.get("ext/priced"), 3);
  });
});
