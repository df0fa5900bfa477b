// A gateway connection that breaks before the answer: a raw TCP server on 127.0.0.1 reads each
// request and, for as many requests as told, closes the socket without a byte of answer (what a
// kept-alive socket closed as idle by the gateway looks like to the client), then answers normally.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { NetworkError, createGatewayClient } from "@imi-ledger/sdk";

let server: Server;
let url: string;
let cutOffNext = 0;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffered.slice(0, end);
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      buffered = "";
      seen.push(head.split("\r\n")[0]!);
      if (cutOffNext > 0) {
        cutOffNext--;
        socket.destroy();
        return;
      }
      const body = JSON.stringify({ ok: true, chainHead: 7 });
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      socket.end();
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  cutOffNext = 0;
});

describe("a gateway connection cut off before the answer", () => {
  test("a read is sent once more and answered", async () => {
    cutOffNext = 1;
    const gateway = createGatewayClient({ url });
    await expect(gateway.getHealth()).resolves.toMatchObject({ ok: true });
    expect(seen).toEqual(["GET /healthz HTTP/1.1", "GET /healthz HTTP/1.1"]);
  });

  test("a read cut off twice fails with NETWORK, not a third try", async () => {
    cutOffNext = 2;
    const gateway = createGatewayClient({ url });
    const error = await gateway.getHealth().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("NETWORK");
    expect(seen).toHaveLength(2);
  });

  test("a write is not repeated: NETWORK after one request", async () => {
    cutOffNext = 1;
    const gateway = createGatewayClient({ url, token: "a-verifier-session" });
    const error = await gateway.checkOneCode({ code: "IMI1.x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^POST /);
  });
});
