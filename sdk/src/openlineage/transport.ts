/** Where OpenLineage events go: an HTTP collector, a file, the console (stderr), or several. */
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import type { TransportConfig } from "./config";

export interface Transport {
  /** Sends one event; rejects with a sentence saying why it was not delivered. */
  send(event: object): Promise<void>;
  /** Releases what the transport holds open (kept-alive connections). */
  close?(): void;
}

function httpTransport(config: Extract<TransportConfig, { type: "http" }>): Transport {
  const target = new URL(
    config.endpoint.replace(/^\/+/, ""),
    config.url.endsWith("/") ? config.url : config.url + "/",
  );
  const client = target.protocol === "https:" ? https : http;
  // node:http rather than fetch: already loaded, and one kept-alive connection per slot.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 4 });
  const headers: Record<string, string> = { "content-type": "application/json", ...config.headers };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  return {
    send(event) {
      const body = JSON.stringify(event);
      return new Promise<void>((resolve, reject) => {
        const request = client.request(
          target,
          {
            method: "POST",
            agent,
            headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
            timeout: config.timeoutMs,
          },
          (response) => {
            // Drain the body so the connection is reused.
            response.resume();
            response.on("end", () => {
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) resolve();
              else
                reject(
                  new Error(`POST ${target.href} answered ${status} ${response.statusMessage ?? ""}`.trim()),
                );
            });
            response.on("error", (error) =>
              reject(new Error(`POST ${target.href} failed: ${error.message}`, { cause: error })),
            );
          },
        );
        request.on("timeout", () => request.destroy(new Error(`no answer within ${config.timeoutMs} ms`)));
        request.on("error", (error: NodeJS.ErrnoException) =>
          reject(new Error(`POST ${target.href} failed: ${error.code ?? error.message}`, { cause: error })),
        );
        request.end(body);
      });
    },
    close() {
      agent.destroy();
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
        close() {
          for (const t of all) t.close?.();
        },
        async send(event) {
          const results = await Promise.allSettled(all.map((t) => t.send(event)));
          const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
          if (failed.length > 0) throw new Error(failed.map((f) => (f.reason as Error).message).join("; "));
        },
      };
    }
  }
}
