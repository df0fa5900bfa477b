export { HttpVault, type HttpVaultOptions } from "./HttpVault.js";
export { LevelVault, type LevelVaultOptions } from "./LevelVault.js";
export { VaultError, pick, validateRecord, type CitizenRecord, type FieldValue, type Vault } from "./Vault.js";
export { vaultHttpPlugin } from "./vaultHttpPlugin.js";
