// GET /security/secureScores (daily snapshots, newest first; $top/$skip) and
// /security/secureScoreControlProfiles. controlScores carry the open-type extras real tenants send
// (scoreInPercentage, implementationStatus, count, total, on, lastSynced, IsApplicable) and join
// the profiles by controlName = profile id.
import { isoSeconds } from "../../core/time-format.ts";
import { endpoint, type EndpointContext } from "../../graph/endpoint.ts";
import { badRequest, userNotFound } from "../../graph/errors.ts";
import { contextUrl, countRequested, option } from "../../graph/odata.ts";
import { SECURITY } from "../../graph/workloads.ts";
import { SECURE_SCORE } from "../../throttle/classes.ts";
import { CONTROL_PROFILES, type ControlProfile } from "../catalogue/control-profiles.ts";
import type { ControlDay, SecureScoreDay } from "../state.ts";
import { round } from "../world/secure-score.ts";
import { posture } from "./context.ts";

const READ = {
  delegated: ["SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"],
  application: ["SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"],
};
const VENDOR = { provider: "SecureScore", providerVersion: null, subProvider: null, vendor: "Microsoft" };
const DAY = 86_400_000;

const profileOf = (id: string) => CONTROL_PROFILES.find((p) => p.id === id)!;

function implementationStatus(p: ControlProfile, c: ControlDay): string {
  if (p.measure === "mfaRegistration" && c.total !== null && c.count !== null) {
    const missing = c.total - c.count;
    return missing === 0
      ? "All users are registered for multifactor authentication."
      : `You have ${missing} users that aren't registered for multifactor authentication.`;
  }
  if (p.measure === "adminMfa" && c.total !== null && c.count !== null) {
    return `You have ${c.total - c.count} of ${c.total} admins without multifactor authentication.`;
  }
  return c.share >= 1 ? "Enabled" : c.share <= 0 ? "Not enabled" : "Partially enabled";
}

function controlScore(c: ControlDay, synced: number): Record<string, unknown> {
  const p = profileOf(c.controlName);
  const total = c.total ?? (c.share > 0 && c.share < 1 ? 2 : 1);
  const count = c.count ?? Math.round(c.share * total);
  return {
    controlCategory: p.controlCategory,
    controlName: c.controlName,
    description: p.description,
    score: round(c.share * p.maxScore),
    scoreInPercentage: round(c.share * 100),
    implementationStatus: implementationStatus(p, c),
    count: String(count),
    total: String(total),
    on: isoSeconds(c.since),
    lastSynced: isoSeconds(synced),
    IsApplicable: "true",
  };
}

export function secureScorePayload(tenantId: string, day: SecureScoreDay): Record<string, unknown> {
  const controlScores = day.controls.map((c) => controlScore(c, day.createdDateTime));
  return {
    id: `${tenantId}_${isoSeconds(day.createdDateTime).slice(0, 10)}`,
    azureTenantId: tenantId,
    activeUserCount: day.activeUserCount,
    createdDateTime: isoSeconds(day.createdDateTime),
    currentScore: round(controlScores.reduce((n, c) => n + (c.score as number), 0)),
    maxScore: day.controls.reduce((n, c) => n + profileOf(c.controlName).maxScore, 0),
    enabledServices: day.enabledServices,
    licensedUserCount: day.licensedUserCount,
    averageComparativeScores: day.comparatives,
    controlScores,
    vendorInformation: VENDOR,
  };
}

/** $skip and $top over a list the security API returns in one page. */
function window<T>(ctx: EndpointContext, items: readonly T[]): T[] {
  const read = (name: string, fallback: number) => {
    const raw = option(ctx.url, name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value '${raw}' for ${name} query option found.`);
    return Number(raw);
  };
  const skip = read("$skip", 0);
  return items.slice(skip, skip + read("$top", items.length));
}

function list(ctx: EndpointContext, contextPath: string, values: Record<string, unknown>[]) {
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(ctx.origin, contextPath, null, false),
  };
  if (countRequested(ctx, false)) body["@odata.count"] = values.length;
  body.value = window(ctx, values);
  return { status: 200, body };
}

export const listSecureScores = endpoint({
  method: "GET",
  path: "/security/secureScores",
  permissions: READ,
  workload: SECURITY,
  throttle: [SECURE_SCORE],
  query: ["$top", "$skip", "$count"],
  handler: (ctx) =>
    list(
      ctx,
      "security/secureScores",
      posture(ctx).secureScores.map((d) => secureScorePayload(ctx.tenant.id, d)),
    ),
});

export const getSecureScore = endpoint({
  method: "GET",
  path: "/security/secureScores/{id}",
  permissions: READ,
  workload: SECURITY,
  throttle: [SECURE_SCORE],
  handler(ctx) {
    const payload = posture(ctx).secureScores.map((d) => secureScorePayload(ctx.tenant.id, d))
      .find((s) => s.id === ctx.params.id);
    if (!payload) throw userNotFound(ctx.params.id);
    return {
      status: 200,
      body: { "@odata.context": contextUrl(ctx.origin, "security/secureScores", null, true), ...payload },
    };
  },
});

function profilePayload(ctx: EndpointContext, p: ControlProfile): Record<string, unknown> {
  const state = posture(ctx).controlStates.get(p.id) ?? {
    assignedTo: null,
    comment: null,
    state: "Default",
    updatedBy: null,
    updatedDateTime: isoSeconds(ctx.runtime.world.epoch - 400 * DAY),
  };
  return {
    id: p.id,
    azureTenantId: ctx.tenant.id,
    actionType: p.actionType,
    actionUrl: p.actionUrl,
    controlCategory: p.controlCategory,
    title: p.title,
    deprecated: p.deprecated,
    implementationCost: p.implementationCost,
    lastModifiedDateTime: null,
    maxScore: p.maxScore,
    rank: p.rank,
    remediation: p.remediation,
    remediationImpact: p.remediationImpact,
    service: p.service,
    threats: p.threats,
    tier: p.tier,
    userImpact: p.userImpact,
    complianceInformation: [],
    controlStateUpdates: [state],
    vendorInformation: VENDOR,
  };
}

export const listControlProfiles = endpoint({
  method: "GET",
  path: "/security/secureScoreControlProfiles",
  permissions: READ,
  workload: SECURITY,
  throttle: [SECURE_SCORE],
  query: ["$top", "$skip", "$count"],
  handler: (ctx) =>
    list(ctx, "security/secureScoreControlProfiles", CONTROL_PROFILES.map((p) => profilePayload(ctx, p))),
});

export const getControlProfile = endpoint({
  method: "GET",
  path: "/security/secureScoreControlProfiles/{id}",
  permissions: READ,
  workload: SECURITY,
  throttle: [SECURE_SCORE],
  handler(ctx) {
    const p = CONTROL_PROFILES.find((x) => x.id.toLowerCase() === ctx.params.id.toLowerCase());
    if (!p) throw userNotFound(ctx.params.id);
    return {
      status: 200,
      body: {
        "@odata.context": contextUrl(ctx.origin, "security/secureScoreControlProfiles", null, true),
        ...profilePayload(ctx, p),
      },
    };
  },
});
