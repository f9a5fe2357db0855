// Conditional access, evaluated the way Entra applies it (pure). A policy demands MFA only when
// every way to satisfy its grant includes MFA: "mfa OR compliantDevice" lets a compliant device in
// without MFA. It demands MFA on every sign-in only when nothing narrows it (apps, client types,
// locations, platforms, risk levels). Users are matched through nested groups and role templates;
// exclusions win.
import type { CaPolicy } from "./sources.ts";

export const ENABLED = "enabled";
export const REPORT_ONLY = "enabledForReportingButNotEnforced";

/** Microsoft's Global Administrator role template. */
export const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";

export type MfaRequirement = "always" | "conditional" | "none";

export function mfaRequirement(policy: CaPolicy): MfaRequirement {
  const grant = policy.grantControls;
  if (!grant) return "none";
  const strength = grant.authenticationStrength;
  const alternatives = [
    ...grant.builtInControls.map((control) => control === "mfa"),
    ...(strength ? [strength.requirementsSatisfied === "mfa"] : []),
  ];
  const demandsMfa = alternatives.length > 0 &&
    (grant.operator === "AND" ? alternatives.some(Boolean) : alternatives.every(Boolean));
  if (!demandsMfa) return "none";
  const c = policy.conditions;
  const narrowed = c.signInRiskLevels.length > 0 || c.userRiskLevels.length > 0 ||
    !(c.applications?.includeApplications ?? []).includes("All") || !c.clientAppTypes.includes("all") ||
    (c.locations ?? null) !== null || (c.platforms ?? null) !== null;
  return narrowed ? "conditional" : "always";
}

/** Who a policy is about: the user, the groups they are in (nesting resolved), their roles. */
export interface Subject {
  id: string;
  guest: boolean;
  groupIds: ReadonlySet<string>;
  /** Role template ids (for built-in roles, Graph's roleDefinitionId is the template id). */
  roleIds: ReadonlySet<string>;
}

export function targets(policy: CaPolicy, who: Subject): boolean {
  const u = policy.conditions.users;
  const any = (ids: string[], set: ReadonlySet<string>) => ids.some((id) => set.has(id));
  const included = u.includeUsers.includes("All") || u.includeUsers.includes(who.id) ||
    (who.guest &&
      (u.includeUsers.includes("GuestsOrExternalUsers") || u.includeGuestsOrExternalUsers != null)) ||
    any(u.includeGroups, who.groupIds) || any(u.includeRoles, who.roleIds);
  const excluded = u.excludeUsers.includes(who.id) || any(u.excludeGroups, who.groupIds) ||
    any(u.excludeRoles, who.roleIds) || (who.guest && u.excludeGuestsOrExternalUsers != null);
  return included && !excluded;
}

/** Groups a set of policies names (to resolve their members). */
export function groupsNamed(policies: CaPolicy[]): string[] {
  return [
    ...new Set(
      policies.flatMap((p) => [...p.conditions.users.includeGroups, ...p.conditions.users.excludeGroups]),
    ),
  ];
}

/** A policy that blocks legacy authentication (Exchange ActiveSync and other clients) for everyone. */
export function blocksLegacyAuthentication(policy: CaPolicy): boolean {
  const c = policy.conditions;
  return (policy.grantControls?.builtInControls ?? []).includes("block") &&
    c.clientAppTypes.includes("exchangeActiveSync") && c.clientAppTypes.includes("other") &&
    c.users.includeUsers.includes("All");
}
