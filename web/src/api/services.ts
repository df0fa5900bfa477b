// The citizen's life-event services (免申即享: received, offered, declined) and her deletion and
// correction requests to agencies, with the notices agencies were sent about her consents.
import type { CitizenDataRequests, CitizenService, DataRequestJson, DataRequestKind, Hex } from "@imi-ledger/sdk";
import type { Session } from "./http.js";
import { gateway } from "./client.js";

export type { CitizenService, CitizenDataRequests, DataRequestJson, DataRequestKind };

export async function myServices(session: Session): Promise<CitizenService[]> {
  return (await gateway.getCitizenServices({ token: session.token })).services;
}

export function declineMyService(session: Session, id: string): Promise<CitizenService> {
  return gateway.declineService({ id: id as Hex, token: session.token });
}

export function acceptMyService(session: Session, id: string): Promise<CitizenService> {
  return gateway.acceptService({ id: id as Hex, token: session.token });
}

export function myDataRequests(session: Session): Promise<CitizenDataRequests> {
  return gateway.getCitizenDataRequests({ token: session.token });
}

export function sendMyDataRequest(session: Session, input: { agency: string; kind: DataRequestKind; details: string }): Promise<DataRequestJson> {
  return gateway.sendDataRequest({ agency: input.agency as Hex, kind: input.kind, details: input.details, token: session.token });
}
