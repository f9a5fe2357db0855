// The emulated directory: tenants, users, app registrations and consent. Generated from a seed by
// world/generate.ts; other generators (mail, posture) attach their own data through slots.

export type Size = "small" | "medium" | "large";
export const SIZES: readonly Size[] = ["small", "medium", "large"];

export interface World {
  seed: number;
  size: Size;
  /** Fixed instant the generated history is laid out before (never the wall clock). */
  epoch: number;
  tenants: Tenant[];
  apps: AppRegistration[];
  /** Data owned by other generators, keyed by slot name (see world/slots.ts). */
  slots: Map<string, unknown>;
}

export interface TenantFeatures {
  /** Microsoft Entra ID P1 (conditional access, sign-in activity, registration reports). */
  entraP1: boolean;
  intune: boolean;
  securityDefaults: boolean;
}

export interface TenantProfile {
  key: string;
  id: string;
  displayName: string;
  kind: "enterprise" | "mid" | "small";
  initialDomain: string;
  /** Verified custom domains; the first is the default (users' UPNs and mail). */
  customDomains: string[];
  /** Licence SKUs the posture generator should give this tenant (real part numbers). */
  skuPartNumbers: string[];
  features: TenantFeatures;
  locale: string;
  address: {
    street: string;
    city: string;
    state: string | null;
    postalCode: string;
    country: string;
    countryLetterCode: string;
  };
  phone: string;
  users: Record<Size, number>;
}

export interface Tenant {
  id: string;
  profile: TenantProfile;
  /** The Graph `organization` entity (posture fills assignedPlans/provisionedPlans). */
  organization: Record<string, unknown>;
  users: User[];
  usersById: Map<string, User>;
  /** Lower-cased userPrincipalName → user. */
  usersByUpn: Map<string, User>;
  /** clientId → what this tenant has consented to for that app. */
  consents: Map<string, Consent>;
}

export type UserKind = "member" | "guest" | "shared" | "room";

export interface MailboxInfo {
  purpose: "user" | "shared" | "room";
  settings: Record<string, unknown>;
}

export interface User {
  id: string;
  kind: UserKind;
  /** Graph `user` properties by their Graph names; serialized by endpoints/users.ts. */
  graph: UserProperties;
  /** Directory role template ids (Global Administrator, …): the token `wids` claim. */
  roles: string[];
  /** Whether the posture generator should assign this user a licence. */
  licensed: boolean;
  /** null: no Exchange Online mailbox (MailboxNotEnabledForRESTAPI). */
  mailbox: MailboxInfo | null;
  /** Refresh tokens issued before this instant are revoked (AADSTS50173). */
  tokensValidFrom: number;
  /** Last interactive sign-in, for signInActivity (P1 tenants). */
  lastSignIn: number | null;
}

export interface UserProperties {
  id: string;
  accountEnabled: boolean;
  businessPhones: string[];
  city: string | null;
  companyName: string | null;
  country: string | null;
  createdDateTime: string;
  creationType: string | null;
  department: string | null;
  displayName: string;
  employeeId: string | null;
  externalUserState: string | null;
  externalUserStateChangeDateTime: string | null;
  givenName: string | null;
  jobTitle: string | null;
  mail: string | null;
  mailNickname: string;
  mobilePhone: string | null;
  officeLocation: string | null;
  otherMails: string[];
  preferredLanguage: string | null;
  proxyAddresses: string[];
  showInAddressList: boolean | null;
  surname: string | null;
  usageLocation: string | null;
  userPrincipalName: string;
  userType: "Member" | "Guest";
  assignedLicenses: { disabledPlans: string[]; skuId: string }[];
  [property: string]: unknown;
}

export interface ClientSecret {
  keyId: string;
  hint: string;
  value: string;
  endDateTime: number;
}

export interface AppRegistration {
  clientId: string;
  displayName: string;
  /** Public clients (mobile/desktop/SPA) hold no secret; sending one is AADSTS700025. */
  publicClient: boolean;
  redirectUris: string[];
  secrets: ClientSecret[];
  /** Tenant ids where the app exists; null = multi-tenant (usable wherever consented). */
  homeTenantId: string | null;
  /** What admin consent grants (the app's "API permissions" page). */
  requiredPermissions: { application: string[]; delegated: string[] };
}

export interface Consent {
  clientId: string;
  /** The app's service principal object id in this tenant (`oid`/`sub` of app-only tokens). */
  servicePrincipalId: string;
  /** Application permissions granted by an admin: the `roles` claim. */
  appRoles: string[];
  /** Delegated scopes an admin granted for all users. */
  adminScopes: string[];
  /** Delegated scopes users consented to themselves, by user id. */
  userScopes: Map<string, string[]>;
}
