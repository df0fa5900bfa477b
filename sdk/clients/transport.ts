import { NetworkError } from "../errors/errors.js";
import type { Eip1193Provider } from "../types.js";

/** A JSON-RPC error answered by the node (as opposed to not reaching it). */
export class RpcResponseError extends Error {
  override name = "RpcResponseError";
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

export type Transport = {
  readonly kind: "transport";
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
};

export type HttpTransportOptions = {
  /** Per-request timeout, milliseconds. Default 30 000. */
  timeoutMs?: number;
  headers?: Record<string, string>;
};

/** Plain HTTP JSON-RPC through `fetch` (Node 18+ and browsers). */
export function httpTransport(url: string, options: HttpTransportOptions = {}): Transport {
  let id = 0;
  return {
    kind: "transport",
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
      let response: Response;
      let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...options.headers },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
          signal: controller.signal,
        });
        body = await response.json();
      } catch (cause) {
        throw new NetworkError(`RPC ${method} to ${url} failed.`, { cause });
      } finally {
        clearTimeout(timer);
      }
      if (body.error) throw new RpcResponseError(body.error.code, body.error.message, body.error.data);
      if (!("result" in body)) throw new NetworkError(`RPC ${method}: HTTP ${response.status} without a JSON-RPC result.`);
      return body.result as T;
    },
  };
}

/** Any EIP-1193 provider: a browser wallet, Hardhat's in-process provider, ... */
export function eip1193Transport(provider: Eip1193Provider): Transport {
  return {
    kind: "transport",
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      try {
        return (await provider.request({ method, params })) as T;
      } catch (cause) {
        const e = cause as { code?: unknown; message?: unknown; data?: unknown };
        if (typeof e === "object" && e !== null && typeof e.code === "number")
          throw new RpcResponseError(e.code, String(e.message), e.data);
        // Providers that throw without a JSON-RPC code (e.g. Hardhat's EDR) still carry revert data.
        if (typeof e === "object" && e !== null && "data" in e)
          throw new RpcResponseError(-32603, String(e.message), e.data);
        throw new NetworkError(`RPC ${method} failed.`, { cause });
      }
    },
  };
}
