import { confirmConsentTypedData, pauseConsentTypedData, resumeConsentTypedData, revokeConsentTypedData } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { gatewayJson } from "../../internal/gateway.js";
import { usage } from "../../internal/errors.js";
import { bytes32 } from "../../internal/parse.js";
import { confirmSignature, openSigner, signingTimes, type SignerOptions } from "./signer.js";

export type ConsentChange = "revoke" | "pause" | "resume" | "confirm";
export type ChangeConsentOptions = SignerOptions & { consentId: string };
export type ChangeConsentResult = { action: ConsentChange; consentId: Hex; status: string; txHash: Hex; blockNumber: number };

const BUILDERS = { revoke: revokeConsentTypedData, pause: pauseConsentTypedData, resume: resumeConsentTypedData, confirm: confirmConsentTypedData } as const;
const NEEDS: Record<ConsentChange, string[]> = { revoke: ["active", "paused"], pause: ["active"], resume: ["paused"], confirm: ["active", "paused"] };

/** Revoke (final), pause or resume a consent: signed by the citizen or guardian, relayed by the gateway. */
export async function changeConsent(action: ConsentChange, options: ChangeConsentOptions): Promise<ChangeConsentResult> {
  const consentId = bytes32("<consent-id>", options.consentId);
  const { node, account, client, citizen } = await openSigner(options);
  const gateway = node.requireGateway();
  const consent = await client.consent.get({ consentId });
  if (consent.status === "none") throw usage("UNKNOWN_CONSENT", `no consent ${consentId}`);
  if (consent.citizen.toLowerCase() !== citizen.toLowerCase()) throw usage("NOT_YOUR_CONSENT", `consent ${consentId} belongs to another identity`);
  if (!NEEDS[action].includes(consent.status)) throw usage("CONSENT_STATE", `consent ${consentId} is ${consent.status}; cannot ${action} it`);
  if (action === "confirm" && (!consent.byGuardian || consent.confirmedAt !== 0n))
    throw usage("CONSENT_STATE", `consent ${consentId} ${consent.byGuardian ? "is confirmed already" : "was granted by the citizen, not a guardian"}; nothing to confirm`);
  const { now } = await signingTimes(client);
  const deadline = now + 600n;
  const nonce = await client.signing.getNonce({ contract: "consentRegistry", signer: account.address });
  const typed = BUILDERS[action]({ chainId: node.deployment.chainId, verifyingContract: node.deployment.contracts.consentRegistry, consentId, nonce, deadline });
  await confirmSignature(typed, options);
  const out = await gatewayJson<{ status: string; txHash: Hex; blockNumber: number }>(gateway, `/v1/consents/${consentId}/${action}`, {
    body: { authorization: { signer: account.address, deadline: String(deadline), signature: account.signTypedData(typed) } },
  });
  return { action, consentId, status: out.status, txHash: out.txHash, blockNumber: out.blockNumber };
}
