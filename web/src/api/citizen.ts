// The citizen's calls, through the SDK's typed gateway client. Signing happens here, in the
// browser, with the SDK's typed-data builders; the gateway only relays what was signed.
import {
  pauseConsentTypedData,
  resumeConsentTypedData,
  revokeConsentTypedData,
  type Hex,
} from "@imi-ledger/sdk";
import type { CitizenSigner } from "../session.js";
import type { Session } from "./http.js";
import { getDeployment } from "./directory.js";

import { gateway } from "./client.js";

export type AccessRecordJson = {
  seq: number;
  time: number;
  gateway: string;
  agency: string;
  citizen: string;
  kind: "data" | "predicate" | "identity" | "credential";
  scopes: string;
  purpose: string;
  grantId: string;
  basis: "none" | "consent" | "statutory";
  decision: "allowed" | "denied";
  reason: string;
  requestHash: string;
  responseHash: string;
  recordHash: string;
  legalBasis?: string;
  proof?: { status: "unbatched" | "pending" | "anchored"; batch?: number; root?: string; txHash?: string; blockNumber?: number };
};

export type ConsentJson = {
  consentId: Hex;
  agency: string;
  scopes: string;
  purpose: string;
  validFrom: string;
  validUntil: string;
  maxUses: number;
  used?: number;
  /** "lapsed": a guardian's grant whose guardianship ended (lapseReason says how); nothing is read under it. */
  status: "none" | "active" | "paused" | "revoked" | "lapsed";
  lapseReason?: "GUARDIAN_REMOVED" | "GUARDIAN_EXPIRED" | "GUARDIAN_REPLACED";
  byGuardian?: boolean;
};

export type StatutoryJson = { grantId: string; agency: string; scopes: string; purpose: string; legalBasis: string; validFrom: string; validUntil: string; revoked: boolean; anyCitizen: boolean };

/** Citizen login (flow 5): the SDK signs the gateway's one-shot challenge with the identity's key. */
export async function citizenLogin(account: CitizenSigner, citizen: Hex): Promise<Session> {
  const session = await gateway.loginCitizen({ signer: account, citizen });
  // The token lives in this page's memory (session.ts), not in the shared client.
  gateway.logout();
  return session as Session;
}

export async function myAccesses(session: Session, afterSeq?: number): Promise<AccessRecordJson[]> {
  const page = await gateway.getCitizenAccesses({ token: session.token, afterSeq });
  return (page as unknown as { records: AccessRecordJson[] }).records;
}

export async function myConsents(session: Session): Promise<{ consents: ConsentJson[]; statutory: StatutoryJson[] }> {
  return (await gateway.getCitizenConsents({ token: session.token })) as unknown as { consents: ConsentJson[]; statutory: StatutoryJson[] };
}

/** Follows the live stream of accesses until it ends or `signal` aborts (the SDK reads it with fetch: EventSource cannot send the token). */
export async function followMyAccesses(session: Session, onRecord: (r: AccessRecordJson) => void, onOpen: () => void, signal: AbortSignal): Promise<void> {
  const stream = await gateway.streamCitizenAccesses({ token: session.token, signal });
  onOpen();
  for await (const record of stream) onRecord(record as unknown as AccessRecordJson);
}

export type ConsentAction = "revoke" | "pause" | "resume";
const BUILDERS = { revoke: revokeConsentTypedData, pause: pauseConsentTypedData, resume: resumeConsentTypedData } as const;

/** Signs the change in the browser and has the gateway relay it; resolves once the change is on the ledger and indexed. */
export async function changeMyConsent(account: CitizenSigner, action: ConsentAction, consentId: Hex): Promise<{ status: string; txHash: string; blockNumber: number }> {
  const deployment = await getDeployment();
  const { nonce } = await signerNonce("consentRegistry", account.address);
  // One hour to reach the ledger: the relay answers in seconds, a stale signature is useless.
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const typed = BUILDERS[action]({ chainId: deployment.chainId, verifyingContract: deployment.contracts.consentRegistry as Hex, consentId, nonce, deadline });
  const authorization = { signer: account.address, deadline, signature: await account.signTypedData(typed) };
  const relay = { revoke: gateway.relayRevokeConsent, pause: gateway.relayPauseConsent, resume: gateway.relayResumeConsent }[action];
  return (await relay({ consentId, authorization })) as { status: string; txHash: string; blockNumber: number };
}

/** The signer's current nonce on a contract that takes signed actions (the browser has no JSON-RPC of its own). */
export async function signerNonce(contract: "consentRegistry" | "identityRegistry", signer: Hex): Promise<{ nonce: bigint }> {
  const nonces = (await gateway.getSignerNonces({ signer })) as unknown as Record<typeof contract, string>;
  return { nonce: BigInt(nonces[contract]) };
}

export type ReceiptProof = { status: "anchored" | "pending" | "unbatched"; verified: boolean; blockNumber?: number };
