export { HttpVault, type HttpVaultOptions } from "./HttpVault.js";
export { LevelVault, type LevelVaultOptions } from "./LevelVault.js";
export { VaultError, pick, validateRecord, type CitizenRecord, type FieldValue, type Vault } from "./Vault.js";
export { vaultHttpPlugin } from "./vaultHttpPlugin.js";
export { Departments, type Department, type DepartmentSettings } from "./Departments.js";
export { ageOn, evaluatePredicate, PREDICATE_CATEGORIES, type RecordPredicate } from "./evaluatePredicate.js";
export { type DepartmentSigner } from "./vaultHttpPlugin.js";
