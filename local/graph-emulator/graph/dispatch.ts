// One Graph request, direct or a $batch item, through the same pipeline: route, authenticate,
// resolve the user, check permissions, inject faults, throttle, run the endpoint, count it.
import { innerErrorDate } from "../core/time-format.ts";
import type { Runtime } from "../runtime.ts";
import type { User } from "../world/types.ts";
import type { EndpointContext, GraphResult, HttpMethod } from "./endpoint.ts";
import {
  badRequest,
  GraphError,
  mailboxNotEnabled,
  meWithAppToken,
  notImplemented,
  segmentNotFound,
} from "./errors.ts";
import { systemOptions } from "./odata.ts";
import { authenticate, holdsAny, type Principal } from "./principal.ts";
import type { Route } from "./router.ts";
import { normalizePath } from "./router.ts";

export interface GraphRequest {
  method: string;
  /** Absolute URL whose path starts with /v1.0. */
  url: URL;
  headers: Headers;
  body: unknown;
  /** The Authorization header (for $batch items: the envelope's). */
  authorization: string | null;
}

export interface GraphResponse extends GraphResult {
  requestId: string;
  clientRequestId: string;
}

export const VERSION_PREFIX = "/v1.0";

export async function dispatch(rt: Runtime, req: GraphRequest, viaBatch: boolean): Promise<GraphResponse> {
  const requestId = crypto.randomUUID();
  const clientRequestId = req.headers.get("client-request-id") ?? requestId;
  const path = normalizePath(req.url.pathname.slice(VERSION_PREFIX.length) || "/");
  const match = rt.routes.match(req.method, path);
  const route = match.kind === "found" ? match.route : null;
  const record = {
    endpoint: route ? `${route.endpoint.method} ${route.pattern}` : "unmatched",
    viaBatch,
    status: 500,
    clientId: null as string | null,
    tenantId: null as string | null,
    mailboxId: null as string | null,
    throttledBy: null as string | null,
  };
  let release = () => {};
  let result: GraphResult;
  try {
    const principal = authenticate(rt, req.authorization, req.url.origin);
    record.clientId = principal.app.clientId;
    record.tenantId = principal.tenant.id;
    if (match.kind === "none") throw segmentNotFound(match.segment);
    if (match.kind === "method") {
      throw new GraphError(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request uri.",
      );
    }
    const { endpoint } = match.route;
    if (match.route.me && principal.kind !== "delegated") throw meWithAppToken();
    const target = lookupUser(principal, match.route, match.params);
    authorize(principal, match.route, target);
    const user = requireUser(match.route, target);
    if (user && endpoint.workload.needsMailbox) record.mailboxId = user.id;
    const unsupported = systemOptions(req.url).filter((o) => !(endpoint.query ?? []).includes(o));
    if (unsupported.length) {
      const e = notImplemented();
      e.options.headers = {
        "x-emulator-note": `the emulator does not implement ${unsupported.join(", ")} here`,
      };
      throw e;
    }
    const plan = rt.faults.plan({
      method: req.method,
      path,
      pattern: match.route.pattern,
      clientId: principal.app.clientId,
      tenantId: principal.tenant.id,
      workload: endpoint.workload,
    });
    if (plan.error) {
      rt.counters.faultsInjected++;
      record.throttledBy = "fault";
      throw plan.error;
    }
    const admission = rt.throttles.admit(
      endpoint.throttle ?? [],
      { appId: principal.app.clientId, tenantId: principal.tenant.id, mailboxId: record.mailboxId },
      rt.clock.now(),
    );
    if (!admission.ok) {
      record.throttledBy = admission.throttleClass;
      throw admission.error;
    }
    release = admission.release;
    if (plan.delayMs > 0) await new Promise((r) => setTimeout(r, plan.delayMs));
    if (plan.hold) await rt.faults.hold();
    const ctx: EndpointContext = {
      runtime: rt,
      method: req.method as HttpMethod,
      url: req.url,
      origin: req.url.origin,
      headers: req.headers,
      body: req.body,
      principal,
      tenant: principal.tenant,
      params: match.params,
      user,
      requestId,
    };
    result = await endpoint.handler(ctx);
  } catch (e) {
    result = errorResult(e, requestId, clientRequestId, rt.clock.now());
  } finally {
    release();
  }
  record.status = result.status;
  rt.counters.recordGraph(record);
  return { ...result, requestId, clientRequestId };
}

interface Target {
  user: User | null;
  /** The `{user}` path segment (id or UPN), or null under /me and for paths without one. */
  key: string | null;
}

function lookupUser(principal: Principal, route: Route, params: Record<string, string>): Target {
  if (route.me && principal.kind === "delegated") return { user: principal.user, key: null };
  const key = params.user;
  if (key === undefined) return { user: null, key: null };
  const user = principal.tenant.usersById.get(key) ?? principal.tenant.usersByUpn.get(key.toLowerCase()) ??
    null;
  return { user, key };
}

/** Permissions are checked before existence, so callers without rights learn nothing. */
function authorize(principal: Principal, route: Route, target: Target): void {
  const { permissions, workload } = route.endpoint;
  if (principal.kind === "application") {
    if (!holdsAny(principal.roles, permissions.application)) throw workload.forbidden();
    return;
  }
  const other = target.key !== null && target.user?.id !== principal.user.id;
  const wanted = other && permissions.delegatedOthers !== undefined
    ? permissions.delegatedOthers
    : permissions.delegated;
  if (!holdsAny(principal.scopes, wanted)) throw workload.forbidden();
}

function requireUser(route: Route, target: Target): User | null {
  const { workload } = route.endpoint;
  if (target.key !== null && !target.user) throw workload.userNotFound(target.key);
  if (target.user && workload.needsMailbox && !target.user.mailbox) throw mailboxNotEnabled();
  return target.user;
}

export function errorResult(
  e: unknown,
  requestId: string,
  clientRequestId: string,
  now: number,
): GraphResult {
  const error = e instanceof GraphError ? e : internalError(e);
  return {
    status: error.status,
    body: error.body(requestId, clientRequestId, innerErrorDate(now)),
    headers: { "Content-Type": "application/json", ...error.options.headers },
  };
}

function internalError(e: unknown): GraphError {
  console.error("graph emulator: endpoint failed", e);
  return new GraphError(500, "generalException", "General exception while processing.");
}

/** For a $batch item or body whose JSON could not be read. */
export const unreadableJson = () =>
  badRequest(
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
  );
