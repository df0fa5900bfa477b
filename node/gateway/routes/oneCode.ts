import type { FastifyPluginAsync } from "fastify";
import { ZeroHash } from "ethers";
import {
  ENTERPRISE_SCOPES,
  IMI_ROLES,
  ONE_CODE_MAX_AGE_SECONDS,
  ONE_CODE_MAX_SKEW_SECONDS,
  OneCodeError,
  decodeOneCode,
  enterpriseAuthorizes,
  gatewayRoutes,
  getEnterprise,
  getCredential,
  getCredentialStatus,
  getSchema,
  isValidSignatureNow,
  oneCodeReplayKey,
  signOneCodeStaple,
  verifyOneCode,
  type Address,
  type Hex,
  type OneCode,
  type OneCodeClaim,
  type OneCodeVerdictJson,
} from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import type { AccessReceipt, AccessRecordInput } from "../internal/accessLog.js";
import { GatewayError, badRequest, forbidden, unavailable } from "../errors.js";
import { hasEnterprises, requireRepresentative } from "../internal/enterpriseSubject.js";

/** How long an uploaded offline check may wait to be uploaded, and how long its code is remembered. */
const UPLOAD_WINDOW_SECONDS = 7 * 24 * 3600;

type Judged = { verified: boolean; reason: string; code?: OneCode; replayKey?: string };

/**
 * One code per person (sdk/oneCode). The citizen's phone fetches a staple — this gateway's signed
 * word that her key controls her identity at its level as of the indexed block, for a few minutes —
 * and signs fresh codes over it. A verifier device (role verifier: it verifies and reads nothing)
 * posts a code to /verify, or checks it offline itself and posts what it accepted to /offline later.
 * Every check with a citizen in it is an access record of kind "identity" under the device's
 * account: online at the time of the check, uploaded at the time the device says it happened.
 *
 * An enterprise's code (一企一码) is the same code over a staple that also names the enterprise and
 * the scopes: the gateway staples it only for a representative it finds on chain (legal
 * representative, or staff holding the identity scope and the scopes asked), and an online check asks
 * the EnterpriseRegistry again, so a representative removed, expired or out of scope, or an enterprise
 * deregistered, is refused while the staple lasts. Its checks are logged under the enterprise.
 */
