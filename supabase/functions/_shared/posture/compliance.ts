// compliance: nine policy checks computed from Graph (README, "Posture cache", lists each rule).
// Each check is Compliant, Partially Compliant or Not Compliant with its evidence in words, or Not
// Measured when the tenant lacks what it reads (Intune, a Secure Score control). The score weighs
// compliant checks 100 and partial ones 60 over the measured checks, as the seeds' dashboard does.
import { type Dataset, factsOf, saveRow } from "./dataset.ts";
import {
  blocksLegacyAuthentication,
  ENABLED,
  GLOBAL_ADMINISTRATOR,
  mfaRequirement,
  REPORT_ONLY,
} from "./conditional-access.ts";
import { licensed, required } from "./failures.ts";
import { percent, round, share } from "./format.ts";
import {
  CA_POLICIES,
  type CaPolicy,
  COMPLIANCE_POLICIES,
  CONTROL_PROFILES,
  type ControlProfile,
  DEVICE_STATE_SUMMARY,
  read,
  SECURE_SCORES,
  type SecureScore,
  SECURITY_DEFAULTS,
} from "./sources.ts";

type Status = "Compliant" | "Partially Compliant" | "Not Compliant" | "Not Measured";

interface Check {
  key: string;
  name: string;
  status: Status;
  /** The evidence, in words. */
  description: string;
  recommendation: string;
}

export interface ComplianceInputs {
  policies: CaPolicy[];
  securityDefaults: boolean;
  score: SecureScore | null;
  profiles: ControlProfile[];
  /** Null when the tenant has no Intune. */
  intune: {
    policies: { displayName: string | null; assignments: unknown[] }[];
    summary: Record<string, number>;
  } | null;
}

export interface ComplianceFacts {
  title: string;
  status: Status;
  score_percentage: number;
  total_policies: number;
  breakdown: Record<string, { count: number; label: string }>;
  policies: ReturnType<typeof policyItem>[];
  checked_at: Date;
}

const names = (policies: CaPolicy[]) => policies.map((p) => `'${p.displayName}'`).join(", ");

/** The enabled and report-only policies of a kind, as evidence for a check. */
function byState(policies: CaPolicy[], keep: (p: CaPolicy) => boolean) {
  return {
    enabled: policies.filter((p) => p.state === ENABLED && keep(p)),
    reportOnly: policies.filter((p) => p.state === REPORT_ONLY && keep(p)),
  };
}

function policyCheck(
  key: string,
  name: string,
  inputs: ComplianceInputs,
  keep: (p: CaPolicy) => boolean,
  what: string,
  recommendation: string,
): Check {
  const found = byState(inputs.policies, keep);
  const check = { key, name, recommendation };
  if (inputs.securityDefaults) {
    return { ...check, status: "Compliant", description: `Security defaults ${what}.` };
  }
  if (found.enabled.length) {
    return { ...check, status: "Compliant", description: `Enabled ${names(found.enabled)}: ${what}.` };
  }
  if (found.reportOnly.length) {
    return {
      ...check,
      status: "Partially Compliant",
      description: `Only report-only ${names(found.reportOnly)} would: nothing is enforced.`,
    };
  }
  return { ...check, status: "Not Compliant", description: `No enabled policy ${what}.` };
}

const requiresMfaOfEveryone = (p: CaPolicy) =>
  mfaRequirement(p) === "always" && p.conditions.users.includeUsers.includes("All");
const requiresMfaOfAdmins = (p: CaPolicy) =>
  mfaRequirement(p) === "always" && !p.conditions.users.excludeRoles.includes(GLOBAL_ADMINISTRATOR) &&
  (p.conditions.users.includeUsers.includes("All") ||
    p.conditions.users.includeRoles.includes(GLOBAL_ADMINISTRATOR));

function userMfa(inputs: ComplianceInputs): Check {
  const check = policyCheck(
    "userMfa",
    "MFA for all users",
    inputs,
    requiresMfaOfEveryone,
    "requires MFA of all users",
    "Require MFA of all users with conditional access (or security defaults).",
  );
  const some = inputs.policies.filter((p) => p.state === ENABLED && mfaRequirement(p) === "always");
  if (check.status === "Not Compliant" && some.length) {
    return { ...check, status: "Partially Compliant", description: `Only some users: ${names(some)}.` };
  }
  return check;
}

