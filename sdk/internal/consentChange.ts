import type { ImiBaseClient } from "../clients/ImiBaseClient.js";
import type { ImiAccount } from "../clients/accounts.js";
import { eventOf, writeContract, type WriteOptions } from "./contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "./signing.js";
import { toNonZeroBytes32 } from "./validate.js";
import {
  confirmConsentTypedData,
  pauseConsentTypedData,
  resumeConsentTypedData,
  revokeConsentTypedData,
  type ConsentChangeKind,
} from "../typedData/consentTypedData.js";
import type { Hex, Numberish } from "../types.js";

export type ConsentChangeParameters = WriteOptions & { consentId: Hex; authorization?: Authorization; account?: ImiAccount };
export type ConsentChangeReturnType = { hash: Hex; blockNumber: number; status: "active" | "paused" | "revoked" };
export type SignConsentChangeParameters = { consentId: Hex; deadline?: Numberish; account?: ImiAccount };

const FUNCTION = { Revoke: "revoke", Pause: "pause", Resume: "resume" } as const;
const BUILDER = { Revoke: revokeConsentTypedData, Pause: pauseConsentTypedData, Resume: resumeConsentTypedData, Confirm: confirmConsentTypedData } as const;
const STATUS = ["none", "active", "paused", "revoked"] as const;

export async function changeConsent(
  client: ImiBaseClient,
  kind: Exclude<ConsentChangeKind, "Confirm">,
  p: ConsentChangeParameters,
): Promise<ConsentChangeReturnType> {
  const consentId = toNonZeroBytes32("consentId", p.consentId);
  const fn = FUNCTION[kind];
  const result = await writeContract(client, {
    action: `${fn}Consent`,
    account: p.account,
    gas: p.gas,
    contract: "consentRegistry",
    ...(p.authorization
      ? { functionName: `${fn}BySig`, args: [consentId, await checkAuthorization(client, p.authorization)] }
      : { functionName: fn, args: [consentId] }),
  });
  const status = STATUS[Number(eventOf(result, "consentRegistry", "ConsentStatusChanged").status)] as ConsentChangeReturnType["status"];
  return { hash: result.hash, blockNumber: result.blockNumber, status };
}

export function signConsentChange<K extends ConsentChangeKind>(
  client: ImiBaseClient,
  kind: K,
  p: SignConsentChangeParameters,
): Promise<SignedAction<K>> {
  return signAction(client, {
    action: `sign${kind}Consent`,
    contract: "consentRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => BUILDER[kind]({ ...d, consentId: p.consentId }) as never,
  });
}
