import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  changeCredentialStatus,
  type CredentialStatusChangeParameters,
  type CredentialStatusChangeReturnType,
} from "../../internal/credentialStatusChange.js";

export type ReinstateCredentialParameters = CredentialStatusChangeParameters;
export type ReinstateCredentialReturnType = CredentialStatusChangeReturnType;

/** The anchoring issuer reinstates a suspended credential (credit repair); pass `batch` for one inside a batch. */
export function reinstateCredential(client: ImiBaseClient, p: ReinstateCredentialParameters): Promise<ReinstateCredentialReturnType> {
  return changeCredentialStatus(client, "reinstate", p);
}
