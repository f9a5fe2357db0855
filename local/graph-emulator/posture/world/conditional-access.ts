// Conditional access: the catalogue's policy templates resolved to Graph payloads for a tenant, and
// the evaluation of a policy for a user (who it targets, whether it demands MFA). The evaluator feeds
// sign-in logs (appliedConditionalAccessPolicies), Secure Score and the control API's ground truth.
import type { Random } from "../../core/random.ts";
import { isoSeconds } from "../../core/time-format.ts";
import type { Tenant, User } from "../../world/types.ts";
import { PHISHING_RESISTANT_STRENGTH, type PolicyTemplate } from "../catalogue/conditional-access.ts";
import { ADMIN_MFA_TEMPLATE_ROLES } from "../catalogue/directory-roles.ts";
import type { PostureGroup } from "../state.ts";
import type { Membership } from "./groups.ts";

const DAY = 86_400_000;

const ALL_GUEST_TYPES =
  "internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider";

export function buildPolicies(
  tenant: Tenant,
  templates: PolicyTemplate[],
  groups: PostureGroup[],
  random: Random,
  epoch: number,
): Record<string, unknown>[] {
  const groupIds = (keys: string[] = []) =>
    keys.map((k) => groups.find((g) => g.key === k)?.id).filter((id): id is string => id !== undefined);
  const breakGlass = tenant.users[0].id;
  return templates.map((t) => {
    const guests = t.users.includeGuests
      ? {
        guestOrExternalUserTypes: ALL_GUEST_TYPES,
        externalTenants: {
          "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
          membershipKind: "all",
        },
      }
      : null;
    return {
      id: random.uuid(),
      templateId: null,
      displayName: t.displayName,
      createdDateTime: isoSeconds(epoch - t.createdDaysAgo * DAY - random.int(0, 86_399) * 1000),
      modifiedDateTime: t.modifiedDaysAgo === null ? null : isoSeconds(epoch - t.modifiedDaysAgo * DAY),
      state: t.state,
      sessionControls: null,
      conditions: {
        userRiskLevels: [],
        signInRiskLevels: t.signInRiskLevels ?? [],
        clientAppTypes: t.clientAppTypes ?? ["all"],
        servicePrincipalRiskLevels: [],
        insiderRiskLevels: null,
        platforms: null,
        locations: t.untrustedLocationsOnly
          ? { includeLocations: ["All"], excludeLocations: ["AllTrusted"] }
          : null,
        devices: null,
        clientApplications: null,
        applications: {
          includeApplications: t.applications ?? ["All"],
          excludeApplications: [],
          includeUserActions: [],
          includeAuthenticationContextClassReferences: [],
          applicationFilter: null,
        },
        users: {
          includeUsers: t.users.includeAll ? ["All"] : [],
          excludeUsers: t.users.excludeBreakGlass ? [breakGlass] : [],
          includeGroups: groupIds(t.users.includeGroups),
          excludeGroups: groupIds(t.users.excludeGroups),
          includeRoles: t.users.includeAdminRoles ? [...ADMIN_MFA_TEMPLATE_ROLES] : [],
          excludeRoles: [],
          includeGuestsOrExternalUsers: guests,
          excludeGuestsOrExternalUsers: null,
        },
      },
      grantControls: {
        operator: t.grant.operator,
        builtInControls: t.grant.builtInControls,
        customAuthenticationFactors: [],
        termsOfUse: [],
        authenticationStrength: t.grant.authenticationStrength ? { ...PHISHING_RESISTANT_STRENGTH } : null,
      },
    };
  });
}

// ---- evaluation -------------------------------------------------------------------------------

interface PolicyView {
  id: string;
  displayName: string;
  state: string;
  conditions: {
    signInRiskLevels: string[];
    userRiskLevels: string[];
    clientAppTypes: string[];
    locations: unknown;
    platforms: unknown;
    applications: { includeApplications: string[] };
    users: {
      includeUsers: string[];
      excludeUsers: string[];
      includeGroups: string[];
      excludeGroups: string[];
      includeRoles: string[];
      excludeRoles: string[];
      includeGuestsOrExternalUsers: unknown;
      excludeGuestsOrExternalUsers: unknown;
    };
  };
  grantControls: {
    operator: string;
    builtInControls: string[];
    authenticationStrength: { requirementsSatisfied?: string } | null;
  } | null;
}

export const view = (policy: Record<string, unknown>) => policy as unknown as PolicyView;

/** Whether the policy's user conditions take in the user (nested groups and role templates
 * resolved; exclusions win). */
export function targetsUser(policy: Record<string, unknown>, user: User, membership: Membership): boolean {
  const u = view(policy).conditions.users;
  const groups = new Set(membership.transitiveParents(user.id).map((g) => g.id));
  const guest = user.kind === "guest";
  const included = u.includeUsers.includes("All") || u.includeUsers.includes(user.id) ||
    (guest && u.includeUsers.includes("GuestsOrExternalUsers")) ||
    (guest && u.includeGuestsOrExternalUsers !== null) ||
    u.includeGroups.some((g) => groups.has(g)) || u.includeRoles.some((r) => user.roles.includes(r));
  const excluded = u.excludeUsers.includes(user.id) || u.excludeGroups.some((g) => groups.has(g)) ||
    u.excludeRoles.some((r) => user.roles.includes(r)) || (guest && u.excludeGuestsOrExternalUsers !== null);
  return included && !excluded;
}

/** `always`: every sign-in to every app needs MFA. `conditional`: only for some apps, clients,
 * locations or risk levels. An OR with other controls (mfa OR compliantDevice) is not MFA. */
export function mfaRequirement(policy: Record<string, unknown>): "always" | "conditional" | "none" {
  const p = view(policy);
  const grant = p.grantControls;
  if (!grant) return "none";
  const builtIn = grant.builtInControls;
  const demandsMfa = grant.authenticationStrength?.requirementsSatisfied === "mfa" ||
    (builtIn.includes("mfa") && (grant.operator === "AND" || builtIn.length === 1));
  if (!demandsMfa) return "none";
  const c = p.conditions;
  const narrowed = c.signInRiskLevels.length > 0 || c.userRiskLevels.length > 0 ||
    !c.applications.includeApplications.includes("All") || !c.clientAppTypes.includes("all") ||
    c.locations !== null || c.platforms !== null;
  return narrowed ? "conditional" : "always";
}

export interface MfaCoverage {
  /** Enabled policies that require MFA for every sign-in of the user. */
  enforcedBy: string[];
  /** Enabled policies that require it only under some conditions. */
  conditionalBy: string[];
  /** Report-only policies that would require it. */
  reportOnlyBy: string[];
}

export function mfaCoverage(
  policies: readonly Record<string, unknown>[],
  user: User,
  membership: Membership,
): MfaCoverage {
  const out: MfaCoverage = { enforcedBy: [], conditionalBy: [], reportOnlyBy: [] };
  for (const policy of policies) {
    const requirement = mfaRequirement(policy);
    if (requirement === "none" || !targetsUser(policy, user, membership)) continue;
    const { id, state } = view(policy);
    if (state === "enabledForReportingButNotEnforced") out.reportOnlyBy.push(id);
    else if (state === "enabled") (requirement === "always" ? out.enforcedBy : out.conditionalBy).push(id);
  }
  return out;
}
