// /subscriptions for Outlook messages (notes §5.1-5.3): create with the validation handshake on
// notificationUrl and lifecycleNotificationUrl, lifetime cap, 1,000 per mailbox; renew (PATCH,
// 200), reauthorize (204), delete (204), list (the calling app's), get.
import type { EndpointContext, GraphResult } from "../../graph/endpoint.ts";
import { endpoint } from "../../graph/endpoint.ts";
import { GraphError, meWithAppToken } from "../../graph/errors.ts";
import { EXCHANGE } from "../../graph/workloads.ts";
import { normalizePath } from "../../graph/router.ts";
import { graphTime, type Subscription } from "../notifier.ts";
import { preferences } from "../prefer.ts";
import { mailOf, type MailState } from "../state.ts";
import { scheduleReauthorization } from "../reauthorization.ts";
import { jsonObject } from "./declare.ts";

const PERMISSIONS = {
  delegated: ["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
  application: ["Mail.ReadBasic.All", "Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
};

const invalid = (message: string) => new GraphError(400, "InvalidRequest", message);
const extensionError = (op: string, status: number, reason: string) =>
  new GraphError(
    status,
    "ExtensionError",
    `Operation: ${op}; Exception: [Status Code: ${statusName(status)}; Reason: ${reason}]`,
  );
const statusName = (s: number) =>
  ({ 400: "BadRequest", 403: "Forbidden", 404: "NotFound" } as Record<number, string>)[s] ?? String(s);
const notFound = () => new GraphError(404, "ResourceNotFound", "The object was not found.");

function subscriptionJson(s: Subscription, origin: string, single: boolean) {
  return {
    ...(single ? { "@odata.context": `${origin}/v1.0/$metadata#subscriptions/$entity` } : {}),
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: [...s.changeTypes].join(","),
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleUrl,
    expirationDateTime: graphTime(s.expiresAt),
    creatorId: s.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

/** Graph allows plain http only for local endpoints in the emulator; production requires https. */
function checkUrl(raw: unknown, name: string): string {
  if (typeof raw !== "string") throw invalid(`${name} is a required property for subscription creation.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`Invalid ${name}.`);
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw invalid(`The ${name} must be an HTTPS URL.`);
  }
  return raw;
}

/** POST {url}?validationToken=…: 200 with the decoded token as the body, within the timeout. */
async function validate(state: MailState, url: string, subId: string, requestId: string): Promise<void> {
  const token =
    `Validation: Testing client application reachability for subscription Request-Id: ${requestId}`;
  const target = `${url}${url.includes("?") ? "&" : "?"}validationToken=${encodeURIComponent(token)}`;
  const r = await state.notifier.request(
    target,
    "",
    "text/plain; charset=utf-8",
    state.settings.validationTimeoutMs,
  );
  const ok = r.outcome === "delivered" && r.status === 200 && r.text === token;
  state.notifier.recordValidation(
    url,
    subId,
    ok ? "delivered" : r.outcome === "delivered" ? "failed" : r.outcome,
    r.status,
    r.ms,
  );
  if (ok) return;
  if (r.outcome === "timeout") throw invalid("Subscription validation request timed out.");
  throw new GraphError(
    400,
    "ValidationError",
    r.status === 200
      ? "Subscription validation request failed. Response must exactly match validationToken query parameter."
      : "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
  );
}

function expiry(state: MailState, raw: unknown, op: string): number {
  if (typeof raw !== "string" || Number.isNaN(Date.parse(raw))) {
    throw invalid("expirationDateTime is a required property for subscription creation.");
  }
  const now = state.now();
  const cap = state.settings.subscriptionMaxMinutes;
  const at = Date.parse(raw);
  if (at - now > cap * 60_000) {
    throw extensionError(op, 400, `Subscription expiration can only be ${cap} minutes in the future.`);
  }
  // Shorter than 45 minutes is raised to 45 minutes from now.
  return Math.max(at, now + 45 * 60_000);
}

/** `/me/…/messages`, `/users/{id}/messages`, `/users/{id}/mailFolders('inbox')/messages`. */
function target(ctx: EndpointContext, state: MailState, resource: string) {
  const m = /^\/(me|users\/([^/]+))(?:\/mailfolders\/([^/]+))?\/messages$/i.exec(
    normalizePath(`/${resource.replace(/^\//, "")}`),
  );
  if (!m) {
    throw invalid(`Unsupported resource: '${resource}'. The emulator serves Outlook message subscriptions.`);
  }
  const p = ctx.principal;
  if (m[1].toLowerCase() === "me" && p.kind !== "delegated") throw meWithAppToken();
  const user = m[1].toLowerCase() === "me" && p.kind === "delegated"
    ? p.user
    : ctx.tenant.usersById.get(m[2]) ?? ctx.tenant.usersByUpn.get(m[2].toLowerCase());
  const mbx = user && state.store.mailboxes.get(user.id);
  if (!mbx) throw extensionError("Create", 404, "The requested user is invalid or does not have a mailbox.");
  // Delegated subscriptions reach only the signed-in user's own mailbox.
  if (p.kind === "delegated" && p.user.id !== mbx.user.id) {
    throw extensionError("Create", 403, "Access is denied. Check credentials and try again.");
  }
  const folder = m[3] ? state.store.folder(mbx, m[3]) : null;
  if (m[3] && !folder) throw extensionError("Create", 404, "The specified folder could not be found.");
  return { mbx, folder: folder ?? null };
}

function owned(ctx: EndpointContext, state: MailState): Subscription {
  const s = state.notifier.live().find((x) => x.id === ctx.params.subscription);
  if (!s || !mine(ctx, s)) throw notFound();
  return s;
}

const mine = (ctx: EndpointContext, s: Subscription) =>
  s.applicationId === ctx.principal.app.clientId && s.tenantId === ctx.tenant.id &&
  (ctx.principal.kind === "application" || s.creatorId === ctx.principal.user.id);

const creatorOf = (ctx: EndpointContext) =>
  ctx.principal.kind === "delegated"
    ? ctx.principal.user.id
    : ctx.tenant.consents.get(ctx.principal.app.clientId)?.servicePrincipalId ?? ctx.principal.app.clientId;

async function create(ctx: EndpointContext): Promise<GraphResult> {
  const state = mailOf(ctx.runtime);
  const input = jsonObject(ctx.body);
  const changeTypes = String(input.changeType ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (!changeTypes.length || changeTypes.some((c) => !["created", "updated", "deleted"].includes(c))) {
    throw invalid(
      "changeType is a required property for subscription creation and must list created, updated or deleted.",
    );
  }
  if (typeof input.resource !== "string") {
    throw invalid("resource is a required property for subscription creation.");
  }
  const notificationUrl = checkUrl(input.notificationUrl, "notificationUrl");
  const lifecycleUrl = input.lifecycleNotificationUrl == null
    ? null
    : checkUrl(input.lifecycleNotificationUrl, "lifecycleNotificationUrl");
  if (
    input.clientState != null && (typeof input.clientState !== "string" || input.clientState.length > 128)
  ) {
    throw invalid("clientState must be a string of at most 128 characters.");
  }
  const { mbx, folder } = target(ctx, state, input.resource);
  const expiresAt = expiry(state, input.expirationDateTime, "Create");
  if (
    state.notifier.live().filter((s) => s.mailboxUserId === mbx.user.id).length >=
      state.settings.subscriptionsPerMailbox
  ) {
    throw extensionError("Create", 403, "Maximum number of subscriptions has been reached");
  }
  const sub: Subscription = {
    id: crypto.randomUUID(),
    resource: input.resource,
    mailboxUserId: mbx.user.id,
    folder,
    changeTypes: new Set(changeTypes),
    clientState: (input.clientState as string | undefined) ?? null,
    notificationUrl,
    lifecycleUrl,
    expiresAt,
    applicationId: ctx.principal.app.clientId,
    creatorId: creatorOf(ctx),
    tenantId: ctx.tenant.id,
    immutableIds: preferences(ctx.headers).immutableIds,
    latestSupportedTlsVersion: typeof input.latestSupportedTlsVersion === "string"
      ? input.latestSupportedTlsVersion
      : "v1_2",
    tokenExpiresAt: ctx.principal.token.expiresAt,
  };
  await validate(state, notificationUrl, sub.id, ctx.requestId);
  if (lifecycleUrl) await validate(state, lifecycleUrl, sub.id, ctx.requestId);
  state.notifier.subscriptions.set(sub.id, sub);
  scheduleReauthorization(state, sub);
  return { status: 201, body: subscriptionJson(sub, ctx.origin, true) };
}

async function renew(ctx: EndpointContext): Promise<GraphResult> {
  const state = mailOf(ctx.runtime);
  const s = owned(ctx, state);
  const input = jsonObject(ctx.body);
  if (input.expirationDateTime === undefined && input.notificationUrl === undefined) {
    throw invalid(
      "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value.",
    );
  }
  if (input.lifecycleNotificationUrl !== undefined) {
    throw invalid(
      "lifecycleNotificationUrl cannot be added or changed; delete and recreate the subscription.",
    );
  }
  if (input.notificationUrl !== undefined) {
    const url = checkUrl(input.notificationUrl, "notificationUrl");
    await validate(state, url, s.id, ctx.requestId);
    s.notificationUrl = url;
  }
  if (input.expirationDateTime !== undefined) s.expiresAt = expiry(state, input.expirationDateTime, "Update");
  // Renewing reauthorizes too.
  s.tokenExpiresAt = ctx.principal.token.expiresAt;
  scheduleReauthorization(state, s);
  return { status: 200, body: subscriptionJson(s, ctx.origin, true) };
}

const subscriptionEndpoint = (
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  handler: (ctx: EndpointContext) => GraphResult | Promise<GraphResult>,
) => endpoint({ method, path, permissions: PERMISSIONS, workload: EXCHANGE, query: [], handler });

export const subscriptionEndpoints = [
  subscriptionEndpoint("POST", "/subscriptions", create),
  subscriptionEndpoint("GET", "/subscriptions", (ctx) => {
    const state = mailOf(ctx.runtime);
    return {
      status: 200,
      body: {
        "@odata.context": `${ctx.origin}/v1.0/$metadata#subscriptions`,
        value: state.notifier.live().filter((s) => mine(ctx, s)).map((s) =>
          subscriptionJson(s, ctx.origin, false)
        ),
      },
    };
  }),
  subscriptionEndpoint("GET", "/subscriptions/{subscription}", (ctx) => ({
    status: 200,
    body: subscriptionJson(owned(ctx, mailOf(ctx.runtime)), ctx.origin, true),
  })),
  subscriptionEndpoint("PATCH", "/subscriptions/{subscription}", renew),
  subscriptionEndpoint("DELETE", "/subscriptions/{subscription}", (ctx) => {
    const state = mailOf(ctx.runtime);
    state.notifier.subscriptions.delete(owned(ctx, state).id);
    return { status: 204 };
  }),
  subscriptionEndpoint("POST", "/subscriptions/{subscription}/reauthorize", (ctx) => {
    const state = mailOf(ctx.runtime);
    const s = owned(ctx, state);
    s.tokenExpiresAt = ctx.principal.token.expiresAt;
    scheduleReauthorization(state, s);
    return { status: 204 };
  }),
];
