import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { eventOf, writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { ImiError } from "../../errors/ImiError.js";
import type { Hex } from "../../types.js";

export type ConsumeConsentParameters = { consentId: Hex; account?: ImiAccount };
export type ConsumeConsentReturnType = { hash: Hex; blockNumber: number; uses: number; maxUses: number };
/** Reverts decode to `ConsentRegistryUseLimitReachedError`, `ConsentRegistryNotUsableError`, `ConsentRegistryNotAGatewayError`. */
export type ConsumeConsentErrorType = ImiError;

/**
 * A gateway counts one use of a limited consent on chain, before it releases anything under it:
 * the one count every gateway of the deployment shares.
 */
export async function consumeConsent(client: ImiBaseClient, p: ConsumeConsentParameters): Promise<ConsumeConsentReturnType> {
  const consentId = toNonZeroBytes32("consentId", p.consentId);
  const result = await writeContract(client, { action: "consumeConsent", account: p.account, contract: "consentRegistry", functionName: "consume", args: [consentId] });
  const used = eventOf(result, "consentRegistry", "ConsentUsed");
  return { hash: result.hash, blockNumber: result.blockNumber, uses: Number(used.uses), maxUses: Number(used.maxUses) };
}
