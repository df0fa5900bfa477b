// A consent granted from an agency's request link (sdk/consent/consentRequestLink): the citizen's
// key signs the Grant in the browser and the gateway relays it (POST /v1/consents).
import { consentRequestGrant, grantTypedData, type ConsentRequest, type Hex, type Relayed } from "@imi-ledger/sdk";
import type { CitizenSigner } from "../session.js";
import { getDeployment } from "./directory.js";
import { signerNonce } from "./citizen.js";
import { gateway } from "./client.js";

export async function grantFromRequest(account: CitizenSigner, citizen: Hex, request: ConsentRequest, categories: readonly string[]): Promise<Relayed> {
  const deployment = await getDeployment();
  const { nonce } = await signerNonce("consentRegistry", account.address);
  const now = Math.floor(Date.now() / 1000);
  // The window opens a minute back: a phone's clock a little ahead of the chain's would otherwise
  // sign a consent that is "not yet valid" for its first seconds.
  const grant = consentRequestGrant(request, citizen, now - 60, categories);
  const deadline = BigInt(now + 3600);
  const typed = grantTypedData({ chainId: deployment.chainId, verifyingContract: deployment.contracts.consentRegistry as Hex, request: grant, nonce, deadline });
  const authorization = { signer: account.address, deadline, signature: await account.signTypedData(typed) };
  return gateway.relayGrantConsent({ request: grant, authorization });
}