function intuneChecks(inputs: ComplianceInputs): Check[] {
  const policies = { key: "deviceCompliancePolicies", name: "Device compliance policies" };
  const devices = { key: "deviceCompliance", name: "Devices compliant" };
  if (!inputs.intune) {
    const noIntune = {
      status: "Not Measured" as const,
      description: "The tenant has no Intune licence: device compliance cannot be read.",
      recommendation: "License Intune (e.g. Microsoft 365 Business Premium) to manage and check devices.",
    };
    return [{ ...policies, ...noIntune }, { ...devices, ...noIntune }];
  }
  const list = inputs.intune.policies;
  const unassigned = list.filter((p) => p.assignments.length === 0);
  const policiesCheck: Check = {
    ...policies,
    recommendation: "Create a compliance policy for each platform in use and assign it to all users.",
    ...(list.length === 0
      ? { status: "Not Compliant", description: "No device compliance policies." }
      : unassigned.length
      ? {
        status: "Partially Compliant",
        description: `${unassigned.length} of ${list.length} compliance policies are assigned to no one.`,
      }
      : { status: "Compliant", description: `${list.length} compliance policies, all assigned.` }),
  };
  const s = inputs.intune.summary;
  const total = Object.entries(s).filter(([k]) => k !== "notApplicableDeviceCount").reduce(
    (n, [, v]) => n + v,
    0,
  );
  const compliant = share(s.compliantDeviceCount, total);
  const deviceCheck: Check = {
    ...devices,
    recommendation: "Bring non-compliant devices into line or block them with conditional access.",
    status: total === 0
      ? "Not Measured"
      : compliant === 100
      ? "Compliant"
      : compliant >= 80
      ? "Partially Compliant"
      : "Not Compliant",
    description: total === 0
      ? "No managed device reports a compliance state."
      : `${s.compliantDeviceCount} of ${total} managed devices are compliant (${compliant}%): ` +
        `${s.nonCompliantDeviceCount} not compliant, ${s.inGracePeriodCount} in grace period, ` +
        `${
          s.errorDeviceCount + s.conflictDeviceCount
        } in error or conflict, ${s.unknownDeviceCount} unknown.`,
  };
  return [policiesCheck, deviceCheck];
}

function secureScoreCheck(score: SecureScore | null): Check {
  const check = {
    key: "secureScore",
    name: "Microsoft Secure Score",
    recommendation: "Work through the Secure Score improvement actions, highest points first.",
  };
  if (!score) return { ...check, status: "Not Measured", description: "Microsoft has no Secure Score yet." };
  const p = share(score.currentScore, score.maxScore);
  return {
    ...check,
    status: p >= 70 ? "Compliant" : p >= 40 ? "Partially Compliant" : "Not Compliant",
    description: `Secure Score ${round(score.currentScore)} of ${round(score.maxScore)} (${p}%).`,
  };
}

/** A check Microsoft measures as a Secure Score control. */
function controlCheck(
  inputs: ComplianceInputs,
  key: string,
  controlName: string,
  name: string,
  recommendation: string,
): Check {
  const control = inputs.score?.controlScores.find((c) => c.controlName === controlName);
  if (!control) {
    return {
      key,
      name,
      recommendation,
      status: "Not Measured",
      description: "Secure Score does not rate this here.",
    };
  }
  const max = inputs.profiles.find((p) => p.id === controlName)?.maxScore ?? 0;
  const p = control.scoreInPercentage ?? share(control.score, max);
  return {
    key,
    name,
    recommendation,
    status: p >= 100 ? "Compliant" : p > 0 ? "Partially Compliant" : "Not Compliant",
    description: `Secure Score control ${controlName}: ${round(p)}%` +
      (control.implementationStatus ? ` (${control.implementationStatus})` : "") + ".",
  };
}

