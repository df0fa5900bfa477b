import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { checkAuthorization, signAction, type Authorization, type SignedAction } from "../../internal/signing.js";
import { toNonZeroAddress, toNonZeroBytes32 } from "../../internal/validate.js";
import { rotateKeyTypedData } from "../../typedData/identityTypedData.js";
import type { Address, Hex, Numberish } from "../../types.js";

export type RotateKeyParameters = {
  citizen: Hex;
  newController: Address;
  /** When given, relays the controller's signature (`rotateKeyBySig`); otherwise the account must be the controller. */
  authorization?: Authorization;
  account?: ImiAccount;
};
export type RotateKeyReturnType = { hash: Hex; blockNumber: number };

/** The controller replaces its own key, directly or through a relayed signature. */
export async function rotateKey(client: ImiBaseClient, p: RotateKeyParameters): Promise<RotateKeyReturnType> {
  const citizen = toNonZeroBytes32("citizen", p.citizen);
  const newController = toNonZeroAddress("newController", p.newController);
  const { hash, blockNumber } = await writeContract(client, {
    action: "rotateKey",
    account: p.account,
    contract: "identityRegistry",
    ...(p.authorization
      ? { functionName: "rotateKeyBySig", args: [citizen, newController, await checkAuthorization(client, p.authorization)] }
      : { functionName: "rotateKey", args: [citizen, newController] }),
  });
  return { hash, blockNumber };
}

export type SignRotateKeyParameters = { citizen: Hex; newController: Address; deadline?: Numberish; account?: ImiAccount };

/** The controller signs a key rotation for someone else to relay. */
export function signRotateKey(client: ImiBaseClient, p: SignRotateKeyParameters): Promise<SignedAction<"RotateKey">> {
  return signAction(client, {
    action: "signRotateKey",
    contract: "identityRegistry",
    account: p.account,
    deadline: p.deadline,
    build: (d) => rotateKeyTypedData({ ...d, citizen: p.citizen, newController: p.newController }),
  });
}
