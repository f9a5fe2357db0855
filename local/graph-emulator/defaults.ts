// Fixed, documented defaults that the local stack writes into .local/env and that people point
// their own apps at. Changing a value here changes the contract in README.md.

export const DEFAULT_PORT = 54340;
export const DEFAULT_SEED = 1;
export const DEFAULT_SIZE = "small";

/** Microsoft Graph's resource (service principal) app id: the `aud` of every Graph token. */
export const GRAPH_RESOURCE_ID = "00000003-0000-0000-c000-000000000000";

/** The multi-tenant app that stands for our product, admin-consented in every emulated tenant. */
export const DEFAULT_APP = {
  clientId: "5f1e0c4a-7b3d-4e2f-9a6c-1d8b2e3f4a50",
  displayName: "m365-edge (local)",
  /** Shaped like a real Entra secret value (`xxx8Q~…`, 40 characters). */
  clientSecret: "m3E8Q~LocalEmulatorOnly.NotASecret.0001x",
  secretKeyId: "0c7d9a52-3e61-4b8f-a2d4-6f1e8c3b5a07",
  redirectUris: ["http://127.0.0.1:54321/functions/v1/oauth-callback"],
  applicationPermissions: [
    "User.Read.All",
    "Directory.Read.All",
    "Reports.Read.All",
    "AuditLog.Read.All",
    "Policy.Read.All",
    "SecurityEvents.Read.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementConfiguration.Read.All",
    "Organization.Read.All",
    "UserAuthenticationMethod.Read.All",
    "IdentityRiskyUser.Read.All",
    "ReportSettings.Read.All",
    "Mail.ReadWrite",
    "Mail.Send",
    "MailboxSettings.Read",
  ],
  delegatedScopes: [
    "openid",
    "profile",
    "email",
    "offline_access",
    "User.Read",
    "Mail.ReadWrite",
    "Mail.Send",
    "MailboxSettings.Read",
  ],
} as const;

/** Emulated tenants by key; users and everything else in them come from the seed. */
export const TENANT_IDS = {
  contoso: "b7a3c1e2-4d5f-4a6b-8c9d-0e1f2a3b4c5d",
  fabrikam: "2f8e6d4c-1b3a-4c5d-9e7f-6a5b4c3d2e1f",
  northwind: "9c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
  tailspin: "e4d3c2b1-a0f9-4e8d-b7c6-5a4b3c2d1e0f",
} as const;
