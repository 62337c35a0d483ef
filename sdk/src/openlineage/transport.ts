/** Where OpenLineage events go: an HTTP collector, a file, the console (stderr), or several. */
import fs from "node:fs";
import path from "node:path";
import type { TransportConfig } from "./config";

export interface Transport {
  /** Sends one event; rejects with a sentence saying why it was not delivered. */
  send(event: object): Promise<void>;
}

function httpTransport(config: Extract<TransportConfig, { type: "http" }>): Transport {
  const target = new URL(
    config.endpoint.replace(/^\/+/, ""),
    config.url.endsWith("/") ? config.url : config.url + "/",
  );
  const headers: Record<string, string> = { "content-type": "application/json", ...config.headers };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  return {
    async send(event) {
      let response: Response;
      try {
        response = await fetch(target, {
          method: "POST",
          headers,
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why =
          (error as Error).name === "TimeoutError"
            ? `no answer within ${config.timeoutMs} ms`
            : (cause?.code ?? cause?.message ?? (error as Error).message);
        throw new Error(`POST ${target.href} failed: ${why}`, { cause: error });
      }
      // Drain the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok)
        throw new Error(`POST ${target.href} answered ${response.status} ${response.statusText}`.trim());
    },
  };
}

function fileTransport(config: Extract<TransportConfig, { type: "file" }>): Transport {
  let counter = 0;
  return {
    send(event) {
      const line = JSON.stringify(event) + "\n";
      fs.mkdirSync(path.dirname(config.path), { recursive: true });
      if (config.append) fs.appendFileSync(config.path, line);
      else {
        // As the Python client: one file per event, named by the time it was written.
        const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").replace("Z", "");
        fs.writeFileSync(`${config.path}-${stamp}-${String(counter++).padStart(4, "0")}.json`, line);
      }
      return Promise.resolve();
    },
  };
}

/** stderr, so that `materialize --json` keeps stdout to its own NDJSON. */
const consoleTransport: Transport = {
  send(event) {
    process.stderr.write(JSON.stringify(event) + "\n");
    return Promise.resolve();
  },
};

export function createTransport(config: TransportConfig): Transport {
  switch (config.type) {
    case "http":
      return httpTransport(config);
    case "file":
      return fileTransport(config);
    case "console":
      return consoleTransport;
    case "composite": {
      const all = config.transports.map(createTransport);
      return {
        async send(event) {
          const results = await Promise.allSettled(all.map((t) => t.send(event)));
          const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
          if (failed.length > 0) throw new Error(failed.map((f) => (f.reason as Error).message).join("; "));
        },
      };
    }
  }
}
