import type { FastifyPluginAsync } from "fastify";
import { Interface, Transaction } from "ethers";
import { identityRegistryAbi } from "@imi-ledger/sdk";
import { recordCommitment } from "@imi-ledger/sdk";
import { validateRecord, type CitizenRecord } from "../../vault/index.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError, badRequest, forbidden, unavailable } from "../errors.js";
import { gatewayRoutes } from "@imi-ledger/sdk";

const identityRegistry = new Interface(identityRegistryAbi);

type BatchBody = { rows: Array<Omit<Body, "signedTransaction">>; signedTransaction: string };
type Body = { citizen: string; controller: string; level: number; salt: `0x${string}`; record: CitizenRecord; signedTransaction: string };

/**
 * Registration at the service window (flow 1) in one step: the record goes into the vault and the
 * identity onto the chain. The registrar signs the chain transaction itself (the gateway holds no
 * registrar power); the gateway checks that it registers exactly this citizen, key, level and the
 * commitment of exactly this record, stores the record, broadcasts, and erases the record again if
 * the chain refuses, so nothing is left half-done.
 */
export const registrarRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { indexer, vault, deployment, limits } = ctx.options;
  // Registrations count against their own budget, not the per-caller one: an import registers
  // thousands of citizens for one registrar (docs/operator.md, gateway.registrarRateLimitPerMinute).
  const registrarBudget = { max: limits.registrarRateLimitPerMinute, timeWindow: 60_000 };

  app.get(
    "/v1/registrar/budget",
    {
      config: { rateLimit: registrarBudget },
      schema: gatewayRoutes.registrarBudget.schema,
    },
    async (request) => {
      ctx.requireStaff(request, "registrar");
      return { registrationsPerMinute: limits.registrarRateLimitPerMinute };
    },
  );

  app.post<{ Body: Body }>(
    "/v1/registrar/citizens",
    {
      config: { rateLimit: registrarBudget },
      schema: gatewayRoutes.registerCitizen.schema,
    },
    async (request, reply) => {
      const registrar = ctx.requireStaff(request, "registrar");
      await ctx.catchUp();
      ctx.assertFresh();
      const body = request.body;
      const citizen = body.citizen.toLowerCase();
      let record: CitizenRecord;
      try {
        record = validateRecord(body.record);
      } catch {
        throw badRequest("INVALID_RECORD", "The record must map category names to objects of plain values.");
      }
      const commitment = recordCommitment(record, body.salt).toLowerCase();
      let tx: Transaction;
      try {
        tx = Transaction.from(body.signedTransaction);
      } catch {
        throw badRequest("INVALID_TRANSACTION", "signedTransaction is not a signed Ethereum transaction.");
      }
      if (!tx.from || tx.from.toLowerCase() !== registrar) throw forbidden("WRONG_SIGNER", "The transaction must be signed by the logged-in registrar.");
      if (tx.chainId !== BigInt(ctx.options.chainId) || tx.to?.toLowerCase() !== deployment.contracts.identityRegistry.toLowerCase())
        throw badRequest("TRANSACTION_MISMATCH", "The transaction must call this chain's IdentityRegistry.");
      let call: ReturnType<Interface["parseTransaction"]>;
      try {
        call = identityRegistry.parseTransaction({ data: tx.data });
      } catch {
        call = null;
      }
      if (
        !call ||
        call.name !== "register" ||
        String(call.args[0]).toLowerCase() !== citizen ||
        String(call.args[1]).toLowerCase() !== body.controller.toLowerCase() ||
        String(call.args[2]).toLowerCase() !== commitment ||
        Number(call.args[3]) !== body.level
      )
        throw badRequest("TRANSACTION_MISMATCH", "The transaction must register exactly this citizen, controller, level and record commitment.");
      if (indexer.identity(citizen)) throw new GatewayError("CITIZEN_EXISTS", 409, "This citizen id is registered already.");
      if (indexer.identityOfKey(body.controller)) throw new GatewayError("KEY_IN_USE", 409, "This key controls another identity.");

      await vault.put(citizen, record);
      let txHash: string;
      let blockNumber: number;
      try {
        txHash = await ctx.relay.request<string>("eth_sendRawTransaction", [body.signedTransaction]);
      } catch (error) {
        await vault.erase(citizen);
        throw new GatewayError("CHAIN_REFUSED", 422, "The chain refused the registration; the record was not kept.", { cause: error });
      }
      const receipt = await waitForReceipt(ctx, txHash);
      if (!receipt) throw unavailable("REGISTRATION_PENDING", "The transaction is not in a block yet; the record is kept until it is.");
      if (receipt.status !== "0x1") {
        await vault.erase(citizen);
        throw new GatewayError("CHAIN_REFUSED", 422, "The registration reverted; the record was not kept.");
      }
      blockNumber = Number(BigInt(receipt.blockNumber));
      await indexer.waitForBlock(blockNumber);
      request.log.info({ event: "citizen-registered", registrar, block: blockNumber }, "citizen registered");
      return reply.code(201).send({ citizen, commitment, txHash, blockNumber });
    },
  );

  /**
   * The bulk form for a service window's backlog: up to 500 rows, one vault write, one
   * registerBatch transaction, one wait for the index. The same checks as one registration, row
   * by row; all or none (docs/scale.md).
   */
  app.post<{ Body: BatchBody }>(
    "/v1/registrar/citizens/batch",
    {
      bodyLimit: 4 * 1024 * 1024,
      config: { rateLimit: registrarBudget },
      schema: gatewayRoutes.registerCitizens.schema,
    },
    async (request, reply) => {
      const registrar = ctx.requireStaff(request, "registrar");
      // Where a batch's time goes, answered with it (stagesMs) so an import can sum it per stage.
      let mark = performance.now();
      const stagesMs = { checks: 0, vault: 0, broadcast: 0, chain: 0, index: 0 };
      const lap = (stage: keyof typeof stagesMs) => {
        const now = performance.now();
        stagesMs[stage] = Math.round((now - mark) * 10) / 10;
        mark = now;
      };
      await ctx.catchUp();
      ctx.assertFresh();
      const { rows, signedTransaction } = request.body;
      const entries: Array<{ citizen: string; record: CitizenRecord; commitment: string }> = [];
      for (const row of rows) {
        let record: CitizenRecord;
        try {
          record = validateRecord(row.record);
        } catch {
          throw badRequest("INVALID_RECORD", "Every record must map category names to objects of plain values.");
        }
        entries.push({ citizen: row.citizen.toLowerCase(), record, commitment: recordCommitment(record, row.salt).toLowerCase() });
      }
      let tx: Transaction;
      try {
        tx = Transaction.from(signedTransaction);
      } catch {
        throw badRequest("INVALID_TRANSACTION", "signedTransaction is not a signed Ethereum transaction.");
      }
      if (!tx.from || tx.from.toLowerCase() !== registrar) throw forbidden("WRONG_SIGNER", "The transaction must be signed by the logged-in registrar.");
      if (tx.chainId !== BigInt(ctx.options.chainId) || tx.to?.toLowerCase() !== deployment.contracts.identityRegistry.toLowerCase())
        throw badRequest("TRANSACTION_MISMATCH", "The transaction must call this chain's IdentityRegistry.");
      let call: ReturnType<Interface["parseTransaction"]>;
      try {
        call = identityRegistry.parseTransaction({ data: tx.data });
      } catch {
        call = null;
      }
      const args = call?.name === "registerBatch" ? (call.args[0] as ReadonlyArray<ReadonlyArray<unknown>>) : undefined;
      const matches =
        args !== undefined &&
        args.length === rows.length &&
        rows.every((row, i) => {
          const [citizen, controller, commitment, level] = args[i]!;
          return String(citizen).toLowerCase() === entries[i]!.citizen && String(controller).toLowerCase() === row.controller.toLowerCase() && String(commitment).toLowerCase() === entries[i]!.commitment && Number(level) === row.level;
        });
      if (!matches) throw badRequest("TRANSACTION_MISMATCH", "The transaction must register exactly these rows (citizen, controller, level, record commitment), in this order.");
      if (entries.some((e) => indexer.identity(e.citizen))) throw new GatewayError("CITIZEN_EXISTS", 409, "A citizen id in this batch is registered already; nothing was written.");
      if (rows.some((row) => indexer.identityOfKey(row.controller))) throw new GatewayError("KEY_IN_USE", 409, "A key in this batch controls another identity; nothing was written.");

      const citizens = entries.map((e) => e.citizen);
      lap("checks");
      if (vault.putMany) await vault.putMany(entries);
      else for (const e of entries) await vault.put(e.citizen, e.record);
      lap("vault");
      const undo = async () => {
        if (vault.eraseMany) await vault.eraseMany(citizens);
        else for (const c of citizens) await vault.erase(c);
      };
      let txHash: string;
      try {
        txHash = await ctx.relay.request<string>("eth_sendRawTransaction", [signedTransaction]);
      } catch (error) {
        // The same batch sent again while its first sending is still on its way (the importer's
        // connection was cut and it retried) is refused as known: its records must stay.
        const known = await ctx.relay.request<unknown>("eth_getTransactionByHash", [tx.hash]).catch(() => null);
        if (!known) {
          await undo();
          throw new GatewayError("CHAIN_REFUSED", 422, "The chain refused the batch; no record was kept.", { cause: error });
        }
        txHash = tx.hash!;
      }
      lap("broadcast");
      const receipt = await waitForReceipt(ctx, txHash);
      lap("chain");
      if (!receipt) throw unavailable("REGISTRATION_PENDING", "The transaction is not in a block yet; the records are kept until it is.");
      if (receipt.status !== "0x1") {
        await undo();
        throw new GatewayError("CHAIN_REFUSED", 422, "The batch reverted; no record was kept.");
      }
      const blockNumber = Number(BigInt(receipt.blockNumber));
      await indexer.waitForBlock(blockNumber);
      lap("index");
      request.log.info({ event: "citizens-registered", registrar, block: blockNumber, count: citizens.length, stagesMs }, "citizens registered");
      return reply.code(201).send({ citizens, txHash, blockNumber, stagesMs });
    },
  );
};

export const erasureRoute: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.delete<{ Params: { citizen: string } }>(
    "/v1/registrar/citizens/:citizen/record",
    {
      schema: gatewayRoutes.eraseRecord.schema,
    },
    async (request) => {
      const registrar = ctx.requireStaff(request, "registrar");
      const erased = await ctx.options.vault.erase(request.params.citizen);
      request.log.info({ event: "record-erased", registrar, erased }, "citizen record erased");
      return { erased };
    },
  );
};

async function waitForReceipt(ctx: GatewayContext, hash: string): Promise<{ status: string; blockNumber: string } | undefined> {
  for (let i = 0; i < 600; i++) {
    const r = await ctx.relay.request<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [hash]);
    if (r) return r;
    await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** i, 250)));
  }
  return undefined;
}
