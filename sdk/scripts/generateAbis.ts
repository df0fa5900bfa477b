// Writes sdk/abi/*.ts and sdk/errors/contractErrors.ts from the Hardhat artifacts.
// Run after `npx hardhat build`: `npm run sdk:abi`.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderAbiModules } from "./renderAbiModules.js";

const sdkDir = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [file, text] of renderAbiModules(join(sdkDir, "..", "artifacts"))) {
  writeFileSync(join(sdkDir, file), text);
  console.log(`wrote sdk/${file}`);
}
