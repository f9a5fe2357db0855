// Microsoft Graph's permission names (delegated scopes and application roles) the emulator knows,
// and how a requested `scope` string splits into OIDC scopes and Graph permissions.
import { GRAPH_RESOURCE_ID } from "../defaults.ts";

/** Delegated scopes; `true` = only an administrator may consent. Add entries as endpoints need them. */
export const DELEGATED_SCOPES: Record<string, boolean> = {
  "User.Read": false,
  "User.ReadWrite": false,
  "User.ReadBasic.All": false,
  "User.Read.All": true,
  "User.ReadWrite.All": true,
  "Directory.Read.All": true,
  "Directory.ReadWrite.All": true,
  "Group.Read.All": true,
  "GroupMember.Read.All": true,
  "Mail.ReadBasic": false,
  "Mail.Read": false,
  "Mail.ReadWrite": false,
  "Mail.Send": false,
  "Mail.Read.Shared": false,
  "Mail.ReadWrite.Shared": false,
  "Mail.Send.Shared": false,
  "MailboxSettings.Read": false,
  "MailboxSettings.ReadWrite": false,
  "Calendars.Read": false,
  "Contacts.Read": false,
  "People.Read": false,
  "Presence.Read": false,
  "Files.Read": false,
  "Reports.Read.All": true,
  "AuditLog.Read.All": true,
  "Policy.Read.All": true,
  "SecurityEvents.Read.All": true,
  "DeviceManagementManagedDevices.Read.All": true,
  "DeviceManagementConfiguration.Read.All": true,
  "Organization.Read.All": true,
  "UserAuthenticationMethod.Read.All": true,
  "UserAuthenticationMethod.Read": false,
  "RoleManagement.Read.Directory": true,
  "IdentityRiskyUser.Read.All": true,
  "ReportSettings.Read.All": true,
  "ReportSettings.ReadWrite.All": true,
};

export const APPLICATION_ROLES: readonly string[] = [
  "User.Read.All",
  "User.ReadWrite.All",
  "User.ReadBasic.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "Group.Read.All",
  "GroupMember.Read.All",
  "Mail.ReadBasic",
  "Mail.ReadBasic.All",
  "Mail.Read",
  "Mail.ReadWrite",
  "Mail.Send",
  "MailboxSettings.Read",
  "MailboxSettings.ReadWrite",
  "Calendars.Read",
  "Contacts.Read",
  "Reports.Read.All",
  "AuditLog.Read.All",
  "Policy.Read.All",
  "SecurityEvents.Read.All",
  "DeviceManagementManagedDevices.Read.All",
  "DeviceManagementConfiguration.Read.All",
  "Organization.Read.All",
  "UserAuthenticationMethod.Read.All",
  "LicenseAssignment.Read.All",
  "RoleManagement.Read.Directory",
  "Application.Read.All",
  "IdentityRiskyUser.Read.All",
  "ReportSettings.Read.All",
  "ReportSettings.ReadWrite.All",
];

/** OpenID Connect scopes, in the order Entra lists them in a token response. */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;

const GRAPH_PREFIXES = ["https://graph.microsoft.com/", `${GRAPH_RESOURCE_ID}/`, "graph.microsoft.com/"];
const delegatedByLower = new Map(Object.keys(DELEGATED_SCOPES).map((s) => [s.toLowerCase(), s]));
const rolesByLower = new Map(APPLICATION_ROLES.map((s) => [s.toLowerCase(), s]));

export interface RequestedScopes {
  oidc: Set<string>;
  /** Canonically spelled Graph delegated scopes. */
  graph: string[];
  /** `https://graph.microsoft.com/.default` was asked for. */
  graphDefault: boolean;
  /** Scopes for a resource other than Graph (the emulator hosts no other API). */
  foreign: string[];
  /** Graph scopes that do not exist. */
  unknown: string[];
}

/** Splits a space-separated scope string; Graph scopes may be short or resource-qualified. */
export function parseScopes(raw: string): RequestedScopes {
  const out: RequestedScopes = { oidc: new Set(), graph: [], graphDefault: false, foreign: [], unknown: [] };
  for (const scope of raw.split(" ").filter(Boolean)) {
    const lower = scope.toLowerCase();
    if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
      out.oidc.add(lower);
      continue;
    }
    const prefix = GRAPH_PREFIXES.find((p) => lower.startsWith(p));
    if (!prefix && scope.includes("/")) {
      out.foreign.push(scope);
      continue;
    }
    const name = prefix ? scope.slice(prefix.length) : scope;
    if (name.toLowerCase() === ".default" && prefix) {
      out.graphDefault = true;
      continue;
    }
    const canonical = delegatedByLower.get(name.toLowerCase());
    if (canonical) {
      if (!out.graph.includes(canonical)) out.graph.push(canonical);
    } else out.unknown.push(scope);
  }
  return out;
}

export function canonicalDelegated(scope: string): string | undefined {
  return delegatedByLower.get(scope.toLowerCase());
}

export function canonicalRole(role: string): string | undefined {
  return rolesByLower.get(role.toLowerCase());
}

export function requiresAdminConsent(scope: string): boolean {
  return DELEGATED_SCOPES[scope] === true;
}
