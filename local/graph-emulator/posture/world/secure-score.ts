// Secure Score: which control profiles apply to a tenant (by licence), how far each is implemented
// (measured from the posture world where the world holds the facts: MFA registration and coverage,
// legacy-auth blocking, SSPR, risk policies; from the tenant plan for configuration-only controls),
// and 90 daily snapshots, newest first, in which registrations grew and settings changed over time.
import type { Random } from "../../core/random.ts";
import { ROLE } from "../../world/roles.ts";
import type { Tenant } from "../../world/types.ts";
import { CONTROL_PROFILES, type ControlProfile } from "../catalogue/control-profiles.ts";
import { PLANS_BY_SERVICE } from "../catalogue/service-groups.ts";
import type { TenantPosturePlan } from "../catalogue/tenant-plans.ts";
import type { ControlDay, PostureTenant, SecureScoreDay } from "../state.ts";
import { mfaCoverage, view } from "./conditional-access.ts";
import type { Membership } from "./groups.ts";
import { isMfaRegistered } from "./registration.ts";

const DAY = 86_400_000;
export const HISTORY_DAYS = 90;

export interface ScoreContext {
  tenant: Tenant;
  posture: PostureTenant;
  membership: Membership;
  configControls: TenantPosturePlan["configControls"];
}

interface Measure {
  share: number;
  count: number | null;
  total: number | null;
}

/** Plan ids present (and not switched off) in the tenant's SKUs. */
function tenantPlans(posture: PostureTenant): Set<string> {
  return new Set(
    posture.skus.flatMap((s) => s.sku.plans.map((p) => p.id)).filter((id) =>
      !posture.disabledPlanIds.includes(id)
    ),
  );
}

export function applicableProfiles(tenant: Tenant, posture: PostureTenant): ControlProfile[] {
  const plans = tenantPlans(posture);
  const has = (service: keyof typeof PLANS_BY_SERVICE) =>
    PLANS_BY_SERVICE[service].some((id) => plans.has(id));
  const licensed: Record<ControlProfile["licence"], boolean> = {
    free: true,
    p1: tenant.profile.features.entraP1,
    p2: posture.entraP2,
    exchange: has("exchange"),
    defenderForOffice: has("defenderForOffice"),
    sharepoint: has("sharePoint"),
    purview: has("purview"),
  };
  return CONTROL_PROFILES.filter((p) => !p.deprecated && licensed[p.licence]);
}

function measure(profile: ControlProfile, ctx: ScoreContext): Measure {
  const { tenant, posture, membership } = ctx;
  const enabledPolicies = posture.policies.filter((p) => view(p).state === "enabled");
  const admins = tenant.users.filter((u) => u.roles.length > 0 && u.graph.accountEnabled);
  const ratio = (count: number, total: number): Measure => ({
    share: total ? count / total : 1,
    count,
    total,
  });
  const flag = (on: boolean): Measure => ({ share: on ? 1 : 0, count: null, total: null });
  switch (profile.measure) {
    case "mfaRegistration": {
      const people = tenant.users.filter((u) => u.kind === "member" && u.graph.accountEnabled);
      return ratio(people.filter((u) => isMfaRegistered(posture.auth.get(u.id)!)).length, people.length);
    }
    case "adminMfa":
      return ratio(
        admins.filter((u) => {
          const auth = posture.auth.get(u.id)!;
          return isMfaRegistered(auth) &&
            (tenant.profile.features.securityDefaults || auth.perUserMfaState === "enforced" ||
              mfaCoverage(posture.policies, u, membership).enforcedBy.length > 0);
        }).length,
        admins.length,
      );
    case "blockLegacyAuth":
      return flag(
        tenant.profile.features.securityDefaults || enabledPolicies.some((p) => {
          const v = view(p);
          return v.grantControls?.builtInControls.includes("block") &&
            v.conditions.users.includeUsers.includes("All") &&
            v.conditions.clientAppTypes.includes("exchangeActiveSync");
        }),
      );
    case "sspr":
      return flag(posture.ssprEnabled);
    case "oneAdmin":
      return flag(admins.filter((u) => u.roles.includes(ROLE.globalAdministrator)).length > 1);
    case "signInRisk":
      return flag(enabledPolicies.some((p) => view(p).conditions.signInRiskLevels.length > 0));
    case "userRisk":
      return flag(enabledPolicies.some((p) => view(p).conditions.userRiskLevels.length > 0));
    case "phishResistantAdmins": {
      const strong = enabledPolicies.filter((p) => view(p).grantControls?.authenticationStrength);
      const covered = admins.filter((u) =>
        strong.some((p) => mfaCoverage([p], u, membership).enforcedBy.length > 0)
      );
      return ratio(covered.length, admins.length);
    }
    case "cloudOnlyAdmins": {
      const mail = new Set(PLANS_BY_SERVICE.exchange);
      const separate = admins.filter((u) =>
        !((u.graph.assignedPlans ?? []) as { servicePlanId: string }[]).some((p) => mail.has(p.servicePlanId))
      );
      return ratio(separate.length, admins.length);
    }
    case "config":
      return { share: ctx.configControls[profile.id]?.share ?? 0, count: null, total: null };
  }
}

