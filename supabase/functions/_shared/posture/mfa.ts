// mfa: how many enabled member accounts must use MFA to sign in, and why. A person is covered by
// legacy per-user MFA (enabled or enforced), security defaults, or an enabled conditional access
// policy that demands MFA of them on every sign-in. Report-only, disabled and conditional policies
// and "mfa OR something else" grants do not cover anyone. Registered methods are counted apart:
// registering is not being required to use them.
import { type Dataset, factsOf, saveRow } from "./dataset.ts";
import { ENABLED, groupsNamed, mfaRequirement, targets } from "./conditional-access.ts";
import type { GraphReads } from "./graph-reads.ts";
import {
  groupsOfUsers,
  isEnabledMember,
  perUserMfa,
  type PerUserMfaState,
  rolesOfUsers,
  users,
} from "./directory.ts";
import { required } from "./failures.ts";
import { percent, share } from "./format.ts";
import {
  prefetchRegistrations,
  REGISTRATION_UNLICENSED,
  type Registrations,
  registrations,
} from "./registration.ts";
import { CA_POLICIES, type CaPolicy, type GraphUser, read, SECURITY_DEFAULTS } from "./sources.ts";

export interface MfaInputs {
  /** Enabled member accounts. */
  people: GraphUser[];
  securityDefaults: boolean;
  policies: CaPolicy[];
  groupsOf: Map<string, Set<string>>;
  rolesOf: Map<string, Set<string>>;
  perUser: Map<string, PerUserMfaState>;
  registered: Registrations;
}

export interface MfaFacts {
  percentage: number;
  status: string;
  total_users: number;
  mfa_enabled: number;
  mfa_disabled: number;
  mfa_registered: number;
  conditional_access: number;
  security_defaults: number;
  per_user_mfa: number;
  registration_source: "report" | "methods";
  recommendation: string;
  description: string;
  measurement_date: Date;
}

export const MFA_DESCRIPTION =
  "Share of enabled member accounts that must use MFA to sign in: per-user MFA " +
  "(enabled or enforced), security defaults, or an enabled conditional access policy requiring MFA on every " +
  "sign-in. Report-only, disabled and conditional policies, and grants where MFA is one option among others, " +
  "do not count. mfa_registered counts accounts with an MFA method registered, which is not the same as MFA " +
  "being required.";

/** The seeds' compliance wording for a share of 0-100. */
export function complianceOf(percentage: number, measured: boolean) {
  if (!measured) return { status: "Not Measured", recommendation: "No enabled member accounts to measure." };
  if (percentage === 100) {
    return {
      status: "Compliant",
      recommendation: "Current status is good. Continue to monitor MFA compliance.",
    };
  }
  if (percentage > 0) {
    return {
      status: "Partially Compliant",
      recommendation: "Enable MFA for remaining users to achieve full compliance.",
    };
  }
  return { status: "Not Compliant", recommendation: "URGENT: Enable MFA for all users immediately." };
}

/** Coverage from what Graph said (pure). */
/** Enabled policies that demand MFA on every sign-in: the only ones that cover anyone. */
export const requiringMfa = (policies: CaPolicy[]) =>
  policies.filter((p) => p.state === ENABLED && mfaRequirement(p) === "always");

export function mfaFacts(inputs: MfaInputs, now: Date): MfaFacts {
  const requiring = requiringMfa(inputs.policies);
  let covered = 0, byPolicy = 0, byPerUser = 0, registered = 0;
  for (const person of inputs.people) {
    const who = {
      id: person.id,
      guest: false,
      groupIds: inputs.groupsOf.get(person.id) ?? new Set<string>(),
      roleIds: inputs.rolesOf.get(person.id) ?? new Set<string>(),
    };
    const policy = requiring.some((p) => targets(p, who));
    const perUser = ["enabled", "enforced"].includes(inputs.perUser.get(person.id) ?? "disabled");
    if (policy) byPolicy++;
    if (perUser) byPerUser++;
    if (policy || perUser || inputs.securityDefaults) covered++;
    if (inputs.registered.byUser.get(person.id)?.mfa) registered++;
  }
  const total = inputs.people.length;
  const percentage = share(covered, total);
  return {
    percentage,
    ...complianceOf(percentage, total > 0),
    total_users: total,
    mfa_enabled: covered,
    mfa_disabled: total - covered,
    mfa_registered: registered,
    conditional_access: byPolicy,
    security_defaults: inputs.securityDefaults ? total : 0,
    per_user_mfa: byPerUser,
    registration_source: inputs.registered.source,
    description: MFA_DESCRIPTION,
    measurement_date: now,
  };
}

export function mfaView(f: MfaFacts) {
  return [{
    percentage: percent(f.percentage),
    status: f.status,
    target: "100%",
    total_users: f.total_users,
    mfa_enabled: f.mfa_enabled,
    mfa_disabled: f.mfa_disabled,
    enabled_by_method: {
      mfa_registered: f.mfa_registered,
      conditional_access: f.conditional_access,
      security_defaults: f.security_defaults,
      per_user_mfa: f.per_user_mfa,
    },
    recommendation: f.recommendation,
    details: { description: f.description, measurement_date: f.measurement_date.toISOString() },
  }];
}

async function inputs(reads: GraphReads): Promise<MfaInputs> {
  prefetchRegistrations(reads);
  const [everyone, defaults, policies, rolesOf] = await Promise.all([
    users(reads),
    read(reads, SECURITY_DEFAULTS).then(required),
    read(reads, CA_POLICIES).then(required),
    rolesOfUsers(reads),
  ]);
  const people = everyone.filter(isEnabledMember);
  const [groupsOf, perUser, registered] = await Promise.all([
    groupsOfUsers(reads, groupsNamed(requiringMfa(policies))),
    perUserMfa(reads, people),
    registrations(reads, people),
  ]);
  return { people, securityDefaults: defaults.isEnabled, policies, groupsOf, rolesOf, perUser, registered };
}

const TABLE = "public.m365_mfa_snapshots";

export const mfa: Dataset<MfaFacts> = {
  name: "mfa",
  async compute(reads, now) {
    const given = await inputs(reads);
    return {
      facts: mfaFacts(given, now),
      rows: 1,
      unlicensed: given.registered.source === "methods" ? REGISTRATION_UNLICENSED : undefined,
    };
  },
  save: (tx, org, facts) => saveRow(tx, TABLE, org, { ...facts }, ["organization_id"]),
  async load(tx, organizationId) {
    const [row] = await tx`select * from ${tx(TABLE)} where organization_id = ${organizationId}`;
    return row ? factsOf<MfaFacts>(row) : null;
  },
  view: mfaView,
};
