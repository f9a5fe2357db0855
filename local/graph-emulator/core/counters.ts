// Request counters read by tests and benchmarks ("Graph requests per message"): every Graph
// request, each $batch item included, by endpoint pattern, app, tenant and mailbox.

type Tally = Record<string, number>;

const bump = (t: Tally, key: string) => {
  t[key] = (t[key] ?? 0) + 1;
};

export interface GraphRequestRecord {
  /** `GET /users/{user}`; `unmatched` when no endpoint answered the path. */
  endpoint: string;
  viaBatch: boolean;
  status: number;
  clientId: string | null;
  tenantId: string | null;
  mailboxId: string | null;
  /** Throttle class or `fault` when the 429 came from injection. */
  throttledBy: string | null;
}

export class Counters {
  graph = {
    /** Graph operations: direct requests plus $batch items (not the $batch envelopes). */
    requests: 0,
    direct: 0,
    batchItems: 0,
    /** $batch HTTP requests (envelopes). */
    batchRequests: 0,
    byEndpoint: {} as Tally,
    byApp: {} as Tally,
    byTenant: {} as Tally,
    byMailbox: {} as Tally,
    byStatus: {} as Tally,
  };
  throttled = { total: 0, byClass: {} as Tally };
  faultsInjected = 0;
  identity = {
    tokens: {} as Tally,
    authorize: 0,
    errors: {} as Tally,
  };

  recordGraph(r: GraphRequestRecord): void {
    const g = this.graph;
    g.requests++;
    if (r.viaBatch) g.batchItems++;
    else g.direct++;
    bump(g.byEndpoint, r.endpoint);
    if (r.clientId) bump(g.byApp, r.clientId);
    if (r.tenantId) bump(g.byTenant, r.tenantId);
    if (r.mailboxId) bump(g.byMailbox, r.mailboxId);
    bump(g.byStatus, String(r.status));
    if (r.status === 429) {
      this.throttled.total++;
      bump(this.throttled.byClass, r.throttledBy ?? "unknown");
    }
  }

  recordToken(grantType: string): void {
    bump(this.identity.tokens, grantType);
  }

  recordIdentityError(code: number): void {
    bump(this.identity.errors, String(code));
  }

  snapshot(): Record<string, unknown> {
    return structuredClone({
      graph: this.graph,
      throttled: this.throttled,
      faultsInjected: this.faultsInjected,
      identity: this.identity,
    });
  }
}
