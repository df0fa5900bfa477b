// The allowlist synchroniser against a real node that speaks Besu's PERM methods: the embedded
// chain in its genesis-allowlist mode with permApi on. AccountRules lives on a second embedded
// chain (the network's state); the "validator" enforces only its local allowlist, as Besu 25.6+ does.
import { Contract, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncAllowlistOnce } from "../../../node/runtime/allowlistSync.js";
import { deployWiredImi } from "../../helpers/artifacts.js";
import { freePort } from "../../helpers/hardhatNode.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";

let network: TestChain;
let validator: TestChain;
let rules: Contract;
const newcomer = Wallet.createRandom();

beforeAll(async () => {
  // wallets[0] deploys, wallets[1] governs, wallets[2] is the gateway.
  network = await startTestChain({ accounts: 3, fund: true });
  const [deployer, governor, gateway] = network.wallets;
  const imi = await deployWiredImi(deployer!, { governor: governor!.address, roles: [5], accounts: [gateway!.address], allowlist: [governor!.address, gateway!.address] });
  rules = imi.contracts.accountRules.connect(governor!) as Contract;
  // The validator's local list starts with an account AccountRules does not hold, and not the gateway.
  validator = await startTestChain({ accounts: 1, fund: true, config: { permApi: true } });
}, 300_000);
afterAll(async () => {
  await validator?.cleanup();
  await network?.cleanup();
});

const options = () => ({ rpcUrl: network.chain.url, accountRules: rules.target as string, validators: [validator.chain.url] });
const localList = async () => (await validator.rpc("perm_getAccountsAllowlist")).result as string[];

describe("allowlist synchroniser", () => {
  it("makes the validator's local allowlist equal to AccountRules, then enforces a grant and a revocation", async () => {
    const first = await syncAllowlistOnce(options());
    expect(first.inStep).toBe(true);
    const [, governor, gateway] = network.wallets;
    expect(first.allowlist).toEqual([governor!.address, gateway!.address].sort());
    expect(first.validators[0]!.removed).toEqual([validator.wallets[0]!.address]);
    expect((await localList()).map((a) => a.toLowerCase()).sort()).toEqual(first.allowlist.map((a) => a.toLowerCase()).sort());

    // Grant: allowed on chain, then on the validator after the next round.
    const sender = newcomer.connect(validator.provider);
    const tx = { to: newcomer.address, gasPrice: 0n, gasLimit: 21_000n, chainId: BigInt(validator.chain.chainId), nonce: 0 };
    await (await rules.getFunction("allow")(newcomer.address)).wait();
    expect((await validator.rpc("eth_sendRawTransaction", [await sender.signTransaction(tx)])).error?.code).toBe(-32007);
    const granted = await syncAllowlistOnce(options());
    expect(granted.validators[0]).toMatchObject({ ok: true, added: [newcomer.address], removed: [] });
    const sent = await validator.rpc("eth_sendRawTransaction", [await sender.signTransaction(tx)]);
    expect(sent.error).toBeUndefined();

    // Revocation: disallowed on chain, refused by the validator after the next round.
    await (await rules.getFunction("disallow")(newcomer.address)).wait();
    const revoked = await syncAllowlistOnce(options());
    expect(revoked.validators[0]).toMatchObject({ ok: true, added: [], removed: [newcomer.address] });
    const refused = await validator.rpc("eth_sendRawTransaction", [await sender.signTransaction({ ...tx, nonce: 1 })]);
    expect(refused.error?.code).toBe(-32007);

    // A round with nothing to change changes nothing.
    expect((await syncAllowlistOnce(options())).validators[0]).toMatchObject({ ok: true, added: [], removed: [] });
  }, 300_000);

  it("an unreachable validator is reported and left as it was; the reachable ones are still brought in step", async () => {
    await (await rules.getFunction("allow")(newcomer.address)).wait();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const round = await syncAllowlistOnce({ ...options(), validators: [closed, validator.chain.url] });
    expect(round.inStep).toBe(false);
    expect(round.validators[0]).toMatchObject({ url: closed, ok: false, added: [], removed: [], error: { code: "ALLOWLIST_VALIDATOR_UNREACHABLE" } });
    expect(round.validators[1]).toMatchObject({ ok: true, added: [newcomer.address] });
    await (await rules.getFunction("disallow")(newcomer.address)).wait();
  }, 120_000);

  it("after a migration the replay starts from the list at the move; a replay missing events is refused and changes nothing", async () => {
    const inStep = await syncAllowlistOnce(options());
    const before = await localList();
    // The network the state moved to has none of AccountRules' earlier events.
    const fromBlock = Number(await network.provider.getBlockNumber()) + 1;
    const error = await syncAllowlistOnce({ ...options(), fromBlock }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ALLOWLIST_RULES_INCOMPLETE", details: { count: inStep.allowlist.length, replayed: 0 } });
    expect(await localList()).toEqual(before);
    // With the list as it stood at the move (migration.json), the round is complete.
    const moved = await syncAllowlistOnce({ ...options(), fromBlock, initial: inStep.allowlist });
    expect(moved).toMatchObject({ inStep: true, allowlist: inStep.allowlist });
    expect(moved.validators[0]).toMatchObject({ ok: true, added: [], removed: [] });
  }, 120_000);

  it("the PERM methods refuse bad input with nothing changed, and are absent unless permApi is on", async () => {
    const before = await localList();
    expect((await validator.rpc("perm_addAccountsToAllowlist", [["0x1234"]])).error?.code).toBe(-32602);
    // Adding an account already listed refuses the whole request.
    const listed = before[0]!;
    const other = Wallet.createRandom().address;
    const refused = await validator.rpc("perm_addAccountsToAllowlist", [[other, listed]]);
    expect((refused.error?.data as { code: string }).code).toBe("CHAIN_PERM_EXISTING_ENTRY");
    expect(await localList()).toEqual(before);
    expect((await network.rpc("perm_getAccountsAllowlist")).error?.code).toBe(-32601);
  });
});
