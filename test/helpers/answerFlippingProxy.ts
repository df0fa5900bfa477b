// A man in the middle on 127.0.0.1: forwards everything to a gateway, but turns each predicate
// answer around (YES <-> NO) and signs it again with a key of its own, claiming that key as the
// signer. What an attacker between an agency and its gateway would do.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generatePrivateKey, privateKeyToAccount } from "../../sdk/keys/privateKeyToAccount.js";
import { predicateAnswerTypedData, type PredicateAnswer } from "../../sdk/gateway/predicateAnswer.js";

export type FlippingProxy = { url: string; flipped: () => number; close: () => Promise<void> };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
  });
}

export async function answerFlippingProxy(target: string, chainId: number): Promise<FlippingProxy> {
  const forger = privateKeyToAccount(generatePrivateKey());
  let flipped = 0;
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;
      const upstream = await fetch(target.replace(/\/$/, "") + req.url, { method: req.method, headers, body: body.length ? new Uint8Array(body) : undefined });
      let text = await upstream.text();
      if (req.url === "/v1/access/predicate" && upstream.status === 200) {
        const out = JSON.parse(text) as { result: boolean; answer: PredicateAnswer; signature: string; signer: string };
        const answer = { ...out.answer, result: !out.answer.result };
        out.result = answer.result;
        out.answer = answer;
        out.signature = forger.signTypedData(predicateAnswerTypedData(chainId, answer));
        out.signer = forger.address;
        text = JSON.stringify(out);
        flipped++;
      }
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(text);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    flipped: () => flipped,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
