// A consistent view of a running node's access log for `imi audit verify`.
//
// The log's LevelDB is locked by the node, and a file-by-file copy of a live LevelDB can miss a
// batch cut while it was copied (or be inconsistent and still open). So the node serves the log
// itself: the batch table as it stands, then every record through one LevelDB iterator, which reads
// from an implicit snapshot taken when it is created. Batches are only cut from records already on
// disk, so every record a batch in the table covers is in the snapshot; records appended after it
// are simply not in this view.
//
// Who may read it: whoever can read the data directory. The export listens on loopback only and
// asks for a bearer token kept in <dataDir>/gateway/log-export.json (0600), next to the log files
// themselves, so it exposes nothing that the data directory's owner could not read anyway.
//
// Wire format (application/octet-stream): one line of JSON (gateway, lastSeq, batches), "\n", then
// per record a frame: position (8 bytes, big-endian), value length (4 bytes, big-endian), value.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import type { AccessBatch, AccessLog, AuditableLog } from "../accesslog/index.js";
import { NodeError } from "../NodeError.js";


type ExportFile = { url: string; token: string; pid: number };
type Header = { gateway: string; lastSeq: number; batches: AccessBatch[] };

const exportFile = (dataDir: string) => join(dataDir, "gateway", "log-export.json");
const CHUNK = 64 * 1024;

export type LogExport = { url: string; close(): Promise<void> };

/** Serves snapshots of `accessLog` on a loopback port; the token goes into the data directory. */
export async function startLogExport(options: { dataDir: string; accessLog: AccessLog; logger?: Logger }): Promise<LogExport> {
  const token = randomBytes(32);
  const server: Server = createServer((req, res) => {
    const given = Buffer.from(/^Bearer ([0-9a-f]{64})$/.exec(req.headers.authorization ?? "")?.[1] ?? "", "hex");
    if (given.length !== token.length || !timingSafeEqual(given, token)) {
      res.writeHead(401).end();
      return;
    }
    if (req.method !== "GET" || req.url !== "/log") {
      res.writeHead(404).end();
      return;
    }
    // The batch table first, then the iterator (and its snapshot): see the header comment.
    const header: Header = { gateway: options.accessLog.gateway, lastSeq: options.accessLog.lastSeq(), batches: [...options.accessLog.listBatches()] };
    const records = options.accessLog.rawRecords();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    void stream(res, header, records).catch((error: unknown) => {
      options.logger?.warn({ event: "log_export_failed", err: error }, "access log export ended early");
      res.destroy();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file: ExportFile = { url, token: token.toString("hex"), pid: process.pid };
  await writeFile(exportFile(options.dataDir), JSON.stringify(file) + "\n", { mode: 0o600 });
  return {
    url,
    async close() {
      await rm(exportFile(options.dataDir), { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function stream(res: import("node:http").ServerResponse, header: Header, records: AsyncIterable<[string, Uint8Array]>): Promise<void> {
  const write = async (chunk: Buffer) => {
    if (!res.write(chunk)) await Promise.race([once(res, "drain"), once(res, "close")]);
    if (res.destroyed) throw new NodeError("AUDIT_EXPORT_ABORTED", "the reader went away");
  };
  await write(Buffer.from(JSON.stringify(header) + "\n"));
  let parts: Buffer[] = [];
  let size = 0;
  for await (const [key, value] of records) {
    const frame = Buffer.allocUnsafe(12);
    frame.writeBigUInt64BE(BigInt(parseInt(key, 16)), 0);
    frame.writeUInt32BE(value.length, 8);
    parts.push(frame, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    size += 12 + value.length;
    if (size >= CHUNK) {
      await write(Buffer.concat(parts));
      parts = [];
      size = 0;
    }
  }
  if (size > 0) await write(Buffer.concat(parts));
  res.end();
}

/**
 * A snapshot of the running node's log, read through its export. The batch table is read at once;
 * the records stream while `rawRecords()` is iterated (once).
 */
export async function openLogSnapshot(dataDir: string): Promise<AuditableLog & { lastSeq: number; close(): void }> {
  let file: ExportFile;
  try {
    file = JSON.parse(await readFile(exportFile(dataDir), "utf8")) as ExportFile;
  } catch (cause) {
    throw new NodeError("AUDIT_EXPORT_UNAVAILABLE", `the running node publishes no access log export in ${exportFile(dataDir)}: restart it with this version`, { cause });
  }
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${file.url}/log`, { headers: { authorization: `Bearer ${file.token}` } }, resolve);
    req.once("error", reject);
    req.end();
  }).catch((cause: unknown) => {
    throw new NodeError("AUDIT_EXPORT_UNAVAILABLE", `the node's access log export at ${file.url} does not answer`, { cause });
  });
  if (response.statusCode !== 200) {
    response.resume();
    throw new NodeError("AUDIT_EXPORT_UNAVAILABLE", `the node's access log export answered ${response.statusCode}`);
  }
  const chunks = response[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buffered: Buffer = Buffer.alloc(0);
  const more = async (): Promise<boolean> => {
    const next = await chunks.next();
    if (next.done) return false;
    buffered = buffered.length === 0 ? next.value : Buffer.concat([buffered, next.value]);
    return true;
  };
  let newline = -1;
  while ((newline = buffered.indexOf(10)) < 0) {
    if (!(await more())) throw new NodeError("AUDIT_EXPORT_TRUNCATED", "the access log export ended before its header");
  }
  const header = JSON.parse(buffered.subarray(0, newline).toString("utf8")) as Header;
  buffered = buffered.subarray(newline + 1);

  async function* rawRecords(): AsyncGenerator<[string, Uint8Array]> {
    for (;;) {
      while (buffered.length < 12) {
        if (!(await more())) {
          if (buffered.length === 0) return;
          throw new NodeError("AUDIT_EXPORT_TRUNCATED", "the access log export ended inside a record");
        }
      }
      const length = buffered.readUInt32BE(8);
      while (buffered.length < 12 + length) {
        if (!(await more())) throw new NodeError("AUDIT_EXPORT_TRUNCATED", "the access log export ended inside a record");
      }
      const key = buffered.readBigUInt64BE(0).toString(16).padStart(16, "0");
      const value = new Uint8Array(buffered.subarray(12, 12 + length));
      buffered = buffered.subarray(12 + length);
      yield [key, value];
    }
  }
  return {
    gateway: header.gateway,
    lastSeq: header.lastSeq,
    listBatches: () => header.batches,
    rawRecords,
    close: () => response.destroy(),
  };
}
