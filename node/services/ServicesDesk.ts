// What the gateway's citizen routes need from the services component: the citizen's own jobs and
// their answers. The gateway is built before the component starts (the component asks the
// gateway its questions), so the desk is handed to the gateway first and served once started.
import type { ServiceRuleSet } from "./rules.js";
import type { ServiceJob } from "./ServicesStore.js";
import type { WebhookDesk } from "./webhooks/WebhookDesk.js";

export type ServicesDesk = {
  readonly rules: ServiceRuleSet;
  list(citizen: string): Promise<ServiceJob[]>;
  decline(citizen: string, id: string): Promise<ServiceJob>;
  accept(citizen: string, id: string): Promise<ServiceJob>;
  /** Agencies' webhook endpoints and deliveries, and citizens' deletion and correction requests. */
  readonly webhooks: WebhookDesk;
};
