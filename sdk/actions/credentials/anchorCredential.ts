import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toBytes32, toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type AnchorCredentialParameters = {
  /** See `hashCredential`. */
  credentialHash: Hex;
  schemaId: Hex;
  /** The citizen id, or omitted for a credential about no citizen. */
  subject?: Hex;
  validFrom?: Numberish;
  /** 0 / omitted = no expiry. */
  validUntil?: Numberish;
  account?: ImiAccount;
};
export type AnchorCredentialReturnType = { hash: Hex; blockNumber: number; credentialHash: Hex };

/** An issuer trusted for the schema anchors one credential hash. */
export async function anchorCredential(client: ImiBaseClient, p: AnchorCredentialParameters): Promise<AnchorCredentialReturnType> {
  const credentialHash = toNonZeroBytes32("credentialHash", p.credentialHash);
  const { hash, blockNumber } = await writeContract(client, {
    action: "anchorCredential",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "anchor",
    args: [
      credentialHash,
      toNonZeroBytes32("schemaId", p.schemaId),
      toBytes32("subject", p.subject ?? `0x${"0".repeat(64)}`),
      toUint("validFrom", p.validFrom ?? 0, 64),
      toUint("validUntil", p.validUntil ?? 0, 64),
    ],
  });
  return { hash, blockNumber, credentialHash };
}