export const oneCodeRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const { chainId, account } = ctx.options;
  const isGateway = (a: Address) => a.toLowerCase() === account.address.toLowerCase() || ctx.options.indexer.hasRole(BigInt(IMI_ROLES.gateway), a, ctx.ruleTime());

  /** The staple's one disclosed claim: a credential anchored about this citizen and valid now. */
  async function claimOf(citizen: string, credential: Hex): Promise<OneCodeClaim> {
    let record;
    let status;
    let schemaName;
    try {
      record = await getCredential(ctx.relay, { credentialHash: credential });
      status = await getCredentialStatus(ctx.relay, { credentialHash: credential });
      schemaName = (await getSchema(ctx.relay, { schemaId: record.schemaId })).name;
    } catch (cause) {
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read.", cause);
    }
    if (record.subject.toLowerCase() !== citizen.toLowerCase()) throw forbidden("CREDENTIAL_NOT_YOURS", "The credential is not about this identity.");
    if (status !== "valid") throw forbidden("CREDENTIAL_NOT_VALID", `The credential is ${status}.`);
    const name = new TextEncoder().encode(schemaName).length <= 32 && schemaName.length > 0 ? schemaName : "credential";
    return { schema: record.schemaId.toLowerCase() as Hex, credential: credential.toLowerCase() as Hex, name, value: "valid" };
  }

  /** For an enterprise's staple: the session's key acts for it now within identity and `scopes` (read on chain). */
  async function enterpriseToStaple(
    session: { account: string; citizen: string; asGuardian: boolean },
    enterprise: string | undefined,
    scopes: number | undefined,
  ): Promise<{ enterprise?: string; scopes?: bigint }> {
    if (enterprise === undefined) {
      if (scopes !== undefined) throw badRequest("INVALID_SCOPES", "Scopes are stapled only with an enterprise.");
      return {};
    }
    const id = enterprise.toLowerCase();
    const asked = BigInt(scopes ?? 0) | ENTERPRISE_SCOPES.identity;
    if (!hasEnterprises(ctx)) throw unavailable("ENTERPRISES_NOT_DEPLOYED", "This deployment has no EnterpriseRegistry.");
    const onChain = await fromChain(() => getEnterprise(ctx.relay, { enterprise: id as Hex }));
    if (onChain.status !== "active") throw forbidden("ENTERPRISE_INACTIVE", "The enterprise is not registered, or deregistered.");
    await requireRepresentative(ctx, session, id, asked);
    return { enterprise: id, scopes: asked };
  }

  async function fromChain<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw unavailable("CHAIN_UNAVAILABLE", "The chain could not be read.", error);
    }
  }

  app.post<{ Body: { ttlSeconds?: number; credential?: Hex; enterprise?: Hex; scopes?: number } }>("/v1/one-code/staple", { schema: gatewayRoutes.oneCodeStaple.schema }, async (request) => {
    await ctx.catchUp();
    ctx.assertFresh();
    const session = ctx.requireCitizen(request);
    // A guardian acts for the citizen but is not her: only the controller's key shows her code.
    const check = ctx.options.indexer.checkIdentityKey(session.citizen, session.account, 0n, ctx.ruleTime());
    if (session.asGuardian || !check?.isController) throw forbidden("NOT_CONTROLLER", "Only the identity's controller key shows its one code.");
    const { enterprise, scopes } = await enterpriseToStaple(session, request.body.enterprise, request.body.scopes);
    const claim = request.body.credential ? await claimOf(enterprise ?? check.citizen, request.body.credential) : undefined;
    const staple = await signOneCodeStaple(account, {
      chainId,
      citizen: check.citizen as Hex,
      controller: session.account as Address,
      level: check.level,
      blockNumber: ctx.options.indexer.status().indexedBlock,
      issuedAt: ctx.nowSeconds(),
      ttlSeconds: request.body.ttlSeconds,
      claim,
      ...(enterprise ? { enterprise: enterprise as Hex, scopes } : {}),
    });
    return { status: { ...staple.status, blockNumber: staple.status.blockNumber.toString() }, signature: staple.signature, ...(claim ? { claim } : {}), gateway: account.address };
  });

  /**
   * The checks a code must pass at `atSeconds`: the SDK's offline check (staple by a gateway, in
   * time, for this verifier, signed by the controller — ERC-1271 for accounts), then, online, the
   * index now (a rotated or deactivated key is refused even while its staple lasts).
   */
  async function judge(text: string, verifier: string, atSeconds: number, online: boolean): Promise<Judged> {
    let code: OneCode;
    try {
      code = decodeOneCode(text);
    } catch (error) {
      if (error instanceof OneCodeError) throw badRequest(error.code, error.shortMessage);
      throw error;
    }
    const verdict = await verifyOneCode({
      code,
      chainId,
      gateways: isGateway,
      verifier: verifier as Address,
      now: atSeconds,
      contractSignature: (signer, digest, signature) => isValidSignatureNow(ctx.relay, { signer, digest, signature }),
    });
    if (!verdict.valid) {
      if (verdict.reason === "ONE_CODE_CONTRACT_CHECK_UNAVAILABLE") throw unavailable("CHAIN_UNAVAILABLE", "The controller account could not be asked.");
      return { verified: false, reason: verdict.reason, code };
    }
    if (online) {
      const id = ctx.options.indexer.checkIdentityKey(code.status.citizen, code.status.controller, 0n, ctx.ruleTime());
      if (!id) return { verified: false, reason: "ONE_CODE_UNKNOWN_CITIZEN", code };
      if (!id.active) return { verified: false, reason: "ONE_CODE_IDENTITY_INACTIVE", code };
      if (!id.isController) return { verified: false, reason: "ONE_CODE_NOT_CONTROLLER", code };
      const { enterprise, scopes } = code.status;
      if (enterprise !== undefined) {
        // The staple's word was true as of its block; whether it still is, the chain says now.
        const acts = await fromChain(() => enterpriseAuthorizes(ctx.relay, { enterprise, actor: code.status.controller, scopes: BigInt(scopes!) }));
        if (!acts.allowed || acts.citizen.toLowerCase() !== code.status.citizen.toLowerCase()) {
          const standing = await fromChain(() => getEnterprise(ctx.relay, { enterprise }));
          return { verified: false, reason: standing.status === "active" ? "ONE_CODE_NOT_REPRESENTATIVE" : "ONE_CODE_ENTERPRISE_INACTIVE", code };
        }
      }
    }
    return { verified: true, reason: online ? "ONE_CODE_VERIFIED" : "ONE_CODE_OFFLINE_VERIFIED", code, replayKey: `onecode:${oneCodeReplayKey(code)}` };
  }

  function recordInput(verifier: string, judged: Judged): Omit<AccessRecordInput, "time"> {
    // An enterprise's code is the enterprise's identity shown: logged under the enterprise, for its tracker.
    const citizen = (judged.code!.status.enterprise ?? judged.code!.status.citizen).toLowerCase();
    return {
      agency: verifier,
      citizen,
      kind: "identity",
      scopes: 0n,
      purpose: ZeroHash,
      grantId: ZeroHash,
      basis: "none",
      decision: judged.verified ? "allowed" : "denied",
      reason: judged.reason,
      requestHash: ctx.responseHash({ code: oneCodeReplayKey(judged.code!) }),
      responseHash: ctx.responseHash({ verified: judged.verified, reason: judged.reason, citizen }),
    };
  }

  function answer(judged: Judged, time: number, receipt?: AccessReceipt): OneCodeVerdictJson {
    const s = judged.code?.status;
    return {
      verified: judged.verified,
      reason: judged.reason,
      ...(s ? { citizen: s.citizen, controller: s.controller, level: s.level } : {}),
      ...(s?.enterprise !== undefined ? { enterprise: s.enterprise, scopes: s.scopes } : {}),
      ...(judged.verified && judged.code?.claim ? { claim: judged.code.claim } : {}),
      time,
      ...(receipt ? { receipt: receipt as NonNullable<OneCodeVerdictJson["receipt"]> } : {}),
    };
  }

  /** Claims the code's nonce: the second showing of a code, online or uploaded, is a replay. */
  function reserve(judged: Judged, keepUntil: number): { judged: Judged; durable?: Promise<void> } {
    if (!judged.verified || !judged.replayKey) return { judged };
    const r = ctx.options.nonces.reserve(judged.replayKey, keepUntil);
    if (!r.fresh) return { judged: { ...judged, verified: false, reason: "ONE_CODE_REPLAYED" } };
    return { judged, durable: r.durable };
  }

  app.post<{ Body: { code: string } }>("/v1/one-code/verify", { schema: gatewayRoutes.oneCodeVerify.schema }, async (request) => {
    await ctx.catchUp();
    ctx.assertFresh();
    const verifier = ctx.requireStaff(request, "verifier");
    const now = ctx.nowSeconds();
    const judged = await judge(request.body.code, verifier, now, true);
    const { judged: final, durable } = reserve(judged, now + ONE_CODE_MAX_AGE_SECONDS + ONE_CODE_MAX_SKEW_SECONDS + 1);
    const receipt = await ctx.record(recordInput(verifier, final), durable);
    return answer(final, receipt.time, receipt);
  });

  app.post<{ Body: { verifications: Array<{ code: string; verifiedAt: string }> } }>("/v1/one-code/offline", { schema: gatewayRoutes.oneCodeUpload.schema }, async (request) => {
    await ctx.catchUp();
    ctx.assertFresh();
    const verifier = ctx.requireStaff(request, "verifier");
    const now = ctx.nowSeconds();
    // Every entry is judged before anything is logged: a malformed one refuses the whole upload.
    const judged: Array<{ judged: Judged; at: number }> = [];
    for (const v of request.body.verifications) {
      const at = Number(v.verifiedAt);
      if (at > now + ONE_CODE_MAX_SKEW_SECONDS) throw badRequest("VERIFIED_IN_FUTURE", "verifiedAt is ahead of the gateway's clock.");
      if (at < now - UPLOAD_WINDOW_SECONDS) throw badRequest("UPLOAD_TOO_LATE", `Offline checks are uploaded within ${UPLOAD_WINDOW_SECONDS / 86400} days.`);
      judged.push({ judged: await judge(v.code, verifier, at, false), at });
    }
    const results = await Promise.all(
      judged.map(async ({ judged: j, at }) => {
        const { judged: final, durable } = reserve(j, now + UPLOAD_WINDOW_SECONDS);
        const time = at * 1000;
        const append = ctx.options.accessLog.append({ ...recordInput(verifier, final), time });
        append.catch(() => undefined);
        try {
          await durable;
        } catch (cause) {
          throw unavailable("NONCE_STORE_UNAVAILABLE", "The nonce store is unavailable.", cause);
        }
        let receipt;
        try {
          receipt = await append;
        } catch (cause) {
          throw unavailable("ACCESS_LOG_UNAVAILABLE", "The access could not be recorded.", cause);
        }
        ctx.metrics.accesses.inc({ kind: "identity", decision: final.verified ? "allowed" : "denied" });
        return answer(final, time, receipt);
      }),
    );
    request.log.info({ event: "oneCodeUpload", verifier, count: results.length }, "offline one-code checks uploaded");
    return { results };
  });
};

