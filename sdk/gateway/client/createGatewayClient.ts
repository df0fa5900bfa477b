// A typed client for every gateway route. Thin, as viem's clients are: it holds the URL, the fetch
// and the session token, and binds the one-per-file actions of sdk/actions/gateway to itself.
// Request and response types come from sdk/gateway/schemas, the objects the gateway validates with.
import { InvalidInputError } from "../../errors/errors.js";
import { getCitizenAccesses, type GetCitizenAccessesParameters } from "../../actions/gateway/getCitizenAccesses.js";
import { getCitizenConsents, type GetCitizenConsentsParameters } from "../../actions/gateway/getCitizenConsents.js";
import { getGatewayDeployment } from "../../actions/gateway/getGatewayDeployment.js";
import { getLoginChallenge } from "../../actions/gateway/getLoginChallenge.js";
import { loginCitizen, type LoginCitizenParameters } from "../../actions/gateway/loginCitizen.js";
import { loginStaff, type LoginStaffParameters } from "../../actions/gateway/loginStaff.js";
import { relayGrantConsent, type RelayGrantConsentParameters } from "../../actions/gateway/relayGrantConsent.js";
import { relayPauseConsent, type RelayPauseConsentParameters } from "../../actions/gateway/relayPauseConsent.js";
import { relayResumeConsent, type RelayResumeConsentParameters } from "../../actions/gateway/relayResumeConsent.js";
import { relayRevokeConsent, type RelayRevokeConsentParameters } from "../../actions/gateway/relayRevokeConsent.js";
import { streamCitizenAccesses, type StreamCitizenAccessesParameters } from "../../actions/gateway/streamCitizenAccesses.js";
import type { GatewayBaseClient, GatewayClientConfig } from "./GatewayBaseClient.js";

export type { GatewayBaseClient, GatewayClientConfig, GatewaySigner } from "./GatewayBaseClient.js";

/** The actions a gateway client offers, each bound to the client. */
export function gatewayActions(client: GatewayBaseClient) {
  const keep = <T extends { token: string }>(session: T): T => {
    client.token = session.token;
    return session;
  };
  return {
    // Sessions
    getLoginChallenge: () => getLoginChallenge(client),
    /** Logs a citizen (or guardian) in and keeps the token for the calls after it. */
    loginCitizen: async (p: LoginCitizenParameters) => keep(await loginCitizen(client, p)),
    /** Logs staff in (agency, registrar, issuer, auditor) and keeps the token for the calls after it. */
    loginStaff: async (p: LoginStaffParameters) => keep(await loginStaff(client, p)),
    /** Forgets the session token (the gateway's token expires on its own). */
    logout: () => {
      client.token = undefined;
    },
    // The citizen's own view
    getCitizenAccesses: (p?: GetCitizenAccessesParameters) => getCitizenAccesses(client, p),
    streamCitizenAccesses: (p?: StreamCitizenAccessesParameters) => streamCitizenAccesses(client, p),
    getCitizenConsents: (p?: GetCitizenConsentsParameters) => getCitizenConsents(client, p),
    // Relay of the citizen's signed consent changes
    relayGrantConsent: (p: RelayGrantConsentParameters) => relayGrantConsent(client, p),
    relayRevokeConsent: (p: RelayRevokeConsentParameters) => relayRevokeConsent(client, p),
    relayPauseConsent: (p: RelayPauseConsentParameters) => relayPauseConsent(client, p),
    relayResumeConsent: (p: RelayResumeConsentParameters) => relayResumeConsent(client, p),
    // Operations
    getDeployment: () => getGatewayDeployment(client),
  };
}

export type GatewayClient = GatewayBaseClient & ReturnType<typeof gatewayActions>;

/**
 * A client for one gateway. Browser-safe: it uses the global fetch (or the one given) and nothing
 * from Node. Errors are GatewayError subclasses whose `code` is the gateway's code; a 503
 * INDEX_BEHIND is retried briefly (sdk/gateway/retryPolicy).
 *
 * @example
 * const gateway = createGatewayClient({ url: "https://gateway.district.example" });
 * await gateway.loginCitizen({ signer: account, citizen });
 * const { records, nextAfterSeq } = await gateway.getCitizenAccesses({ limit: 50 });
 */
export function createGatewayClient(config: GatewayClientConfig): GatewayClient {
  if (typeof config.url !== "string" || !/^https?:\/\/[^\s/]+/.test(config.url))
    throw new InvalidInputError("INVALID_URL", "url", "url must be the gateway's http(s) base URL.");
  const fetchFn = config.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== "function") throw new InvalidInputError("FETCH_REQUIRED", "fetch", "No global fetch here: pass `fetch`.");
  const base: GatewayBaseClient = { url: config.url.replace(/\/+$/, ""), fetch: fetchFn.bind(globalThis), token: config.token };
  return Object.assign(base, gatewayActions(base));
}
