// The operator's view of a running node's services (`imi services list`): the store's LevelDB is
// locked by the node, so the node serves its jobs on a loopback port with a bearer token kept in
// <dataDir>/services/operator.json (0600), exactly as the access log's export does (logExport.ts):
// whoever can read the data directory may read this, nobody else. A stopped node's store is read
// directly.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { NodeError } from "../NodeError.js";
import type { ServicesEngine, ServicesStatus } from "./ServicesEngine.js";
import { ServicesStore, type JobState, type ServiceJob } from "./ServicesStore.js";

const viewFile = (dataDir: string) => join(dataDir, "services", "operator.json");

export type JobFilter = { state?: JobState; citizen?: string };
export type OperatorView = { jobs: ServiceJob[]; status?: ServicesStatus; running: boolean };

export async function startOperatorView(options: { dataDir: string; store: ServicesStore; engine: () => ServicesEngine | undefined }): Promise<{ close(): Promise<void> }> {
  const token = randomBytes(32);
  const server: Server = createServer((req, res) => {
    const given = Buffer.from(/^Bearer ([0-9a-f]{64})$/.exec(req.headers.authorization ?? "")?.[1] ?? "", "hex");
    if (given.length !== token.length || !timingSafeEqual(given, token)) {
      res.writeHead(401).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const filter: JobFilter = { ...(url.searchParams.get("state") ? { state: url.searchParams.get("state") as JobState } : {}), ...(url.searchParams.get("citizen") ? { citizen: url.searchParams.get("citizen")! } : {}) };
    options.store.all(filter).then(
      (jobs) => {
        const engine = options.engine();
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jobs, running: true, ...(engine ? { status: engine.status() } : {}) }));
      },
      () => res.writeHead(503).end(),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const file = viewFile(options.dataDir);
  await writeFile(file, JSON.stringify({ url: `http://127.0.0.1:${port}`, token: token.toString("hex"), pid: process.pid }), { mode: 0o600 });
  return {
    async close() {
      await rm(file, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The jobs of the node in `dataDir`: from the running node, else from its store on disk. */
export async function readOperatorView(dataDir: string, filter: JobFilter = {}): Promise<OperatorView> {
  let served: { url: string; token: string } | undefined;
  try {
    served = JSON.parse(await readFile(viewFile(dataDir), "utf8")) as { url: string; token: string };
  } catch {
    served = undefined;
  }
  if (served) {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as Array<[string, string]>);
    try {
      const res = await fetch(`${served.url}/jobs?${query}`, { headers: { authorization: `Bearer ${served.token}` } });
      if (res.ok) return (await res.json()) as OperatorView;
    } catch {
      // A node that died leaves its file behind: read the store instead.
    }
  }
  let store: ServicesStore;
  try {
    store = await ServicesStore.open(join(dataDir, "services"), { createIfMissing: false });
  } catch (cause) {
    throw new NodeError("SERVICES_STORE_UNAVAILABLE", `no services store readable in ${dataDir}: is this a node's data directory, and is the node answering?`, { cause });
  }
  try {
    return { jobs: await store.all(filter), running: false };
  } finally {
    await store.close();
  }
}
