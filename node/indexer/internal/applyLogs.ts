// Turns contract events into view updates. Events are the only input: the indexer never reads
// contract storage, so any EVM node that serves eth_getLogs can feed it.
import { Interface, type EventFragment, type Result } from "ethers";
import { consentRegistryAbi } from "@imi-ledger/sdk";
import { credentialRegistryAbi } from "@imi-ledger/sdk";
import { identityRegistryAbi } from "@imi-ledger/sdk";
import { imiAccessManagerAbi } from "@imi-ledger/sdk";
import { ConsentStatus, IssuerStatus } from "../decisions.js";
import { encode, type LevelOp, type RoleView, type ViewState } from "./ViewState.js";

/** `blockTimestamp` is filled by the indexer for the logs that need it ({@link LogApplier.needsTime}) when the node does not send it. */
export type RpcLog = { address: string; topics: string[]; data: string; blockNumber: string; logIndex: string; removed?: boolean; blockTimestamp?: string };

export type WatchedContracts = {
  identityRegistry: string;
  consentRegistry: string;
  credentialRegistry: string;
  accessManager: string;
};

const interfaces = {
  identityRegistry: new Interface(identityRegistryAbi),
  consentRegistry: new Interface(consentRegistryAbi),
  credentialRegistry: new Interface(credentialRegistryAbi),
  accessManager: new Interface(imiAccessManagerAbi),
};

const lc = (v: unknown) => String(v).toLowerCase();

// A guardianship is told apart from a later one by its `addedAt`, the appointing block's time, which
// the event does not carry: the indexer reads it for blocks with these logs only (appointments are rare).
const GUARDIAN_ADDED_TOPIC = interfaces.identityRegistry.getEvent("GuardianAdded")!.topicHash.toLowerCase();

export class LogApplier {
  private readonly byAddress: Map<string, Interface>;
  private readonly nameOf: Map<string, keyof WatchedContracts>;
  /**
   * address -> topic0 -> event, built once. ethers' parseLog finds a log's event by hashing every
   * event signature of the ABI again for each log (keccak was 60 % of the indexer's CPU while it
   * caught up on 3,000 registrations); one map lookup and one decode per log instead.
   */
  private readonly events: Map<string, Map<string, EventFragment>>;

  constructor(
    private readonly state: ViewState,
    contracts: WatchedContracts,
  ) {
    this.byAddress = new Map(Object.entries(contracts).map(([name, address]) => [lc(address), interfaces[name as keyof WatchedContracts]]));
    this.nameOf = new Map(Object.entries(contracts).map(([name, address]) => [lc(address), name as keyof WatchedContracts]));
    this.events = new Map(
      [...this.byAddress].map(([address, iface]) => {
        const byTopic = new Map<string, EventFragment>();
        iface.forEachEvent((e) => byTopic.set(e.topicHash.toLowerCase(), e));
        return [address, byTopic];
      }),
    );
  }

  addresses(): string[] {
    return [...this.byAddress.keys()];
  }

  /** Whether {@link apply} needs `log.blockTimestamp`. */
  needsTime(log: RpcLog): boolean {
    return this.nameOf.get(lc(log.address)) === "identityRegistry" && lc(log.topics[0]) === GUARDIAN_ADDED_TOPIC;
  }

