// Runs after `npm install`. npm scripts put node_modules/.bin first on PATH, so this runs
// under the Node 22 that the `node` package brings even when the machine's Node is older.
// npm itself may have run under the older Node and then skipped optional packages whose
// `engines` ask for Node 22 -- EDR's native binding among them. A second, script-free
// install pass under Node 22 brings them in.
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split(".")[0]);

function edrLoads() {
  try {
    require("@nomicfoundation/edr");
    return true;
  } catch {
    return false;
  }
}

if (major < 22) {
  console.error(
    `imi-ledger needs Node.js 22 or newer; found ${process.version}. ` +
      "Run npm through the project's scripts (npm test, npm start) so that the bundled Node 22 is used.",
  );
  process.exit(1);
}

if (!edrLoads()) {
  const npmCli = process.env.npm_execpath;
  if (!npmCli) {
    console.error("EDR's native binding is missing and npm could not be located to install it.");
    process.exit(1);
  }
  console.log("Installing optional native packages under Node " + process.version + " ...");
  const result = spawnSync(
    process.execPath,
    [npmCli, "install", "--ignore-scripts", "--no-save", "--no-audit", "--no-fund"],
    { stdio: "inherit" },
  );
  if (result.status !== 0 || !edrLoads()) {
    console.error("Could not install EDR's native binding; Hardhat's in-process network will not run.");
    process.exit(1);
  }
}
