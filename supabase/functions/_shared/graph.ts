// The Microsoft Graph SDK client as every function uses it: tokens from the vault (or app-only
// credentials), the SDK's RetryHandler honouring Retry-After only while the caller's time budget
// allows, and each attempt recorded in api_call_logs. GRAPH_BASE_URL picks the host.
import {
  AuthenticationHandler,
  Client,
  type Context,
  GraphError,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from "@microsoft/microsoft-graph-client";
import { appOnlyToken } from "./app-credentials.ts";
import { CallLog } from "./call-log.ts";
import { env } from "./env.ts";
import { RetryLater, UpstreamError } from "./errors.ts";
import { connectionToken } from "./token-vault.ts";

export interface GraphOptions {
  baseUrl: string;
  token: () => Promise<string>;
  log: CallLog;
  /** Epoch ms after which no retry may start (the worker's or request's budget). */
  deadline: number;
  maxRetries?: number;
  /** Get a new token after Graph rejected the current one before its expiry. */
  renewToken?: () => Promise<unknown>;
}

/** Seconds from a Retry-After header (delta-seconds, possibly fractional, or an HTTP date). */
export function retryAfterSeconds(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(seconds, 0);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max((date - Date.now()) / 1000, 0);
}

/** Records every attempt that reaches the network (so retries show up as their own rows). */
class CallLogHandler implements Middleware {
  #next?: Middleware;
  constructor(readonly log: CallLog) {}
  async execute(context: Context): Promise<void> {
    const started = performance.now();
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const method = context.options?.method ??
      (typeof context.request === "string" ? "GET" : context.request.method);
    try {
      await this.#next!.execute(context);
    } finally {
      this.log.record("graph", method, url, started, context.response);
    }
  }
  setNext(next: Middleware) {
    this.#next = next;
  }
}

/**
 * Graph can reject a token before it expires (revoked sessions, Continuous Access Evaluation, a
 * signing key rolled): a new token and one more try, instead of failing until the old one lapses.
 */
class RejectedTokenHandler implements Middleware {
  #next?: Middleware;
  constructor(readonly renew: () => Promise<unknown>) {}
  async execute(context: Context): Promise<void> {
    await this.#next!.execute(context);
    if (context.response?.status !== 401) return;
    await this.renew();
    // The authentication handler appends its header: drop the rejected one first.
    const headers = context.options?.headers;
    if (headers instanceof Headers) headers.delete("Authorization");
    else if (headers && !Array.isArray(headers)) {
      const record = headers as Record<string, string>;
      for (const name of Object.keys(record)) if (name.toLowerCase() === "authorization") delete record[name];
    }
    await this.#next!.execute(context);
  }
  setNext(next: Middleware) {
    this.#next = next;
  }
}

export function graphClient(options: GraphOptions): Client {
  const base = new URL(options.baseUrl);
  // Retry 429/503/504 only when the wait still fits the budget; otherwise the error surfaces and
  // the job is re-queued for when Graph says it may come back.
  const withinBudget = (_d: number, _a: number, _r: RequestInfo, _o: unknown, response: Response) => {
    const wait = retryAfterSeconds(response.headers.get("retry-after")) ?? 1;
    return Date.now() + wait * 1000 < options.deadline;
  };
  return Client.initWithMiddleware({
    baseUrl: `${base.origin}/`,
    customHosts: new Set([base.hostname]),
    middleware: [
      ...(options.renewToken ? [new RejectedTokenHandler(options.renewToken)] : []),
      new AuthenticationHandler({ getAccessToken: options.token }),
      new RetryHandler(new RetryHandlerOptions(1, options.maxRetries ?? 5, withinBudget)),
      new TelemetryHandler(),
      new CallLogHandler(options.log),
      new HTTPMessageHandler(),
    ],
  });
}

/**
 * What a Graph failure means to our callers: throttling and outages become RetryLater (workers
 * re-queue), anything else an UpstreamError (502) naming Graph's error code.
 */
export function graphFailure(error: unknown, what: string): Error {
  if (error instanceof GraphError) {
    const retryAfter = retryAfterSeconds(error.headers?.get("retry-after"));
    if ([429, 503, 504].includes(error.statusCode)) {
      return new RetryLater(
        `${what}: Graph answered ${error.statusCode} ${error.code ?? ""}`.trim(),
        retryAfter ?? 60,
      );
    }
    const upstream = new UpstreamError(
      `${what}: Graph answered ${error.statusCode} ${error.code ?? ""}`.trim(),
    );
    return Object.assign(upstream, { graphStatus: error.statusCode, graphCode: error.code });
  }
  return error instanceof Error ? error : new Error(String(error));
}

export interface GraphSession {
  client: Client;
  /** The calls made; flush it when done (the caller owns the transaction boundary). */
  log: CallLog;
  /** graphFailure, except that a token that could not be had fails as itself (the SDK hides its type). */
  failure(error: unknown, what: string): Error;
}

function session(
  log: CallLog,
  deadline: number,
  token: () => Promise<string>,
  renewToken: () => Promise<unknown>,
): GraphSession {
  let tokenError: Error | undefined;
  const tracked = <T>(get: () => Promise<T>) => async () => {
    try {
      const value = await get();
      tokenError = undefined;
      return value;
    } catch (error) {
      tokenError = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  };
  const client = graphClient({
    baseUrl: env().GRAPH_BASE_URL,
    token: tracked(token),
    renewToken: tracked(renewToken),
    log,
    deadline,
  });
  return {
    client,
    log,
    failure: (error, what) =>
      tokenError && error instanceof GraphError && error.statusCode === -1
        ? tokenError
        : graphFailure(error, what),
  };
}

/** Graph as a connected user (delegated token from the vault). */
export function delegatedGraph(
  connection: { id: string; account_id: string },
  deadline: number,
): GraphSession {
  return session(
    new CallLog({ account_id: connection.account_id, connection_id: connection.id }),
    deadline,
    () => connectionToken(connection.id),
    () => connectionToken(connection.id, { kind: "fresh", since: new Date() }),
  );
}

/** Graph as the app in an organization's tenant (app-only token from its credentials). */
export function appGraph(organization: { id: string; account_id: string }, deadline: number): GraphSession {
  return session(
    new CallLog({ account_id: organization.account_id, organization_id: organization.id }),
    deadline,
    async () => (await appOnlyToken(organization.id)).token,
    () => appOnlyToken(organization.id, { force: true }),
  );
}
