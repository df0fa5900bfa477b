import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import {
  changeCredentialStatus,
  type CredentialStatusChangeParameters,
  type CredentialStatusChangeReturnType,
} from "../../internal/credentialStatusChange.js";

export type RevokeCredentialParameters = CredentialStatusChangeParameters;
export type RevokeCredentialReturnType = CredentialStatusChangeReturnType;

/** The anchoring issuer revokes a credential for good; pass `batch` for one inside a batch. */
export function revokeCredential(client: ImiBaseClient, p: RevokeCredentialParameters): Promise<RevokeCredentialReturnType> {
  return changeCredentialStatus(client, "revoke", p);
}
