// What each emulated tenant's security posture looks like (tenant-plans.json): which SKUs go to whom and how
// they are bought, how people registered for MFA, per-user MFA, conditional access set, devices,
// report privacy and the configuration-only Secure Score controls. The generators read this table.
import data from "./tenant-plans.json" with { type: "json" };

/** Who holds a SKU. `primary` SKUs carry the mailbox: every licensed user holds exactly one. */
export type Holders =
  | { primary: number } // admins, then this share of the licensed users still without a primary SKU
  | { role: "admins" } // licensed users with a directory role
  | { role: "itAndAdmins" } // licensed users in IT or with a directory role
  | { viral: number } // this share of licensed users signed up themselves
  | { role: "nobody" }; // bought, not assigned

export interface SubscriptionPlan {
  status: "Enabled" | "Warning" | "Suspended";
  /** spare: consumed + n; short: consumed - n (overuse); fixed: n. */
  units: { spare: number } | { short: number } | { fixed: number };
  term: "monthly" | "yearly" | "trial";
}

export interface LicencePlan {
  sku: string;
  holders: Holders;
  subscriptions: SubscriptionPlan[];
  /** Service plans switched off in every assignment (e.g. Viva Engage). */
  disabledPlans?: string[];
}

/** Registered authentication methods people end up with, by weight. */
export type MethodSet =
  | "passwordOnly"
  | "authenticator"
  | "authenticatorPhone"
  | "phone"
  | "phoneEmail"
  | "oath"
  | "fido2"
  | "hello"
  | "emailOnly"
  | "temporaryAccessPass";

export interface ConfigControl {
  share: number;
  sinceDaysAgo: number;
  /** A controlStateUpdates entry other than Default (Ignored, ThirdParty, Reviewed). */
  state?: { state: string; comment: string };
}

export interface TenantPosturePlan {
  licences: LicencePlan[];
  methods: { members: Partial<Record<MethodSet, number>>; admins: Partial<Record<MethodSet, number>> };
  /** Share of users with legacy per-user MFA: enforced (registered) and enabled (not yet registered). */
  perUserMfa: { enforced: number; enabled: number };
  ssprEnabled: boolean;
  /** Conditional access policy set (catalogue/conditional-access.ts); null = none. */
  conditionalAccess: "contoso" | "fabrikam" | null;
  /** Devices per licensed, enabled member, by weight (index = device count). */
  devicesPerUser: number[];
  platforms: Partial<Record<"Windows" | "iOS" | "Android" | "macOS", number>>;
  compliance: Partial<Record<"compliant" | "noncompliant" | "inGracePeriod" | "unknown" | "error", number>>;
  /** Users Identity Protection flags (P2 tenants only). */
  riskyUsers: number;
  /** admin/reportSettings.displayConcealedNames (Microsoft's default since 2021 is true). */
  concealedNames: boolean;
  /** Secure Score controls that only reflect configuration: implemented share 0..1 and since when. */
  configControls: Record<string, ConfigControl>;
}

export const POSTURE_PLANS: Record<string, TenantPosturePlan> = data as Record<string, TenantPosturePlan>;
