// Role ids: one TypeScript definition in the SDK, equal to the Solidity library the contracts use.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { GRANTABLE_ROLE_NAMES, IMI_ROLE_NAMES, IMI_ROLES, ImiError, roleIdOf, roleNameOf } from "@imi-ledger/sdk";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("IMI_ROLES", () => {
  test("equals the constants of contracts/utils/ImiRoles.sol, name for name", () => {
    const sol = readFileSync(join(root, "contracts", "utils", "ImiRoles.sol"), "utf8");
    const declared = Object.fromEntries([...sol.matchAll(/uint64\s+internal\s+constant\s+([A-Z_]+)\s*=\s*(\d+)\s*;/g)].map((m) => [m[1].toLowerCase(), Number(m[2])]));
    expect(Object.keys(declared).length).toBeGreaterThan(0);
    expect(IMI_ROLES).toEqual(declared);
  });

  test("names and ids map both ways; the governor is not grantable", () => {
    for (const name of IMI_ROLE_NAMES) {
      expect(roleNameOf(IMI_ROLES[name])).toBe(name);
      expect(roleNameOf(BigInt(IMI_ROLES[name]))).toBe(name);
      expect(roleIdOf(name)).toBe(IMI_ROLES[name]);
      expect(roleIdOf(String(IMI_ROLES[name]))).toBe(IMI_ROLES[name]);
    }
    expect(GRANTABLE_ROLE_NAMES).not.toContain("governor");
    expect(GRANTABLE_ROLE_NAMES.length).toBe(IMI_ROLE_NAMES.length - 1);
    expect(roleNameOf(99)).toBeUndefined();
  });

  test("an unknown role is refused with INVALID_ROLE", () => {
    for (const bad of ["mayor", "99", -1]) {
      const error = (() => {
        try {
          roleIdOf(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ImiError);
      expect((error as ImiError).code).toBe("INVALID_ROLE");
    }
  });
});