/** Today's state of every applicable control. */
export function measureControls(ctx: ScoreContext): Map<string, Measure> {
  return new Map(applicableProfiles(ctx.tenant, ctx.posture).map((p) => [p.id, measure(p, ctx)]));
}

/** A snapshot taken `daysAgo` days before the newest one. Registrations and admin coverage grew by
 * about a fifth over the window; configuration changes happened on their day. */
function controlDay(id: string, m: Measure, daysAgo: number, ctx: ScoreContext, newest: number): ControlDay {
  const config = ctx.configControls[id];
  if (m.total === null || m.count === null) {
    const since = config?.sinceDaysAgo ?? HISTORY_DAYS * 4;
    return {
      controlName: id,
      share: daysAgo < since ? m.share : 0,
      count: null,
      total: null,
      since: newest - (daysAgo < since ? since : HISTORY_DAYS * 4) * DAY,
    };
  }
  const count = Math.round(m.count * (1 - 0.2 * daysAgo / (HISTORY_DAYS - 1)));
  return {
    controlName: id,
    share: m.total ? count / m.total : m.share,
    count,
    total: m.total,
    since: newest - daysAgo * DAY,
  };
}

export function snapshot(
  ctx: ScoreContext,
  controls: Map<string, Measure>,
  at: number,
  daysAgo: number,
  random: Random,
): SecureScoreDay {
  const { tenant, posture } = ctx;
  const plans = tenantPlans(posture);
  const has = (service: keyof typeof PLANS_BY_SERVICE) =>
    PLANS_BY_SERVICE[service].some((id) => plans.has(id));
  const licensedUsers =
    tenant.users.filter((u) =>
      u.graph.assignedLicenses.some((a) => posture.skus.some((s) => s.sku.skuId === a.skuId && !s.sku.free))
    ).length;
  const days = [...controls].map(([id, m]) => controlDay(id, m, daysAgo, ctx, at + daysAgo * DAY));
  const seats = [1, 25, 100, 500, 1000, 5000].findLast((n) => n <= Math.max(1, licensedUsers)) ?? 1;
  const category = () => ({
    identityScore: round(40 + random.next() * 30),
    dataScore: round(10 + random.next() * 30),
    deviceScore: round(20 + random.next() * 40),
    appsScore: round(30 + random.next() * 40),
    infrastructureScore: 0,
  });
  return {
    createdDateTime: at,
    activeUserCount:
      tenant.users.filter((u) =>
        u.graph.accountEnabled && u.lastSignIn !== null && u.lastSignIn > at - 30 * DAY
      ).length,
    licensedUserCount: licensedUsers,
    enabledServices: [
      ...(has("exchange") ? ["HasExchange"] : []),
      ...(has("sharePoint") ? ["HasSharePoint", "HasOD4B"] : []),
      ...(has("intune") ? ["HasInTune"] : []),
    ],
    controls: days,
    comparatives: [
      { basis: "AllTenants", averageScore: round(36 + random.next() * 4), ...category() },
      {
        basis: "TotalSeats",
        averageScore: round(30 + random.next() * 20),
        seatSizeRangeLowerValue: String(seats),
        seatSizeRangeUpperValue: String(seats === 1 ? 25 : seats * 5),
        ...category(),
      },
      { basis: "IndustryTypes", averageScore: round(35 + random.next() * 15), ...category() },
    ],
  };
}

export function buildHistory(ctx: ScoreContext, random: Random, epoch: number): SecureScoreDay[] {
  const controls = measureControls(ctx);
  // Snapshots are taken early each morning UTC; the newest is the day before the world epoch.
  const newest = epoch - DAY + random.int(1, 4) * 3_600_000 + random.int(0, 3599) * 1000;
  return Array.from(
    { length: HISTORY_DAYS },
    (_, d) => snapshot(ctx, controls, newest - d * DAY, d, random.fork(`day/${d}`)),
  );
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
