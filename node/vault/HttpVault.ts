import type { DepartmentAnswerEnvelope, DepartmentQuestion } from "@imi-ledger/sdk";
import { pick, validateRecord, VaultError, type CitizenRecord, type Vault } from "./Vault.js";

export type HttpVaultOptions = {
  /** Base URL of the department's vault service, e.g. https://records.example.gov/imi */
  baseUrl: string;
  /** The department's bearer token (see `vaultHttpPlugin`'s `token`), sent as `Authorization: Bearer …`. */
  token?: string;
  /** Extra headers, e.g. another Authorization scheme the department requires. */
  headers?: Record<string, string>;
  /** Per-request timeout, ms (default 5 000). */
  timeoutMs?: number;
};

/**
 * A department keeps its records in its own system and answers the gateway over HTTP:
 *   GET    {base}/records/{citizen}?categories=a,b  -> 200 { record } | 404
 *   PUT    {base}/records/{citizen}  { record }     -> 204
 *   DELETE {base}/records/{citizen}                 -> 204 | 404
 *   POST   {base}/predicates/{citizen} { predicate, question } -> 200 { answer, signature } | 404
 *          (a yes/no the department evaluates on its own data and signs; docs/departments.md)
 * `serveVaultOverHttp` (node/vault/vaultHttpPlugin.ts) is a reference server for the same protocol.
 * Any transport failure or unexpected status is VAULT_UNAVAILABLE, which the gateway turns into 503.
 */
export class HttpVault implements Vault {
  private readonly base: string;

  constructor(private readonly options: HttpVaultOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new VaultError("VAULT_CONFIG_INVALID", "vault.baseUrl: not a URL. Give the department service's base URL.");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new VaultError("VAULT_CONFIG_INVALID", "vault.baseUrl: must be http or https.");
    this.base = options.baseUrl.replace(/\/+$/, "");
  }

  private async call(method: string, citizen: string, query = "", body?: unknown, resource = "records"): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 5_000);
    let response: Response;
    try {
      response = await fetch(`${this.base}/${resource}/${encodeURIComponent(citizen.toLowerCase())}${query}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.options.token === undefined ? {} : { authorization: `Bearer ${this.options.token}` }),
          ...this.options.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", `The department vault did not answer ${method}.`, { cause });
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 || response.status === 403)
      throw new VaultError("VAULT_UNAVAILABLE", `The department vault refused the gateway's credentials (${response.status} to ${method}); check vault.token.`);
    return response;
  }

  async put(citizen: string, record: CitizenRecord): Promise<void> {
    const res = await this.call("PUT", citizen, "", { record: validateRecord(record) });
    if (res.status !== 204 && res.status !== 200) throw new VaultError("VAULT_UNAVAILABLE", `The department vault answered ${res.status} to PUT.`);
  }

  async get(citizen: string, categories?: readonly string[]): Promise<CitizenRecord | undefined> {
    const query = categories ? `?categories=${encodeURIComponent(categories.join(","))}` : "";
    const res = await this.call("GET", citizen, query);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new VaultError("VAULT_UNAVAILABLE", `The department vault answered ${res.status} to GET.`);
    let body: { record?: unknown };
    try {
      body = (await res.json()) as { record?: unknown };
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", "The department vault sent no JSON.", { cause });
    }
    // A remote system is not trusted to have filtered: validate and cut to what was asked.
    return pick(validateRecord(body.record), categories);
  }

  async erase(citizen: string): Promise<boolean> {
    const res = await this.call("DELETE", citizen);
    if (res.status === 404) return false;
    if (res.status !== 204 && res.status !== 200) throw new VaultError("VAULT_UNAVAILABLE", `The department vault answered ${res.status} to DELETE.`);
    return true;
  }

  /**
   * Asks the department a yes/no question about the citizen: its signed answer, or undefined when it
   * holds no record to answer from. Unchecked here: the gateway checks the signature and the role.
   */
  async askPredicate(citizen: string, question: DepartmentQuestion): Promise<DepartmentAnswerEnvelope | undefined> {
    const res = await this.call("POST", citizen, "", question, "predicates");
    if (res.status === 404) {
      // Only the department's own "no record" is an answer; a 404 from a server without this route is a fault.
      const body = (await res.json().catch(() => ({}))) as { code?: unknown };
      if (body.code === "NO_RECORD") return undefined;
      throw new VaultError("VAULT_UNAVAILABLE", "The department does not answer predicates (404 without NO_RECORD).");
    }
    if (res.status !== 200) throw new VaultError("VAULT_UNAVAILABLE", `The department answered ${res.status} to a predicate.`);
    try {
      return (await res.json()) as DepartmentAnswerEnvelope;
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", "The department sent no JSON.", { cause });
    }
  }

  async close(): Promise<void> {}
}
