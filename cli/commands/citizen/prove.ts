import { writeFile } from "node:fs/promises";
import type { SignedIdentityProof } from "@imi-ledger/sdk";
import { usage } from "../../internal/errors.js";
import { gatewayChallenge } from "../../internal/gateway.js";
import { bytes32 } from "../../internal/parse.js";
import { openSigner, type SignerOptions } from "../consent/signer.js";
import { enterpriseArg, enterpriseScopesArg } from "../enterprise/subject.js";

export type ProveIdentityOptions = SignerOptions & { challenge: string; audience?: string; out?: string; enterprise?: string; scopes?: string };
export type ProveIdentityResult = { proof: SignedIdentityProof; file?: string };

/**
 * "I am me" without an ID card: the citizen's key signs the verifier's challenge (EIP-712
 * IdentityProof, stamped with chain time). The verifier checks it with `imi agency verify-identity`.
 * With --enterprise, a representative proves she acts for the enterprise (EnterpriseIdentityProof).
 */
export async function proveIdentity(options: ProveIdentityOptions): Promise<ProveIdentityResult> {
  const challenge = bytes32("--challenge", options.challenge);
  if (options.audience !== undefined && (options.audience.length === 0 || options.audience.length > 200))
    throw usage("INVALID_AUDIENCE", "--audience: name the verifier exactly as it asked (it prints it with the challenge)");
  const enterprise = options.enterprise === undefined ? undefined : enterpriseArg("--enterprise", options.enterprise);
  const scopes = enterpriseScopesArg("--scopes", options.scopes);
  if (scopes !== undefined && enterprise === undefined) throw usage("INVALID_SCOPES", "--scopes: only with --enterprise");
  const { node, client, citizen } = await openSigner(options);
  // A challenge from this node's gateway names the gateway's audience, which it tells anyone who asks.
  const audience = options.audience ?? (await gatewayChallenge(node.requireGateway())).audience;
  const proof = await client.identity.prove({ citizen, audience, challenge, ...(enterprise ? { enterprise, scopes } : {}) });
  if (options.out) {
    try {
      await writeFile(options.out, `${JSON.stringify(proof, null, 2)}\n`);
    } catch {
      throw usage("FILE_UNWRITABLE", `--out: cannot write ${options.out}`);
    }
  }
  return { proof, ...(options.out ? { file: options.out } : {}) };
}
