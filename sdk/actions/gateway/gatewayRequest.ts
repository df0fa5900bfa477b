import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { requireAccount } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { GatewayError, InvalidInputError, NetworkError } from "../../errors/errors.js";
import { agencyRequestHeaders, agencyRequestMessage, agencyRequestTypedData } from "../../gateway/agencyRequest.js";
import { withGatewayRetry } from "../../gateway/retryPolicy.js";
import { signWith } from "../../internal/signing.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type GatewayRequestParameters = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query on the gateway, starting with "/". */
  path: string;
  /** A JSON-serialisable body (sent as application/json), or a string sent as is. */
  body?: unknown;
  citizen: Hex;
  scopes: Numberish;
  purpose: Hex;
  grantId?: Hex;
  account?: ImiAccount;
  /**
   * The account of the gateway the request is for (signed into it, so no other gateway accepts it).
   * Default: what the gateway at `client.gatewayUrl` says at GET /v1/deployment, asked once.
   */
  gateway?: Address;
};
export type GatewayRequestReturnType<T = unknown> = { status: number; body: T };

/**
 * An agency calls the gateway with a signed request (see `signAgencyRequest`): the body goes as is
 * and the signed message and signature travel in the `x-imi-request` / `x-imi-signature` headers.
 * A non-2xx answer throws GATEWAY with the HTTP status and the gateway's own error code. A 503
 * INDEX_BEHIND (the gateway's index is a block or two behind the chain) is sent again, freshly
 * signed, a few times over about 1.5 s before it is thrown.
 */
export async function gatewayRequest<T = unknown>(
  client: ImiBaseClient,
  p: GatewayRequestParameters,
): Promise<GatewayRequestReturnType<T>> {
  if (!client.gatewayUrl) throw new InvalidInputError("GATEWAY_REQUIRED", "gateway", "Pass `gateway` (its base URL) to createImiClient.");
  // The SDK's one retry policy (sdk/gateway/retryPolicy): each attempt is signed afresh.
  return withGatewayRetry(() => gatewayRequestOnce<T>(client, p));
}

const gatewayAccounts = new Map<string, Promise<Address>>();

/** The gateway's account, as its GET /v1/deployment says (asked once per URL). */
function gatewayAccountOf(url: string): Promise<Address> {
  let known = gatewayAccounts.get(url);
  if (!known) {
    known = (async () => {
      let response: Response;
      try {
        response = await fetch(`${url}/v1/deployment`);
      } catch (cause) {
        throw new NetworkError("Gateway GET /v1/deployment failed.", { cause });
      }
      const body = (await response.json().catch(() => ({}))) as { gateway?: unknown };
      if (!response.ok || typeof body.gateway !== "string") throw new GatewayError(response.status, "The gateway did not say its account (GET /v1/deployment).");
      return body.gateway as Address;
    })();
    known.catch(() => gatewayAccounts.delete(url));
    gatewayAccounts.set(url, known);
  }
  return known;
}

async function gatewayRequestOnce<T>(client: ImiBaseClient, p: GatewayRequestParameters): Promise<GatewayRequestReturnType<T>> {
  const account = requireAccount(client, p.account, "gatewayRequest");
  const body = p.body === undefined ? undefined : typeof p.body === "string" ? p.body : JSON.stringify(p.body);
  const gateway = p.gateway ?? (await gatewayAccountOf(client.gatewayUrl!));
  const message = agencyRequestMessage({ ...p, gateway, chainId: client.chainId, agency: account.address, body });
  const signature = await signWith(client, account, agencyRequestTypedData(client.chainId, message));
  let response: Response;
  let text: string;
  try {
    response = await fetch(client.gatewayUrl! + p.path, {
      method: message.method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...agencyRequestHeaders({ message, signature }) },
      body,
    });
    text = await response.text();
  } catch (cause) {
    throw new NetworkError(`Gateway ${message.method} ${p.path} failed.`, { cause });
  }
  let parsed: unknown = text;
  try {
    parsed = text.length ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  if (!response.ok) {
    const code = (parsed as { code?: unknown } | undefined)?.code;
    throw new GatewayError(response.status, `Gateway answered ${response.status}${typeof code === "string" ? ` (${code})` : ""}.`, {
      details: typeof code === "string" ? code : undefined,
    });
  }
  return { status: response.status, body: parsed as T };
}