export function checks(inputs: ComplianceInputs): Check[] {
  return [
    ...intuneChecks(inputs),
    policyCheck(
      "adminMfa",
      "MFA for administrators",
      inputs,
      requiresMfaOfAdmins,
      "requires MFA of administrators",
      "Require MFA of every administrator role with conditional access (or security defaults).",
    ),
    userMfa(inputs),
    policyCheck(
      "legacyAuthentication",
      "Legacy authentication blocked",
      inputs,
      blocksLegacyAuthentication,
      "blocks legacy authentication",
      "Block legacy authentication (Exchange ActiveSync and other clients) for all users.",
    ),
    secureScoreCheck(inputs.score),
    controlCheck(
      inputs,
      "passwordExpiration",
      "PWAgePolicyNew",
      "Password expiration policy",
      "Set passwords to never expire (NIST guidance) and rely on MFA.",
    ),
    controlCheck(
      inputs,
      "auditLogSearch",
      "mip_search_auditlog",
      "Audit log search",
      "Turn on audit log search.",
    ),
    controlCheck(
      inputs,
      "signInRiskPolicy",
      "SigninRiskPolicy",
      "Sign-in risk policy",
      "Require MFA for risky sign-ins (Entra ID P2).",
    ),
  ];
}

const ACTIONS: Record<Status, (name: string) => { type: string; title: string; details: string }> = {
  "Compliant": () => ({ type: "none", title: "No action needed", details: "Policy is fully compliant." }),
  "Partially Compliant": (name) => ({
    type: "improve",
    title: `Improve ${name}`,
    details: "Address partial compliance issues to achieve full compliance.",
  }),
  "Not Compliant": (name) => ({
    type: "fix",
    title: `Fix ${name}`,
    details: "Immediate action required to address compliance failures.",
  }),
  "Not Measured": (name) => ({
    type: "investigate",
    title: `Investigate ${name}`,
    details: "Check system configuration and permissions.",
  }),
};

function policyItem(c: Check) {
  return {
    id: `policy-${c.key}`,
    name: c.name,
    status: c.status,
    description: c.description,
    recommendation: c.recommendation,
    action: ACTIONS[c.status](c.name),
  };
}

export function complianceFacts(inputs: ComplianceInputs, now: Date): ComplianceFacts {
  const list = checks(inputs);
  const count = (s: Status) => list.filter((c) => c.status === s).length;
  const [compliant, partial, failing, unmeasured] = [
    count("Compliant"),
    count("Partially Compliant"),
    count("Not Compliant"),
    count("Not Measured"),
  ];
  const measured = list.length - unmeasured;
  const status: Status = measured === 0
    ? "Not Measured"
    : compliant === measured
    ? "Compliant"
    : compliant / measured >= 0.7 || failing <= compliant
    ? "Partially Compliant"
    : "Not Compliant";
  return {
    title: "Microsoft 365 Compliance Status",
    status,
    score_percentage: measured ? round((compliant * 100 + partial * 60) / measured, 1) : 0,
    total_policies: list.length,
    breakdown: {
      compliant: { count: compliant, label: "Compliant" },
      partially_compliant: { count: partial, label: "Partially" },
      non_compliant: { count: failing, label: "Non-Compliant" },
      not_measured: { count: unmeasured, label: "Not Measured" },
    },
    policies: list.map(policyItem),
    checked_at: now,
  };
}

export function complianceView(f: ComplianceFacts) {
  return {
    compliance_summary: {
      title: f.title,
      status: f.status,
      score_percentage: percent(f.score_percentage),
      total_policies: f.total_policies,
      breakdown: f.breakdown,
    },
    policies: f.policies,
  };
}

const TABLE = "public.m365_compliance_snapshots";

export const compliance: Dataset<ComplianceFacts> = {
  name: "compliance",
  async compute(reads, now) {
    const [policies, defaults, scores, profiles, intunePolicies, summary] = await Promise.all([
      read(reads, CA_POLICIES).then(required),
      read(reads, SECURITY_DEFAULTS).then(required),
      read(reads, SECURE_SCORES).then(required),
      read(reads, CONTROL_PROFILES).then(required),
      read(reads, COMPLIANCE_POLICIES).then(licensed),
      read(reads, DEVICE_STATE_SUMMARY).then(licensed),
    ]);
    const intune = intunePolicies && summary ? { policies: intunePolicies, summary } : null;
    const inputs = {
      policies,
      securityDefaults: defaults.isEnabled,
      score: scores[0] ?? null,
      profiles,
      intune,
    };
    return { facts: complianceFacts(inputs, now), rows: 1 };
  },
  save: (tx, org, facts) => saveRow(tx, TABLE, org, { ...facts }, ["organization_id"]),
  async load(tx, organizationId) {
    const [row] = await tx`select * from ${tx(TABLE)} where organization_id = ${organizationId}`;
    return row ? factsOf<ComplianceFacts>(row) : null;
  },
  view: complianceView,
};
