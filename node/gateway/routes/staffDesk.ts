// Routes for the staff screens of the web app (sdk/gateway/schemas/staffDesk.ts). The browser
// holds the staff key and signs; the gateway only relays, and only the calls the signer's role
// may send at a desk (STAFF_RELAYED_CALLS). Nothing here can act for anyone: a relayed
// transaction is the signer's own, checked to be signed by the logged-in account.
import type { FastifyPluginAsync } from "fastify";
import { Interface, Transaction } from "ethers";
import { consentRegistryAbi, identityRegistryAbi, STAFF_RELAYED_CALLS, gatewayRoutes, type Address } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError, badRequest, forbidden, unauthorized, unavailable } from "../errors.js";

const abis = { identityRegistry: new Interface(identityRegistryAbi as never), consentRegistry: new Interface(consentRegistryAbi as never) } as const;

export const staffDeskRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { deployment, indexer } = ctx.options;
  const contracts = deployment.contracts as unknown as Record<string, string>;
  const deploymentAddresses = new Set(Object.values(contracts).map((a) => String(a).toLowerCase()));

  app.get<{ Params: { signer: Address } }>("/v1/signers/:signer/transaction", { schema: gatewayRoutes.transactionParams.schema }, async (request) => {
    const signer = request.params.signer;
    try {
      const [nonce, gasPrice] = await Promise.all([
        ctx.relay.request<string>("eth_getTransactionCount", [signer, "pending"]),
        ctx.relay.request<string>("eth_gasPrice"),
      ]);
      return { signer, chainId: Number(ctx.options.chainId), nonce: Number(BigInt(nonce)), gasPrice: BigInt(gasPrice).toString() };
    } catch (cause) {
      throw unavailable("CHAIN_UNAVAILABLE", "The account's nonce could not be read from the chain.", cause);
    }
  });

  app.post<{ Body: { signedTransaction: string } }>("/v1/staff/transactions", { schema: gatewayRoutes.staffTransaction.schema }, async (request) => {
    const session = ctx.session(request);
    if (!session) throw unauthorized("AUTH_REQUIRED", "Log in first (POST /v1/auth/login).");
    if (session.kind !== "staff") throw forbidden("WRONG_ROLE", "This route is for staff.");
    let tx: Transaction;
    try {
      tx = Transaction.from(request.body.signedTransaction);
    } catch {
      throw badRequest("INVALID_TRANSACTION", "signedTransaction is not a signed Ethereum transaction.");
    }
    if (!tx.from || tx.from.toLowerCase() !== session.account.toLowerCase()) throw forbidden("WRONG_SIGNER", "The transaction must be signed by the logged-in account.");
    if (tx.chainId !== BigInt(ctx.options.chainId) || tx.value !== 0n) throw badRequest("TRANSACTION_MISMATCH", "The transaction must be for this chain and carry no value.");
    // Which allowed call is it, and does the signer hold the role that may send it?
    let allowed: { role: "registrar" | "auditor"; functionName: string } | undefined;
    for (const [role, calls] of Object.entries(STAFF_RELAYED_CALLS) as Array<["registrar" | "auditor", ReadonlyArray<{ contract: "identityRegistry" | "consentRegistry"; functionName: string }>]>) {
      for (const call of calls) {
        if (tx.to?.toLowerCase() !== contracts[call.contract]?.toLowerCase()) continue;
        let parsed: ReturnType<Interface["parseTransaction"]> = null;
        try {
          parsed = abis[call.contract].parseTransaction({ data: tx.data });
        } catch {
          parsed = null;
        }
        if (parsed?.name === call.functionName) allowed = { role, functionName: call.functionName };
      }
    }
    if (!allowed) throw badRequest("TRANSACTION_MISMATCH", "Staff may relay only a key recovery (registrar) or a statutory review (auditor) here.");
    ctx.requireStaff(request, allowed.role);
    await ctx.catchUp();
    ctx.assertFresh();
    let txHash: string;
    try {
      txHash = await ctx.relay.request<string>("eth_sendRawTransaction", [request.body.signedTransaction]);
    } catch (error) {
      throw new GatewayError("CHAIN_REFUSED", 422, "The chain refused the transaction.", { cause: error });
    }
    const receipt = await waitForReceipt(ctx, txHash);
    if (!receipt) throw unavailable("TRANSACTION_PENDING", "The transaction is not in a block yet.");
    if (receipt.status !== "0x1") throw new GatewayError("CHAIN_REFUSED", 422, "The transaction reverted: the contract refused it.");
    const blockNumber = Number(BigInt(receipt.blockNumber));
    await indexer.waitForBlock(blockNumber);
    request.log.info({ event: "staff-transaction", account: session.account, call: allowed.functionName, block: blockNumber }, "staff transaction relayed");
    return { txHash, blockNumber, functionName: allowed.functionName };
  });

  app.post<{ Body: { to: string; data: string } }>("/v1/chain/call", { schema: gatewayRoutes.chainCall.schema }, async (request) => {
    if (!deploymentAddresses.has(request.body.to.toLowerCase())) throw badRequest("NOT_A_DEPLOYMENT_CONTRACT", "Only this deployment's contracts can be read here.");
    try {
      const result = await ctx.relay.request<`0x${string}`>("eth_call", [{ to: request.body.to, data: request.body.data }, "latest"]);
      return { result };
    } catch (cause) {
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read.", cause);
    }
  });

  app.get("/v1/audit/statutory", { schema: gatewayRoutes.auditStatutory.schema }, async (request) => {
    ctx.requireStaff(request, "auditor");
    await ctx.catchUp();
    const grants = indexer
      .statutoryGrants()
      .map((s) => ({
        grantId: s.grantId,
        citizen: s.citizen,
        anyCitizen: /^0x0{64}$/.test(s.citizen),
        agency: s.agency,
        scopes: s.scopes.toString(),
        purpose: s.purpose,
        legalBasis: s.legalBasis,
        validFrom: s.validFrom.toString(),
        validUntil: s.validUntil.toString(),
        revoked: s.revoked,
        reviewed: s.reviewed,
        grantedBlock: s.grantedBlock,
      }))
      .sort((a, b) => Number(a.reviewed) - Number(b.reviewed));
    return { grants };
  });
};

async function waitForReceipt(ctx: GatewayContext, hash: string): Promise<{ status: string; blockNumber: string } | undefined> {
  for (let i = 0; i < 600; i++) {
    const r = await ctx.relay.request<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [hash]);
    if (r) return r;
    await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** i, 250)));
  }
  return undefined;
}
