// Calls to the gateway's HTTP API: staff and citizen logins, JSON requests with the gateway's
// error codes carried into CliError.
import { GATEWAY_RETRY_DELAYS_MS, signAgencyLogin, TRANSIENT_GATEWAY_CODES } from "@imi-ledger/sdk";
import { signIdentityProof } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../CliError.js";

export type GatewayCall = {
  method?: "GET" | "POST" | "DELETE";
  token?: string;
  /** Sent as JSON; a string is sent as is (a signed request covers these exact bytes). */
  body?: unknown;
  headers?: Record<string, string>;
};

export type Refusal = { code: string; message: string; receipt?: { seq: number; recordHash: string } };

export class GatewayRefused extends CliError {
  readonly status: number;
  readonly body: Refusal;
  constructor(status: number, body: Refusal) {
    const logged = body.receipt ? `; the refusal is logged as record #${body.receipt.seq}` : "";
    super(body.code, `${body.message.replace(/[.;]?\s*(The refusal is logged\.)?$/i, "")}${logged}`, {
      exitCode: status >= 500 ? EXIT.unavailable : EXIT.failure,
    });
    this.status = status;
    this.body = body;
  }
}

// Which refusals mean "not yet" and how long to wait are the SDK's one retry policy
// (sdk/gateway/retryPolicy.ts), shared with the SDK's gateway client.

export async function gatewayJson<T>(base: string, path: string, call: GatewayCall = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await gatewayJsonOnce<T>(base, path, call);
    } catch (error) {
      const delay = GATEWAY_RETRY_DELAYS_MS[attempt];
      if (!(error instanceof GatewayRefused) || error.status !== 503 || !TRANSIENT_GATEWAY_CODES.has(error.code) || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function gatewayJsonOnce<T>(base: string, path: string, call: GatewayCall): Promise<T> {
  let response: Response;
  try {
    response = await fetch(base + path, {
      method: call.method ?? (call.body === undefined ? "GET" : "POST"),
      headers: {
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
        ...call.headers,
      },
      body: call.body === undefined ? undefined : typeof call.body === "string" ? call.body : JSON.stringify(call.body),
    });
  } catch (cause) {
    throw new CliError("GATEWAY_UNREACHABLE", `the gateway at ${base} did not answer. Is the node running (imi up)?`, { exitCode: EXIT.unavailable, cause });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { code: `HTTP_${response.status}`, message: text.slice(0, 200) };
  }
  if (!response.ok) {
    const body = parsed as Partial<Refusal>;
    throw new GatewayRefused(response.status, { code: body.code ?? `HTTP_${response.status}`, message: body.message ?? `HTTP ${response.status}`, receipt: body.receipt });
  }
  return parsed as T;
}

/** The audience and account the gateway expects in logins and identity proofs (it says so with every challenge). */
export async function gatewayChallenge(base: string): Promise<{ challenge: Hex; audience: string; gateway: Address; expiresAt: number }> {
  return gatewayJson(base, "/v1/auth/challenge", { method: "POST" });
}

/**
 * The account of the gateway at `base` (GET /v1/deployment): signed requests and logins name it, so
 * no other gateway accepts them.
 */
export async function gatewayAccount(base: string): Promise<Address> {
  return (await gatewayJson<{ gateway: Address }>(base, "/v1/deployment")).gateway;
}

/** A staff session (agency, registrar, issuer, auditor) for the key the chain knows them by. */
export async function staffLogin(base: string, chainId: number, account: LocalAccount): Promise<string> {
  const { audience, gateway } = await gatewayChallenge(base);
  const now = Math.floor(Date.now() / 1000);
  const login = signAgencyLogin(account, { chainId, gateway, audience, issuedAt: now, expiresAt: now + 600 });
  const session = await gatewayJson<{ token: string }>(base, "/v1/auth/login", { body: login });
  return session.token;
}

/** A citizen session: an identity proof over the gateway's login challenge. */
export async function citizenLogin(base: string, chainId: number, account: LocalAccount, citizen: Hex): Promise<{ token: string; asGuardian: boolean; level: number }> {
  const { challenge, audience } = await gatewayChallenge(base);
  const proof = signIdentityProof(account, { chainId, citizen, audience, challenge });
  return gatewayJson(base, "/v1/auth/citizen-login", { body: proof });
}
