import { readFile } from "node:fs/promises";
import type { Address, Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { gatewayJson, staffLogin } from "../../internal/gateway.js";
import { bytes32 } from "../../internal/parse.js";
import type { Receipt } from "./access.js";

async function session(options: NodeOptions & KeyOptions): Promise<{ gateway: string; token: string }> {
  const node = await connect(options);
  const gateway = node.requireGateway();
  const agency = await loadKey(options);
  return { gateway, token: await staffLogin(gateway, node.deployment.chainId, agency) };
}

async function readJsonArgument(what: string, value: string): Promise<unknown> {
  let text = value;
  if (!value.trimStart().startsWith("{")) {
    try {
      text = value === "-" ? await new Promise<string>((resolve) => {
        let s = "";
        process.stdin.on("data", (d) => (s += d)).on("end", () => resolve(s));
      }) : await readFile(value, "utf8");
    } catch {
      throw usage("FILE_UNREADABLE", `${what}: cannot read ${value}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw usage("INVALID_JSON", `${what}: not JSON`);
  }
}

export type ChallengeResult = { challenge: Hex; audience: string; expiresAt: number };

/** A one-shot challenge for a citizen to sign (`imi citizen prove`), bound to this agency. */
export async function identityChallenge(options: NodeOptions & KeyOptions): Promise<ChallengeResult> {
  const { gateway, token } = await session(options);
  return gatewayJson<ChallengeResult>(gateway, "/v1/identity/challenge", { method: "POST", token });
}

export type VerifyIdentityResult = { verified: boolean; reason: string; citizen: Hex; signer?: Address; asGuardian: boolean; level: number; receipt: Receipt };

/** Checks a citizen's signed answer: does this key control (or guard) that identity now, at which level. */
export async function verifyIdentity(options: NodeOptions & KeyOptions & { proof: string }): Promise<VerifyIdentityResult> {
  const given = (await readJsonArgument("<proof>", options.proof)) as { message?: unknown; signature?: unknown; proof?: unknown };
  // Also what `imi --json citizen prove` prints: { ok, proof: { message, signature } }.
  const proof = (typeof given?.proof === "object" && given.proof !== null ? given.proof : given) as { message?: unknown; signature?: unknown };
  if (typeof proof !== "object" || proof === null || typeof proof.message !== "object" || typeof proof.signature !== "string")
    throw usage("INVALID_PROOF", "<proof>: expected { message, signature } from `imi citizen prove`");
  const { gateway, token } = await session(options);
  return gatewayJson<VerifyIdentityResult>(gateway, "/v1/identity/verify", { token, body: proof });
}

export type VerifyCredentialResult = { valid: boolean; credentialHash: Hex; status: string; claims: Record<string, unknown>; problems: string[]; receipt: Receipt };

/** Verifies a presented credential: issuer signature, disclosed claims, issuer trust, anchoring, status, validity. */
export async function verifyCredential(options: NodeOptions & KeyOptions & { presentation: string; subject?: string }): Promise<VerifyCredentialResult> {
  const given = (await readJsonArgument("<presentation>", options.presentation)) as { document?: unknown; presentation?: unknown };
  // Also what `imi --json citizen present` prints: { ok, presentation, disclosed }.
  const presentation = (typeof given?.presentation === "object" && given.presentation !== null ? given.presentation : given) as { document?: unknown };
  if (typeof presentation !== "object" || presentation === null || typeof presentation.document !== "object")
    throw usage("INVALID_PRESENTATION", "<presentation>: expected a presentation from `imi citizen present`");
  const subject = options.subject === undefined ? undefined : bytes32("--subject", options.subject);
  const { gateway, token } = await session(options);
  // A full credential file works too: the verifier only needs what a presentation carries.
  const { credentialHash: _ignored, ...shown } = presentation as Record<string, unknown>;
  void _ignored;
  return gatewayJson<VerifyCredentialResult>(gateway, "/v1/credentials/verify", { token, body: { presentation: shown, ...(subject ? { subject } : {}) } });
}
