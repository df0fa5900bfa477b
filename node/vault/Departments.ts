// Data categories routed to the departments that own them. Each department runs its own system
// behind the HTTP vault protocol (HttpVault; vaultHttpPlugin is the reference server) with its own
// token, and answers predicates on its categories itself, signed with its key (role DEPARTMENT).
// Categories no department claims stay in the gateway's own vault.
import { NodeError } from "../NodeError.js";
import type { PartStatus } from "../storage/StoreHealth.js";
import { HttpVault } from "./HttpVault.js";
import type { CitizenRecord, Vault } from "./Vault.js";

/** One department as imi.json's `departments` lists it. */
export type DepartmentSettings = {
  /** A short name for logs and errors, e.g. "civil-affairs". */
  name: string;
  /** Base URL of its system (the HTTP vault protocol). */
  url: string;
  /** Its bearer token (vaultHttpPlugin's `token`): at least 32 characters. */
  token: string;
  /** The categories it owns at its source. */
  categories: string[];
  /** The account its answers are signed with; it must hold the department role on chain. */
  account: string;
  /** Per-request timeout, ms (default 5 000). */
  timeoutMs?: number;
};

export type Department = { name: string; account: string; categories: readonly string[]; client: HttpVault };

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

function invalid(setting: string, fix: string): NodeError {
  return new NodeError("DEPARTMENT_CONFIG_INVALID", `${setting}: ${fix}`, { details: { setting } });
}

/** The routing table: validated once at start (DEPARTMENT_CONFIG_INVALID names the setting and the fix). */
export class Departments {
  private readonly owners = new Map<string, Department>();

  private constructor(readonly list: readonly Department[]) {
    for (const d of list) for (const c of d.categories) this.owners.set(c, d);
  }

  static create(settings: readonly DepartmentSettings[], categories: readonly string[]): Departments {
    if (!Array.isArray(settings)) throw invalid("departments", "give a list of departments.");
    const names = new Set<string>();
    const accounts = new Set<string>();
    const claimed = new Map<string, string>();
    const list: Department[] = settings.map((s, i) => {
      const at = `departments[${i}]`;
      if (typeof s?.name !== "string" || !NAME.test(s.name)) throw invalid(`${at}.name`, "give a short lower-case name (letters, digits, -).");
      if (names.has(s.name)) throw invalid(`${at}.name`, `"${s.name}" is listed twice; give each department once.`);
      names.add(s.name);
      if (typeof s.account !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(s.account)) throw invalid(`${at}.account`, "give the 0x address of the key the department signs its answers with.");
      if (accounts.has(s.account.toLowerCase())) throw invalid(`${at}.account`, "another department signs with this account; each department has its own key.");
      accounts.add(s.account.toLowerCase());
      if (typeof s.token !== "string" || s.token.length < 32) throw invalid(`${at}.token`, "give the department's own token, at least 32 characters (for example 32 random bytes in hex).");
      if (!Array.isArray(s.categories) || s.categories.length === 0) throw invalid(`${at}.categories`, "name at least one data category the department owns.");
      for (const c of s.categories) {
        if (!categories.includes(c)) throw invalid(`${at}.categories`, `"${String(c)}" is not a data category of this gateway (${categories.join(", ")}).`);
        if (c === "credentials") throw invalid(`${at}.categories`, '"credentials" are answered from the chain, not from a department.');
        const owner = claimed.get(c);
        if (owner !== undefined) throw invalid(`${at}.categories`, `"${c}" is already owned by ${owner}; a category has one owner.`);
        claimed.set(c, s.name);
      }
      if (s.timeoutMs !== undefined && (!Number.isSafeInteger(s.timeoutMs) || s.timeoutMs < 1 || s.timeoutMs > 60_000)) throw invalid(`${at}.timeoutMs`, "give 1 to 60000 ms.");
      let client: HttpVault;
      try {
        client = new HttpVault({ baseUrl: s.url, token: s.token, timeoutMs: s.timeoutMs });
      } catch {
        throw invalid(`${at}.url`, "give the department system's http(s) base URL.");
      }
      return { name: s.name, account: s.account.toLowerCase(), categories: [...s.categories], client };
    });
    return new Departments(list);
  }

  /** The department that owns `category`, or undefined when the gateway's own vault keeps it. */
  ownerOf(category: string): Department | undefined {
    return this.owners.get(category);
  }

  /**
   * A vault that reads and writes each category where it lives: owned categories at their department,
   * the rest in `local`. Any department that fails fails the whole call (VAULT_UNAVAILABLE), so a read
   * never returns part of what was asked as if it were all.
   */
  route(local: Vault): Vault {
    const split = (categories: readonly string[]) => {
      const parts = new Map<Department | undefined, string[]>();
      for (const c of categories) {
        const owner = this.ownerOf(c);
        parts.set(owner, [...(parts.get(owner) ?? []), c]);
      }
      return parts;
    };
    const departments = this.list;
    const merge = (records: Array<CitizenRecord | undefined>): CitizenRecord | undefined =>
      records.every((r) => r === undefined) ? undefined : Object.assign({}, ...records.filter(Boolean));
    return {
      async get(citizen, categories) {
        if (categories === undefined) {
          // Everything: the local record (without owned categories) and each department's own.
          const localRecord = await local.get(citizen);
          if (localRecord) for (const c of Object.keys(localRecord)) if (departments.some((d) => d.categories.includes(c))) delete localRecord[c];
          return merge([localRecord, ...(await Promise.all(departments.map((d) => d.client.get(citizen, d.categories))))]);
        }
        const reads = [...split(categories)].map(([owner, cats]) => (owner ? owner.client.get(citizen, cats) : local.get(citizen, cats)));
        return merge(await Promise.all(reads));
      },
      async put(citizen, record) {
        const parts = split(Object.keys(record));
        const pickOf = (cats: readonly string[]) => Object.fromEntries(cats.map((c) => [c, record[c]])) as CitizenRecord;
        // The local part is written even when empty, so a replaced record loses categories it no longer has.
        await local.put(citizen, pickOf(parts.get(undefined) ?? []));
        for (const [owner, cats] of parts) if (owner) await owner.client.put(citizen, pickOf(cats));
      },
      async erase(citizen) {
        const erased = await Promise.all([local.erase(citizen), ...departments.map((d) => d.client.erase(citizen))]);
        return erased.some(Boolean);
      },
      close: () => local.close(),
      ...(local.status ? { status: (): PartStatus => local.status!() } : {}),
    };
  }
}
