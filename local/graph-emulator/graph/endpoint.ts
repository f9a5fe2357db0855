// How a Graph endpoint is declared: path, permissions, workload, throttle classes and a handler that
// returns plain data. Mail and posture endpoints are declared the same way (see README.md).
import type { Runtime } from "../runtime.ts";
import type { ThrottleClass } from "../throttle/classes.ts";
import type { Tenant, User } from "../world/types.ts";
import type { Principal } from "./principal.ts";
import type { Workload } from "./workloads.ts";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Any one listed permission allows the call; names are case-insensitive. */
export interface Permissions {
  delegated?: readonly string[];
  /** Delegated permissions needed when `{user}` is not the signed-in user (e.g. User.Read covers only
   * oneself, Mail.Read only one's own mailbox). Absent: `delegated` covers everyone. */
  delegatedOthers?: readonly string[];
  application?: readonly string[];
}

export interface EndpointContext {
  runtime: Runtime;
  method: HttpMethod;
  /** Absolute request URL (https, the emulator's own origin). */
  url: URL;
  origin: string;
  headers: Headers;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  principal: Principal;
  tenant: Tenant;
  params: Record<string, string>;
  /** The user named by `{user}`, or the signed-in user under /me. */
  user: User | null;
  requestId: string;
}

export interface GraphResult {
  status: number;
  /** JSON body. */
  body?: unknown;
  /** Non-JSON body (e.g. `/users/$count`). */
  text?: { contentType: string; value: string };
  headers?: Record<string, string>;
}

export interface Endpoint {
  method: HttpMethod;
  /** Path under /v1.0 with `{param}` segments. A path under `/users/{user}` also answers at `/me`. */
  path: string;
  permissions: Permissions;
  workload: Workload;
  throttle?: readonly ThrottleClass[];
  /** OData system query options the endpoint implements; any other `$option` is answered 501
   * (an emulator limitation, named in the `x-emulator-note` header). */
  query?: readonly string[];
  handler(ctx: EndpointContext): GraphResult | Promise<GraphResult>;
}

/** Identity function that gives endpoint literals their type. */
export function endpoint(e: Endpoint): Endpoint {
  return e;
}
