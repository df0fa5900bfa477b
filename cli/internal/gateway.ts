// The CLI's calls to the gateway, as a thin adapter over the SDK's gateway client: the client owns
// the wire format, the retry policy and the error normalisation; this file keeps the functions the
// commands call and turns the SDK's gateway errors into CliError (GatewayRefused) with exit codes.
import { GatewayError, NetworkError, createGatewayClient, type GatewayClient } from "@imi-ledger/sdk";
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

/** The SDK's errors in the CLI's terms: a refusal keeps the gateway's code, status and receipt. */
function cliErrorOf(base: string, error: unknown): unknown {
  if (error instanceof GatewayError) {
    const receipt = (error as { receipt?: Refusal["receipt"] }).receipt;
    return new GatewayRefused(error.status, {
      code: error.gatewayCode ?? `HTTP_${error.status}`,
      message: error.gatewayMessage ?? `HTTP ${error.status}`,
      ...(receipt ? { receipt } : {}),
    });
  }
  if (error instanceof NetworkError)
    return new CliError("GATEWAY_UNREACHABLE", `the gateway at ${base} did not answer. Is the node running (imi up)?`, { exitCode: EXIT.unavailable, cause: error });
  return error;
}

/** A typed call on the SDK's gateway client, its errors in the CLI's terms. */
export async function withClient<T>(base: string, call: (client: GatewayClient) => Promise<T>): Promise<T> {
  try {
    return await call(createGatewayClient({ url: base }));
  } catch (error) {
    throw cliErrorOf(base, error);
  }
}

/** Any gateway route by path (query included), through the SDK client's retry policy and errors. */
export async function gatewayJson<T>(base: string, path: string, call: GatewayCall = {}): Promise<T> {
  return withClient(base, async (client) => {
    const body = await client.request<T>({
      method: call.method ?? (call.body === undefined ? "GET" : "POST"),
      path,
      body: call.body,
      auth: call.token ? "bearer" : "none",
      token: call.token,
      headers: call.headers ? () => call.headers! : undefined,
    });
    return (body ?? {}) as T;
  });
}

/** The audience and account the gateway expects in logins and identity proofs (it says so with every challenge). */
export async function gatewayChallenge(base: string): Promise<{ challenge: Hex; audience: string; gateway: Address; expiresAt: number }> {
  return withClient(base, (client) => client.getLoginChallenge());
}

/**
 * The account of the gateway at `base` (GET /v1/deployment): signed requests and logins name it, so
 * no other gateway accepts them.
 */
export async function gatewayAccount(base: string): Promise<Address> {
  return withClient(base, async (client) => (await client.getDeployment()).gateway);
}

/** A staff session (agency, registrar, issuer, auditor) for the key the chain knows them by. */
export async function staffLogin(base: string, _chainId: number, account: LocalAccount): Promise<string> {
  // The chain id comes from the gateway's own deployment, the one its logins are checked against.
  return withClient(base, async (client) => (await client.loginStaff({ signer: account, lifetimeSeconds: 600 })).token);
}

/** A citizen session: an identity proof over the gateway's login challenge. */
export async function citizenLogin(base: string, _chainId: number, account: LocalAccount, citizen: Hex): Promise<{ token: string; asGuardian: boolean; level: number }> {
  return withClient(base, async (client) => {
    const session = await client.loginCitizen({ signer: account, citizen });
    return { ...session, token: session.token, asGuardian: session.asGuardian ?? false, level: session.level ?? 0 };
  });
}
