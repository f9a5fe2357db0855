// How mail endpoints are declared: Exchange workload, Outlook throttling (per app and mailbox), the
// permissions of each kind of operation, and message paths that Graph serves both mailbox-wide
// and under a folder.
import {
  type Endpoint,
  endpoint,
  type EndpointContext,
  type GraphResult,
  type HttpMethod,
  type Permissions,
} from "../../graph/endpoint.ts";
import { EXCHANGE } from "../../graph/workloads.ts";
import { OUTLOOK } from "../../throttle/classes.ts";
import { emptyPayload } from "../errors.ts";

export const MAIL_READ: Permissions = {
  delegated: ["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
  delegatedOthers: ["Mail.Read.Shared", "Mail.ReadWrite.Shared"],
  application: ["Mail.ReadBasic.All", "Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
};

export const MAIL_WRITE: Permissions = {
  delegated: ["Mail.ReadWrite"],
  delegatedOthers: ["Mail.ReadWrite.Shared"],
  application: ["Mail.ReadWrite"],
};

export const MAIL_SEND: Permissions = {
  delegated: ["Mail.Send"],
  delegatedOthers: ["Mail.Send.Shared"],
  application: ["Mail.Send"],
};

export function mailEndpoint(
  method: HttpMethod,
  path: string,
  permissions: Permissions,
  query: readonly string[],
  handler: (ctx: EndpointContext) => GraphResult | Promise<GraphResult>,
): Endpoint {
  return endpoint({ method, path, permissions, workload: EXCHANGE, throttle: [OUTLOOK], query, handler });
}

/** A message operation at `/users/{user}/messages/{message}…` and under `mailFolders/{folder}`. */
export function messagePaths(
  method: HttpMethod,
  suffix: string,
  permissions: Permissions,
  query: readonly string[],
  handler: (ctx: EndpointContext) => GraphResult | Promise<GraphResult>,
): Endpoint[] {
  return ["/users/{user}/messages/{message}", "/users/{user}/mailFolders/{folder}/messages/{message}"].map((
    p,
  ) => mailEndpoint(method, `${p}${suffix}`, permissions, query, handler));
}

/** The JSON body as an object, or a 400 like Graph's. */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw emptyPayload();
  }
  return body as Record<string, unknown>;
}
