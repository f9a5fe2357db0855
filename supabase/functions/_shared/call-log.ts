// api_call_logs: one row per call to Microsoft (Graph or the identity platform), collected while a
// request or job runs and written in one insert at the end. The path is kept without its query
// string: delta and skip tokens, codes and secrets never reach the table.
import type { Sql } from "./db.ts";

export interface CallScope {
  account_id: string;
  connection_id?: string | null;
  organization_id?: string | null;
}

export interface CallRecord {
  service: "graph" | "identity";
  method: string;
  path: string;
  status: number | null;
  duration_ms: number;
  request_id: string | null;
  throttled: boolean;
  retry_after_seconds: number | null;
  error_code: string | null;
}

export class CallLog {
  readonly records: CallRecord[] = [];
  constructor(readonly scope: CallScope) {}

  /** Record a finished call from its request and response (or the failure to get one). */
  record(service: CallRecord["service"], method: string, url: string, started: number, response?: Response) {
    const retryAfter = Number(response?.headers.get("retry-after"));
    this.records.push({
      service,
      method: method.toUpperCase(),
      path: new URL(url).pathname.slice(0, 500),
      status: response?.status ?? null,
      duration_ms: Math.round(performance.now() - started),
      request_id: response?.headers.get("request-id") ?? null,
      throttled: response?.status === 429,
      retry_after_seconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      error_code: response && !response.ok ? String(response.status) : response ? null : "network_error",
    });
  }

  /** Name the error of the last call (read from the body by whoever parsed it). */
  nameLastError(code: string) {
    const last = this.records.at(-1);
    if (last) last.error_code = code.slice(0, 100);
  }

  async flush(sql: Sql): Promise<void> {
    const rows = this.records.splice(0).map((r) => ({
      ...r,
      account_id: this.scope.account_id,
      connection_id: this.scope.connection_id ?? null,
      organization_id: this.scope.organization_id ?? null,
    }));
    if (rows.length) await sql`insert into public.api_call_logs ${sql(rows)}`;
  }
}

/** A fetch that records every call it makes in `log` (for oauth4webapi's customFetch). */
export function loggingFetch(log: CallLog, service: CallRecord["service"]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const started = performance.now();
    try {
      const response = await fetch(request);
      log.record(service, request.method, request.url, started, response);
      return response;
    } catch (error) {
      log.record(service, request.method, request.url, started);
      throw error;
    }
  };
}