  /** Applies one log to the view (memory, or a disk view's pending entries) and appends the matching LevelDB ops. */
  apply(log: RpcLog, ops: LevelOp[]): void {
    const address = lc(log.address);
    const iface = this.byAddress.get(address);
    if (!iface) return;
    const fragment = this.events.get(address)?.get(lc(log.topics[0]));
    if (!fragment) return; // an event of an ABI we do not model (e.g. inherited from a library) changes no view
    let parsed: { name: string; args: Result };
    try {
      parsed = { name: fragment.name, args: iface.decodeEventLog(fragment, log.data, log.topics) };
    } catch {
      return;
    }
    const block = Number(BigInt(log.blockNumber));
    const a = parsed.args;
    const s = this.state;
    switch (`${this.nameOf.get(address)}.${parsed.name}`) {
      case "identityRegistry.IdentityRegistered": {
        const v = { citizen: lc(a.citizen), controller: lc(a.controller), status: 1 as const, level: Number(a.level), commitment: lc(a.commitment), registeredBlock: block };
        s.identities.set(v.citizen, v);
        s.keys.set(v.controller, v.citizen);
        ops.push({ type: "put", key: `id:${v.citizen}`, value: encode(v) }, { type: "put", key: `key:${v.controller}`, value: v.citizen });
        break;
      }
      case "identityRegistry.RecordUpdated": {
        const v = s.identities.get(lc(a.citizen));
        if (!v) break;
        v.commitment = lc(a.commitment);
        v.level = Number(a.level);
        s.identities.set(v.citizen, v);
        ops.push({ type: "put", key: `id:${v.citizen}`, value: encode(v) });
        break;
      }
      case "identityRegistry.ControllerChanged": {
        const v = s.identities.get(lc(a.citizen));
        if (!v) break;
        // The old key stays burnt on chain (never reusable) but controls nothing any more.
        s.keys.delete(v.controller);
        ops.push({ type: "del", key: `key:${v.controller}` });
        v.controller = lc(a.newController);
        s.keys.set(v.controller, v.citizen);
        s.identities.set(v.citizen, v);
        ops.push({ type: "put", key: `id:${v.citizen}`, value: encode(v) }, { type: "put", key: `key:${v.controller}`, value: v.citizen });
        break;
      }
      case "identityRegistry.IdentityDeactivated": {
        const v = s.identities.get(lc(a.citizen));
        if (!v) break;
        v.status = 2;
        s.identities.set(v.citizen, v);
        ops.push({ type: "put", key: `id:${v.citizen}`, value: encode(v) });
        break;
      }
      case "identityRegistry.GuardianAdded": {
        const id = `${lc(a.citizen)}:${lc(a.guardian)}`;
        if (log.blockTimestamp === undefined) throw new Error(`GuardianAdded in block ${block} arrived without its block time`);
        const v = { citizen: lc(a.citizen), guardian: lc(a.guardian), scopes: BigInt(a.scopes), expiresAt: BigInt(a.expiresAt), removed: false, addedAt: BigInt(log.blockTimestamp) };
        s.putGuardian(id, v);
        ops.push({ type: "put", key: `g:${id}`, value: encode(v) });
        break;
      }
      case "identityRegistry.GuardianRemoved": {
        const id = `${lc(a.citizen)}:${lc(a.guardian)}`;
        const v = s.guardians.get(id);
        if (!v) break;
        v.removed = true;
        ops.push({ type: "put", key: `g:${id}`, value: encode(v) });
        break;
      }
      case "accessManager.RoleGranted": {
        const id = `${BigInt(a.roleId)}:${lc(a.account)}`;
        const old = s.roles.get(id);
        let v: RoleView;
        if (a.newMember || !old) {
          v = { role: BigInt(a.roleId), account: lc(a.account), since: BigInt(a.since), delay: Number(a.delay), pendingDelay: Number(a.delay), effect: 0n };
        } else {
          // An existing member's new execution delay takes effect at `since` (OZ Time.Delay).
          v = { ...old, delay: old.effect !== 0n && old.effect <= BigInt(a.since) ? old.pendingDelay : old.delay, pendingDelay: Number(a.delay), effect: BigInt(a.since) };
        }
        s.roles.set(id, v);
        ops.push({ type: "put", key: `r:${id}`, value: encode(v) });
        break;
      }
      case "accessManager.RoleRevoked": {
        const id = `${BigInt(a.roleId)}:${lc(a.account)}`;
        s.roles.delete(id);
        ops.push({ type: "del", key: `r:${id}` });
        break;
      }
      case "consentRegistry.ConsentGranted": {
        const v = {
          consentId: lc(a.consentId),
          citizen: lc(a.citizen),
          agency: lc(a.agency),
          scopes: BigInt(a.scopes),
          purpose: lc(a.purpose),
          validFrom: BigInt(a.validFrom),
          validUntil: BigInt(a.validUntil),
          maxUses: Number(a.maxUses),
          status: ConsentStatus.Active as ConsentStatus,
          byGuardian: Boolean(a.byGuardian),
          grantedBy: lc(a.grantedBy),
          // As ConsentRegistry._grant records it: the granting guardian's appointment as it stands now (logs apply in chain order).
          guardianSince: a.byGuardian ? (s.guardians.get(`${lc(a.citizen)}:${lc(a.grantedBy)}`)?.addedAt ?? 0n) : 0n,
          confirmed: false,
          uses: 0,
          grantedBlock: block,
          grantedLogIndex: Number(BigInt(log.logIndex)),
          updatedBlock: block,
        };
        s.putConsent(v, ops);
        break;
      }
      case "consentRegistry.ConsentStatusChanged": {
        const v = s.consents.get(lc(a.consentId));
        if (!v) break;
        v.status = Number(a.status) as ConsentStatus;
        v.updatedBlock = block;
        s.consents.set(v.consentId, v);
        ops.push({ type: "put", key: `c:${v.consentId}`, value: encode(v) });
        break;
      }
      case "consentRegistry.ConsentConfirmed":
      case "consentRegistry.ConsentUsed": {
        const v = s.consents.get(lc(a.consentId));
        if (!v) break;
        if (parsed.name === "ConsentConfirmed") {
          v.confirmed = true;
          v.updatedBlock = block;
        } else v.uses = Number(a.uses);
        s.consents.set(v.consentId, v);
        ops.push({ type: "put", key: `c:${v.consentId}`, value: encode(v) });
        break;
      }
      case "consentRegistry.StatutoryAccessGranted": {
        const v = {
          grantId: lc(a.grantId),
          citizen: lc(a.citizen),
          agency: lc(a.agency),
          scopes: BigInt(a.scopes),
          purpose: lc(a.purpose),
          legalBasis: lc(a.legalBasis),
          validFrom: BigInt(a.validFrom),
          validUntil: BigInt(a.validUntil),
          revoked: false,
          reviewed: false,
          grantedBlock: block,
        };
        s.putStatutory(v);
        ops.push({ type: "put", key: `s:${v.grantId}`, value: encode(v) });
        break;
      }
      case "consentRegistry.StatutoryAccessRevoked":
      case "consentRegistry.StatutoryAccessReviewed": {
        const v = s.statutory.get(lc(a.grantId));
        if (!v) break;
        if (parsed.name === "StatutoryAccessRevoked") v.revoked = true;
        else v.reviewed = true;
        ops.push({ type: "put", key: `s:${v.grantId}`, value: encode(v) });
        break;
      }
      case "credentialRegistry.SchemaRegistered":
      case "credentialRegistry.SchemaDeprecated": {
        const v = { deprecated: parsed.name === "SchemaDeprecated" };
        s.schemas.set(lc(a.schemaId), v);
        ops.push({ type: "put", key: `sch:${lc(a.schemaId)}`, value: v });
        break;
      }
      case "credentialRegistry.IssuerTrustChanged": {
        const id = `${lc(a.schemaId)}:${lc(a.issuer)}`;
        s.trust.set(id, Boolean(a.trusted));
        ops.push({ type: "put", key: `t:${id}`, value: Boolean(a.trusted) });
        break;
      }
      case "credentialRegistry.CredentialAnchored": {
        const v = {
          credentialHash: lc(a.credentialHash),
          schemaId: lc(a.schemaId),
          issuer: lc(a.issuer),
          subject: lc(a.subject),
          validFrom: BigInt(a.validFrom),
          validUntil: BigInt(a.validUntil),
          status: IssuerStatus.Active as IssuerStatus,
          batchRoot: "0x" + "0".repeat(64),
          reason: 0,
        };
        s.putCredential(v, ops);
        break;
      }
      case "credentialRegistry.CredentialStatusChanged": {
        const hash = lc(a.credentialHash);
        const root = lc(a.batchRoot);
        if (root !== "0x" + "0".repeat(64)) {
          // As the contract keeps it: a batched credential's own record lives in its batch only, apart
          // from the same hash anchored singly or in another batch.
          const key = `${root}:${hash}`;
          const batch = s.batches.get(root);
          const v = s.batchedCredentials.get(key) ?? (batch
            ? { credentialHash: hash, schemaId: batch.schemaId, issuer: batch.issuer, subject: "0x" + "0".repeat(64), validFrom: batch.validFrom, validUntil: batch.validUntil, status: IssuerStatus.Active as IssuerStatus, batchRoot: root, reason: 0 }
            : undefined);
          if (!v) break;
          v.status = Number(a.status) as IssuerStatus;
          v.reason = Number(a.reason);
          s.batchedCredentials.set(key, v);
          ops.push({ type: "put", key: `bc:${key}`, value: encode(v) });
          break;
        }
        const v = s.credentials.get(hash);
        if (!v) break;
        v.status = Number(a.status) as IssuerStatus;
        v.reason = Number(a.reason);
        s.putCredential(v, ops);
        break;
      }
      case "credentialRegistry.BatchAnchored": {
        const v = { root: lc(a.root), schemaId: lc(a.schemaId), issuer: lc(a.issuer), count: Number(a.count), validFrom: BigInt(a.validFrom), validUntil: BigInt(a.validUntil), status: IssuerStatus.Active as IssuerStatus };
        s.batches.set(v.root, v);
        ops.push({ type: "put", key: `b:${v.root}`, value: encode(v) });
        break;
      }
      case "credentialRegistry.BatchStatusChanged": {
        const v = s.batches.get(lc(a.root));
        if (!v) break;
        v.status = Number(a.status) as IssuerStatus;
        ops.push({ type: "put", key: `b:${v.root}`, value: encode(v) });
        break;
      }
    }
  }
}
