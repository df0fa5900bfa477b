import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { requireAccount } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { enterpriseIdentityProofMessage, identityProofMessage, identityProofTypedData, type SignedIdentityProof } from "../../gateway/identityProof.js";
import { chainTime, signWith } from "../../internal/signing.js";
import type { Hex, Numberish } from "../../types.js";

export type ProveIdentityParameters = {
  citizen: Hex;
  /** The verifier's name or origin, exactly as it will check it. */
  audience: string;
  /** The verifier's challenge. */
  challenge: Hex;
  account?: ImiAccount;
  /**
   * Prove instead that `citizen` (the representative) acts for this enterprise: the proof is an
   * EnterpriseIdentityProof, checked against the EnterpriseRegistry (legal representative, or staff
   * holding the identity scope and `scopes`, not expired, enterprise registered).
   */
  enterprise?: Hex;
  /** With `enterprise`: ENTERPRISE_SCOPES bits to prove beside identity. */
  scopes?: Numberish;
};
export type ProveIdentityReturnType = SignedIdentityProof;

/**
 * The wallet answers a verifier's challenge with the client's account (a local key or a browser
 * wallet through eth_signTypedData_v4), stamped with chain time so the verifier's clock agrees.
 */
export async function proveIdentity(client: ImiBaseClient, p: ProveIdentityParameters): Promise<ProveIdentityReturnType> {
  const account = requireAccount(client, p.account, "proveIdentity");
  const fields = {
    chainId: client.chainId,
    citizen: p.citizen,
    controller: account.address,
    audience: p.audience,
    challenge: p.challenge,
    issuedAt: await chainTime(client),
  };
  const message = p.enterprise === undefined ? identityProofMessage(fields) : enterpriseIdentityProofMessage({ ...fields, enterprise: p.enterprise, scopes: p.scopes });
  return { message, signature: await signWith(client, account, identityProofTypedData(client.chainId, message)) };
}
