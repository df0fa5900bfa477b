// Traceability for the people an access concerns: a receipt's inclusion proof (anyone holding
// the receipt), and a live stream of accesses to a citizen's own data.
import type { FastifyPluginAsync } from "fastify";
import type { AccessRecord } from "../internal/accessLog.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError } from "../errors.js";
import { gatewayRoutes } from "@imi-ledger/sdk";
import { recordJson } from "../schemas.js";

export const traceRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { accessLog } = ctx.options;
  // Open event streams are ended before the server closes (they would otherwise hold it open).
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of [...streams]) end();
  });

  app.get<{ Params: { seq: string }; Querystring: { recordHash: string } }>(
    "/v1/receipts/:seq",
    {
      schema: gatewayRoutes.receipt.schema,
    },
    async (request, reply) => {
      const seq = Number(request.params.seq);
      const record = await accessLog.get(seq);
      // The same answer for "no such record" and "wrong hash": a receipt is needed to learn anything.
      if (!record || record.recordHash.toLowerCase() !== request.query.recordHash.toLowerCase()) {
        throw new GatewayError("NOT_FOUND", 404, "No access record matches this receipt.");
      }
      const proof = await accessLog.proof(seq);
      if (!proof) return reply.code(202).send({ status: "unbatched", record: recordJson(record) });
      return { record: recordJson(proof.record), leaf: proof.leaf, proof: proof.proof, batch: proof.batch };
    },
  );

  app.get(
    "/v1/citizen/accesses/stream",
    {
      schema: gatewayRoutes.citizenAccessStream.schema,
    },
    async (request, reply) => {
      const session = ctx.requireCitizen(request);
      const citizen = session.citizen.toLowerCase();
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      out.write(": connected\n\n");
      const delayMs = ctx.options.limits.statutoryDisclosureDelaySeconds * 1000;
      const send = (record: AccessRecord) => out.write(`id: ${record.seq}\nevent: access\ndata: ${JSON.stringify(recordJson(record))}\n\n`);
      const held = new Set<NodeJS.Timeout>();
      const stop = accessLog.onAppend((record) => {
        if (record.citizen.toLowerCase() !== citizen) return;
        if (record.basis === "statutory" && delayMs > 0) {
          // Held back like in the list view, then sent while the stream is still open.
          const timer = setTimeout(() => {
            held.delete(timer);
            send(record);
          }, delayMs);
          timer.unref();
          held.add(timer);
          return;
        }
        send(record);
      });
      // A comment line well inside the idle timeout that closes quiet sockets (limits.connectionTimeoutMs),
      // so a stream with no access to report stays open instead of being cut and reconnected.
      const idleMs = ctx.options.limits.connectionTimeoutMs;
      const keepAliveMs = idleMs > 0 ? Math.max(250, Math.min(15_000, Math.floor(idleMs / 2))) : 15_000;
      const keepAlive = setInterval(() => out.write(": keep-alive\n\n"), keepAliveMs);
      keepAlive.unref();
      const end = () => {
        if (!streams.delete(end)) return;
        clearInterval(keepAlive);
        for (const timer of held) clearTimeout(timer);
        stop();
        out.end();
      };
      streams.add(end);
      request.raw.once("close", end);
    },
  );
};
