// SDK test fixture: IMI deployed on a fresh in-process Hardhat network, SDK clients for its
// accounts (local keys derived from Hardhat's default mnemonic, signing with @noble/curves).
import { createServer } from "node:http";
import { HDNodeWallet } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployImi } from "../helpers/deployImi.js";
import { freePort } from "../helpers/hardhatNode.js";
import {
  createImiClient,
  generatePrivateKey,
  privateKeyToAccount,
  randomBytes32,
  recordCommitment,
  type Hex,
  type ImiClient,
  type ImiDeployment,
  type LocalAccount,
} from "@imi-ledger/sdk";

const MNEMONIC = "test test test test test test test test test test test junk";
const root = HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0");

export function hardhatAccount(index: number): LocalAccount {
  return privateKeyToAccount(root.deriveChild(index).privateKey as Hex);
}

export async function sdkFixture() {
  const fx = await deployImi();
  const c = fx.contracts;
  const deployment: ImiDeployment = {
    chainId: Number(fx.chainId),
    contracts: {
      identityRegistry: (await c.identityRegistry.getAddress()) as Hex,
      credentialRegistry: (await c.credentialRegistry.getAddress()) as Hex,
      consentRegistry: (await c.consentRegistry.getAddress()) as Hex,
      accessLog: (await c.accessLog.getAddress()) as Hex,
      accountRules: (await c.accountRules.getAddress()) as Hex,
      accessManager: (await c.accessManager.getAddress()) as Hex,
      agencyRegistry: (await c.agencyRegistry.getAddress()) as Hex,
    },
  };
  const signers = await fx.ethers.getSigners();
  const rpc = fx.connection.provider;

  function accountOf(signer: HardhatEthersSigner): LocalAccount {
    const account = hardhatAccount(signers.findIndex((s) => s.address === signer.address));
    if (account.address !== signer.address) throw new Error("mnemonic mismatch");
    return account;
  }
  function clientFor(who?: HardhatEthersSigner | LocalAccount): ImiClient {
    const account = who === undefined ? undefined : "type" in who ? who : accountOf(who);
    return createImiClient({ rpc, deployment, account });
  }
  const a = fx.accounts;
  const clients = {
    reader: clientFor(),
    governor: clientFor(a.governor),
    registrar: clientFor(a.registrar),
    issuer: clientFor(a.issuer),
    agency: clientFor(a.agency),
    gateway: clientFor(a.gateway),
    auditor: clientFor(a.auditor),
    attester: clientFor(a.attester),
  };
  /** A new random key with no role and no funds (a citizen's key that only signs, a guardian). */
  function freshAccount(): LocalAccount {
    return privateKeyToAccount(generatePrivateKey());
  }
  /** A new random key with funds to send transactions itself. */
  async function fundedAccount(): Promise<LocalAccount> {
    const account = freshAccount();
    await fx.ethers.provider.send("hardhat_setBalance", [account.address, "0x56bc75e2d63100000"]);
    return account;
  }
  /** Registers a citizen whose controller is a fresh funded key; returns its id and a client for it. */
  async function registerCitizen(level = 2) {
    const key = await fundedAccount();
    const citizen = randomBytes32();
    const commitment = recordCommitment({ name: "Chan Tai Man", birthDate: "1990-01-01" }, randomBytes32());
    await clients.registrar.identity.register({ citizen, controller: key.address, commitment, level });
    return { citizen, key, client: clientFor(key) };
  }
  return { ...fx, rpc, deployment, accountOf, clientFor, clients, freshAccount, fundedAccount, registerCitizen };
}

export type SdkFixture = Awaited<ReturnType<typeof sdkFixture>>;

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a throw");
}

type Eip1193 = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

/**
 * Serves an EIP-1193 provider as plain HTTP JSON-RPC on a loopback port, so URL transports are
 * exercised over real HTTP (as against the embedded node, Hardhat's node or Besu).
 */
export async function serveOverHttp(provider: Eip1193): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const { id, method, params } = JSON.parse(body);
    let reply: object;
    try {
      reply = { jsonrpc: "2.0", id, result: await provider.request({ method, params }) };
    } catch (e) {
      const error = e as { code?: number; message: string; data?: unknown };
      reply = { jsonrpc: "2.0", id, error: { code: error.code ?? -32603, message: error.message, data: error.data } };
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(reply));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
