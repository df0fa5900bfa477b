// One HTTP exchange with the gateway, under the SDK's retry policy and error normalisation.
// Browser-safe: the global fetch, TextEncoder, no Node modules.
import { InvalidInputError, NetworkError } from "../../errors/errors.js";
import { gatewayErrorOf } from "../../errors/gatewayErrors.js";
import { withGatewayRetry } from "../retryPolicy.js";
import type { GatewayBaseClient } from "./GatewayBaseClient.js";

export type CallGatewayParameters = {
  method: "GET" | "POST" | "DELETE";
  /** Path on the gateway, starting with "/", without the query. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | bigint | undefined>;
  /** Sent as JSON. A string is sent as is (a signed request covers these exact bytes). */
  body?: unknown;
  /** "bearer": the session token is required; "none": sent without one. */
  auth?: "bearer" | "none";
  /** Headers per attempt, from the exact body text and path with query (a signed request is signed afresh for each try). */
  headers?: (p: { body: string | undefined; pathWithQuery: string }) => Promise<Record<string, string>> | Record<string, string>;
  /** Overrides the client's token for this call. */
  token?: string;
  /** What the call is, for error messages ("citizen login"). */
  what: string;
  /** The answer is text (metrics), not JSON. */
  text?: boolean;
};

export type CallGatewayReturnType<T> = { status: number; body: T };

/** The path with its query string, exactly as sent (signed requests cover it). */
export function pathWithQuery(path: string, query?: CallGatewayParameters["query"]): string {
  const entries = Object.entries(query ?? {}).filter((e): e is [string, string | number | bigint] => e[1] !== undefined);
  if (entries.length === 0) return path;
  return `${path}?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&")}`;
}

/**
 * Sends one request (again while the gateway answers 503 INDEX_BEHIND) and returns the parsed JSON
 * body of a 2xx answer. Any other answer throws the matching GatewayError subclass with the
 * gateway's code; a failure to reach the gateway throws NETWORK.
 */
export function callGateway<T>(client: GatewayBaseClient, p: CallGatewayParameters): Promise<CallGatewayReturnType<T>> {
  const once = () => callGatewayOnce<T>(client, p);
  return withGatewayRetry(p.method === "GET" ? () => onceMoreIfCutOff(once) : once);
}

/**
 * A GET whose connection broke before its answer was read is sent once more. A kept-alive socket
 * the gateway closes as idle just as a request goes out on it fails that way under load, and a read
 * changes nothing, so sending it again is safe (browsers do the same). Writes are not repeated: a
 * signed action the gateway may already have relayed is for the caller to look up, not to resend.
 */
async function onceMoreIfCutOff<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof NetworkError) || error.cause === undefined) throw error;
    return attempt();
  }
}

export async function openGateway(client: GatewayBaseClient, p: CallGatewayParameters & { signal?: AbortSignal; accept?: string }): Promise<Response> {
  const path = pathWithQuery(p.path, p.query);
  const body = p.body === undefined ? undefined : typeof p.body === "string" ? p.body : JSON.stringify(p.body);
  const token = p.token ?? client.token;
  if (p.auth === "bearer" && !token) throw new InvalidInputError("SESSION_REQUIRED", "token", `${p.what} needs a session: log in first or pass a token.`);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { "content-type": "application/json" }),
    ...(p.accept ? { accept: p.accept } : {}),
    ...(p.auth === "bearer" ? { authorization: `Bearer ${token}` } : {}),
    ...(p.headers ? await p.headers({ body, pathWithQuery: path }) : {}),
  };
  let response: Response;
  try {
    response = await client.fetch(client.url + path, { method: p.method, headers, body, signal: p.signal });
  } catch (cause) {
    throw new NetworkError(`The gateway at ${client.url} did not answer ${p.what}.`, { cause });
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw gatewayErrorOf(response.status, parseJson(text), p.what);
  }
  return response;
}

async function callGatewayOnce<T>(client: GatewayBaseClient, p: CallGatewayParameters): Promise<CallGatewayReturnType<T>> {
  const response = await openGateway(client, p);
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw new NetworkError(`The gateway's answer to ${p.what} broke off.`, { cause });
  }
  if (p.text) return { status: response.status, body: text as T };
  const parsed = parseJson(text);
  if (parsed === NOT_JSON) throw new NetworkError(`The gateway answered ${p.what} with something that is not JSON.`);
  return { status: response.status, body: parsed as T };
}

const NOT_JSON = Symbol("not json");
function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
