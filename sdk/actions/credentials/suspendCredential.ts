import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  changeCredentialStatus,
  type CredentialStatusChangeParameters,
  type CredentialStatusChangeReturnType,
} from "../../internal/credentialStatusChange.js";

export type SuspendCredentialParameters = CredentialStatusChangeParameters;
export type SuspendCredentialReturnType = CredentialStatusChangeReturnType;

/** The anchoring issuer suspends a valid credential; pass `batch` for one inside a batch. */
export function suspendCredential(client: ImiBaseClient, p: SuspendCredentialParameters): Promise<SuspendCredentialReturnType> {
  return changeCredentialStatus(client, "suspend", p);
}
