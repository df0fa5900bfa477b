// Same-origin JSON calls to the gateway for what the SDK's typed gateway client does not cover
// yet (it is being written in sdk/gateway/client; these functions go when it lands). Failures are
// the SDK's own GatewayError / NetworkError, so screens handle one kind of error with a stable code.
import { GatewayError, NetworkError } from "@imi-ledger/sdk";

export type Session = { token: string; expiresAt: number; account: string; citizen: `0x${string}`; asGuardian: boolean; level?: number };

export async function gatewayJson<T>(path: string, init: { method?: "GET" | "POST"; body?: unknown; token?: string; signal?: AbortSignal } = {}): Promise<T> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers: {
        accept: "application/json",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      credentials: "same-origin",
    });
    text = await response.text();
  } catch (cause) {
    throw new NetworkError(`Gateway ${init.method ?? "GET"} ${path} failed.`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = text.length ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const code = (parsed as { code?: unknown } | undefined)?.code;
    throw new GatewayError(response.status, `Gateway answered ${response.status}${typeof code === "string" ? ` (${code})` : ""}.`, {
      details: typeof code === "string" ? code : undefined,
    });
  }
  return parsed as T;
}

export { codeOf } from "./errorCode.js";
