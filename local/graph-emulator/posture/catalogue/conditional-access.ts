// Conditional access policy sets of the P1 tenants (conditional-access.json), written against
// symbolic targets (the break-glass account, group keys, the admin-role template) that
// world/conditional-access.ts resolves to ids. Between them they hold every trap an MFA report
// meets: role targeting by template id, an all-users policy with exclusions, report-only and
// disabled policies, an OR grant, an authentication strength, legacy-auth blocking, a nested group
// and a risk-conditional policy.
import data from "./conditional-access.json" with { type: "json" };

export type PolicyState = "enabled" | "disabled" | "enabledForReportingButNotEnforced";

export interface PolicyTemplate {
  key: string;
  displayName: string;
  state: PolicyState;
  createdDaysAgo: number;
  modifiedDaysAgo: number | null;
  users: {
    includeAll?: boolean;
    includeGroups?: string[];
    /** Microsoft's admin-MFA template roles. */
    includeAdminRoles?: boolean;
    includeGuests?: boolean;
    excludeBreakGlass?: boolean;
    excludeGroups?: string[];
  };
  /** Application ids; absent = All. */
  applications?: string[];
  clientAppTypes?: ("all" | "exchangeActiveSync" | "other" | "browser" | "mobileAppsAndDesktopClients")[];
  signInRiskLevels?: ("low" | "medium" | "high")[];
  /** Block outside trusted named locations. */
  untrustedLocationsOnly?: boolean;
  grant: { operator: "OR" | "AND"; builtInControls: string[]; authenticationStrength?: "phishingResistant" };
}

/** Windows Azure Service Management API. */
export const AZURE_MANAGEMENT_APP = "797f4846-ba00-4fd7-ba43-dac1f8f63013";

export const POLICY_SETS: Record<string, PolicyTemplate[]> = data.policySets as Record<
  string,
  PolicyTemplate[]
>;

/** The built-in "Phishing-resistant MFA" authentication strength as Graph expands it. */
export const PHISHING_RESISTANT_STRENGTH: Record<string, unknown> = data.phishingResistantStrength;
