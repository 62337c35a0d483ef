/**
 * `assetline pipes` as Dagster launches it: the real command line on a temporary project, the
 * bootstrap encoded as Dagster encodes it (JSON, zlib, base64), the messages read back from
 * where the orchestrator's reader would read them.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import {
  collect,
  readNdjson,
  removeTemps,
  requireBuiltCli,
  runCli,
  startCli,
  tempProject,
  waitForLine,
} from "../sdk/helpers";

interface Message {
  __dagster_pipes_version: string;
  method: string;
  params: Record<string, unknown> | null;
}

/** Dagster's `encode_param`, written here independently of the code under test. */
function encode(value: unknown): string {
  return zlib.deflateSync(Buffer.from(JSON.stringify(value), "utf8")).toString("base64");
}

function contextData(
  assetKeys: string[] | null,
  extras: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    asset_keys: assetKeys,
    code_version_by_asset_key: null,
    provenance_by_asset_key: null,
    partition_key: null,
    partition_key_range: null,
    partition_time_window: null,
    run_id: "6f1c2a4e-0000-4000-8000-000000000001",
    job_name: "__ASSET_JOB",
    retry_number: 0,
    extras,
  };
}

/** JSON with sorted keys, to check the data version against the stored value. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

const PROJECT = {
  "src/definitions.ts": `import { asset, check } from "assetline";
export const orders = asset("ingest/orders", { codeVersion: "v2" }, (ctx) => {
  ctx.log.info("read 3 orders");
  ctx.log.warn("one order has no amount", { id: 3 });
  return [
    { id: 1, amount: 10.5, paid: true },
    { id: 2, amount: 4, paid: false },
    { id: 3, amount: null, paid: true },
  ];
});
export const total = asset("report/total", { ins: { orders } }, (_ctx, { orders }) => ({
  total: orders.reduce((s, o) => s + (o.amount ?? 0), 0),
}));
export const amounts = check(orders, "amounts_present", { severity: "warn" }, (_ctx, rows) => ({
  passed: rows.every((r) => r.amount !== null),
  metadata: { missing: rows.filter((r) => r.amount === null).length },
  description: "every order has an amount",
}));
export const positive = check(total, "positive", { blocking: true }, (_ctx, v) => v.total > 0);
export const broken = asset("ingest/broken", {}, () => {
  throw new TypeError("the source file is gone");
});
`,
};

describe("assetline pipes (real CLI, real files)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  it("env bootstrap, messages file: every message in Dagster's shape, exit 0", async () => {
    const dir = tempProject(PROJECT);
    const messages = path.join(dir, "messages.ndjson");
    const result = await runCli(["pipes", "--root", dir], {
      env: {
        DAGSTER_PIPES_CONTEXT: encode({ data: contextData(["ingest/orders", "report/total"]) }),
        DAGSTER_PIPES_MESSAGES: encode({ path: messages }),
      },
    });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const all = readNdjson<Message>(messages);
    for (const m of all) {
      assert.equal(m.__dagster_pipes_version, "0.1");
      assert.deepEqual(Object.keys(m).sort(), ["__dagster_pipes_version", "method", "params"]);
    }
    assert.deepEqual(all[0], { __dagster_pipes_version: "0.1", method: "opened", params: { extras: {} } });
    assert.deepEqual(all.at(-1), { __dagster_pipes_version: "0.1", method: "closed", params: {} });

    const logs = all.filter((m) => m.method === "log").map((m) => m.params);
    assert.deepEqual(logs, [
      { message: "ingest/orders: read 3 orders", level: "INFO" },
      { message: 'ingest/orders: one order has no amount {"id":3}', level: "WARNING" },
    ]);

    const mats = all.filter((m) => m.method === "report_asset_materialization");
    assert.deepEqual(
      mats.map((m) => m.params!.asset_key),
      ["ingest/orders", "report/total"],
    );
    for (const m of mats)
      assert.deepEqual(Object.keys(m.params!).sort(), ["asset_key", "data_version", "metadata"]);
    const orders = mats[0]!.params!;
    const stored = JSON.parse(
      fs.readFileSync(path.join(dir, ".assetline/storage/ingest/orders.json"), "utf8"),
    ) as unknown;
    assert.equal(orders.data_version, crypto.createHash("sha256").update(canonical(stored)).digest("hex"));
    const md = orders.metadata as Record<string, { type: string; raw_value: unknown }>;
    assert.deepEqual(md["dagster/row_count"], { type: "int", raw_value: 3 });
    assert.deepEqual(md["dagster/code_version"], { type: "text", raw_value: "v2" });
    assert.deepEqual(md["assetline/path"], {
      type: "path",
      raw_value: ".assetline/storage/ingest/orders.json",
    });
    assert.equal(md["assetline/duration_ms"]!.type, "float");
    assert.deepEqual(md["dagster/column_schema"], {
      type: "table_schema",
      raw_value: {
        columns: [
          { name: "id", type: "int", constraints: { nullable: false } },
          { name: "amount", type: "float", constraints: { nullable: true } },
          { name: "paid", type: "bool", constraints: { nullable: false } },
        ],
      },
    });
    // Not a list: no row count, no schema.
    const totalMd = mats[1]!.params!.metadata as Record<string, unknown>;
    assert.equal(totalMd["dagster/row_count"], undefined);
    assert.equal(totalMd["dagster/column_schema"], undefined);

    const checks = all.filter((m) => m.method === "report_asset_check").map((m) => m.params!);
    for (const c of checks)
      assert.deepEqual(Object.keys(c).sort(), ["asset_key", "check_name", "metadata", "passed", "severity"]);
    assert.deepEqual(checks[0], {
      asset_key: "ingest/orders",
      check_name: "amounts_present",
      passed: false,
      severity: "WARN",
      metadata: {
        "assetline/blocking": { type: "bool", raw_value: false },
        missing: { type: "__infer__", raw_value: 1 },
        "assetline/description": { type: "text", raw_value: "every order has an amount" },
      },
    });
    assert.deepEqual(checks[1], {
      asset_key: "report/total",
      check_name: "positive",
      passed: true,
      severity: "ERROR",
      metadata: { "assetline/blocking": { type: "bool", raw_value: true } },
    });
    // The order Dagster expects: each materialization before its asset's checks.
    const order = all.map(
      (m) => `${m.method}:${typeof m.params?.asset_key === "string" ? m.params.asset_key : ""}`,
    );
    assert.ok(
      order.indexOf("report_asset_materialization:ingest/orders") <
        order.indexOf("report_asset_check:ingest/orders"),
    );
  });

  it("inline context and messages on stderr (the Kubernetes, Docker and ECS clients' mode)", async () => {
    const dir = tempProject(PROJECT);
    const result = await runCli(["pipes", "--root", dir], {
      env: {
        DAGSTER_PIPES_CONTEXT: encode({ data: contextData(["ingest/orders"]) }),
        DAGSTER_PIPES_MESSAGES: encode({ stdio: "stderr" }),
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /__dagster_pipes_version/);
    const lines = result.stderr.split("\n").filter((l) => l.includes("__dagster_pipes_version"));
    const methods = lines.map((l) => (JSON.parse(l) as Message).method);
    assert.deepEqual(methods, [
      "opened",
      "log",
      "log",
      "report_asset_materialization",
      "report_asset_check",
      "closed",
    ]);
  });

  it("CLI-argument bootstrap with buffered stdout", async () => {
    const dir = tempProject(PROJECT);
    const result = await runCli([
      "pipes",
      "--root",
      dir,
      "--dagster-pipes-context",
      encode({ data: contextData(["ingest/orders"]) }),
      "--dagster-pipes-messages",
      encode({ buffered_stdio: "stdout" }),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const methods = result.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as Message).method);
    assert.deepEqual(methods.slice(0, 1), ["opened"]);
    assert.equal(methods.at(-1), "closed");
    assert.ok(methods.includes("report_asset_materialization"));
  });

  it("a throwing asset: closed with the exception, exit 1", async () => {
    const dir = tempProject(PROJECT);
    const messages = path.join(dir, "messages.ndjson");
    const result = await runCli(["pipes", "--root", dir], {
      env: {
        DAGSTER_PIPES_CONTEXT: encode({ path: writeContext(dir, contextData(["ingest/broken"])) }),
        DAGSTER_PIPES_MESSAGES: encode({ path: messages }),
      },
    });
    assert.equal(result.code, 1, result.stderr);
    const all = readNdjson<Message>(messages);
    assert.equal(all.filter((m) => m.method === "report_asset_materialization").length, 0);
    const closed = all.at(-1)!;
    assert.equal(closed.method, "closed");
    const exception = closed.params!.exception as Record<string, unknown>;
    assert.deepEqual(Object.keys(exception).sort(), ["cause", "context", "message", "name", "stack"]);
    assert.equal(exception.name, "TypeError");
    assert.match(String(exception.message), /ingest\/broken.*the source file is gone/);
    const stack = exception.stack as string[];
    assert.ok(stack.length > 0 && stack.every((f) => f.endsWith("\n")), JSON.stringify(stack));
    assert.ok(
      stack.some((f) => f.includes("definitions.ts")),
      "the user's frame is in the stack",
    );
  });

  it("a key the project does not define: closed with a sentence naming the closest key, exit 1", async () => {
    const dir = tempProject(PROJECT);
    const messages = path.join(dir, "messages.ndjson");
    const result = await runCli(["pipes", "--root", dir], {
      env: {
        DAGSTER_PIPES_CONTEXT: encode({ data: contextData(["ingest/ordres"]) }),
        DAGSTER_PIPES_MESSAGES: encode({ path: messages }),
      },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /does not define; did you mean "ingest\/orders"\?/);
    const all = readNdjson<Message>(messages);
    assert.deepEqual(
      all.map((m) => m.method),
      ["opened", "closed"],
    );
    const exception = all[1]!.params!.exception as Record<string, unknown>;
    assert.equal(exception.name, "DagsterPipesError");
    assert.match(String(exception.message), /ingest\/ordres/);
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/storage")), "nothing was materialized");
  });

  it("a failing blocking check fails the step; an upstream Dagster never stored is an error", async () => {
    const dir = tempProject({
      ...PROJECT,
      "src/definitions.ts": PROJECT["src/definitions.ts"].replace("v.total > 0", "v.total > 1000"),
    });
    const messages = path.join(dir, "messages.ndjson");
    const env = (keys: string[]): NodeJS.ProcessEnv => ({
      DAGSTER_PIPES_CONTEXT: encode({ data: contextData(keys) }),
      DAGSTER_PIPES_MESSAGES: encode({ path: messages }),
    });
    const missing = await runCli(["pipes", "--root", dir], { env: env(["report/total"]) });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /upstream "ingest\/orders" has no stored value.*Materialize it in Dagster first/,
    );

    fs.rmSync(messages);
    const result = await runCli(["pipes", "--root", dir], { env: env(["ingest/orders", "report/total"]) });
    assert.equal(result.code, 1, result.stderr);
    const all = readNdjson<Message>(messages);
    const check = all.find((m) => m.method === "report_asset_check" && m.params!.check_name === "positive")!;
    assert.equal(check.params!.passed, false);
    const exception = all.at(-1)!.params!.exception as Record<string, unknown>;
    assert.match(String(exception.message), /Blocking check\(s\) failed: report\/total:positive/);
  });

  it("SIGTERM (Dagster cancelling the run): the asset is cancelled, closed says so, exit 130", async () => {
    const dir = tempProject({
      "src/definitions.ts": `import { asset } from "assetline";
export const slow = asset("wait/slow", {}, (ctx) => {
  ctx.log.info("waiting");
  return new Promise((resolve, reject) => {
    const keepAlive = setInterval(() => undefined, 1000);
    ctx.signal.addEventListener("abort", () => { clearInterval(keepAlive); reject(new Error("stopped")); });
  });
});
`,
    });
    const child = startCli(["pipes", "--root", dir], {
      env: {
        DAGSTER_PIPES_CONTEXT: encode({ data: contextData(["wait/slow"]) }),
        DAGSTER_PIPES_MESSAGES: encode({ stdio: "stdout" }),
      },
    });
    const done = collect(child);
    await waitForLine(child, (line) => line.includes('"message":"wait/slow: waiting"'));
    child.kill("SIGTERM");
    const result = await done;
    assert.equal(result.code, 130, result.stderr);
    const all = result.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Message);
    assert.equal(all.filter((m) => m.method === "report_asset_materialization").length, 0);
    const closed = all.at(-1)!;
    assert.equal(closed.method, "closed");
    const exception = closed.params!.exception as Record<string, unknown>;
    assert.equal(exception.name, "RunCancelled");
    assert.match(String(exception.message), /cancelled by SIGTERM/);
    assert.ok(!fs.existsSync(path.join(dir, ".assetline/storage/wait/slow.json")), "nothing half-written");
  });

  it("not launched by Dagster: a sentence saying what to do, exit 2, nothing run", async () => {
    const dir = tempProject(PROJECT);
    const result = await runCli(["pipes", "--root", dir], {
      env: { DAGSTER_PIPES_CONTEXT: undefined, DAGSTER_PIPES_MESSAGES: undefined },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /is the process Dagster launches.*assetline materialize/);
    assert.ok(!fs.existsSync(path.join(dir, ".assetline")));
  });
});

/** A context file, as Dagster's temp-file injector writes one. */
function writeContext(dir: string, data: Record<string, unknown>): string {
  const file = path.join(dir, "pipes-context.json");
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}
