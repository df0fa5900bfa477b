import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatIgnitionEthers from "@nomicfoundation/hardhat-ignition-ethers";

const require = createRequire(import.meta.url);

/** The compiler comes from the `solc` npm package (JS/WASM), so building needs no download. */
export const SOLC_VERSION = "0.8.30";
/** The EVM fork the contracts target and the embedded chain runs. */
export const EVM_VERSION = "cancun";

export default defineConfig({
  plugins: [hardhatEthers, hardhatIgnitionEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
    },
  },
  // The embedded chain and a QBFT network seal a block only when needed (final at once): waiting
  // for Ignition's default 5 confirmations would wait for blocks nobody asks for.
  ignition: { requiredConfirmations: 1 },
  networks: {
    imi: {
      type: "http",
      chainType: "l1",
      url: process.env.IMI_RPC_URL ?? "http://127.0.0.1:8545",
      // The deploying account: a configuration variable, read from the environment, or from the
      // encrypted keystore when @nomicfoundation/hardhat-keystore is added to the plugins. It is
      // read only when a command uses the network.
      accounts: [configVariable("IMI_DEPLOYER_KEY")],
    },
  },
});
