// The citizen's service applications and each step of their approval (one-door supervision), as the
// department officers recorded them: GET /v1/citizen/approvals.
import type { ApplicationJson } from "@imi-ledger/sdk";
import type { Session } from "./http.js";
import { gateway } from "./client.js";

export type { ApplicationJson };

export async function myApprovals(session: Session): Promise<ApplicationJson[]> {
  return (await gateway.getCitizenApprovals({ token: session.token })).applications;
}
