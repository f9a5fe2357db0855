// The posture cache's pure rules, case by case: conditional access (OR grants, strengths, narrowing,
// nested groups, roles, exclusions), MFA coverage, method names, licence buckets by GUID, Secure
// Score actions, compliance checks, CSV reports, failure statuses and the seeds' number formats.
import assert from "node:assert/strict";
import { mfaRequirement, targets } from "../supabase/functions/_shared/posture/conditional-access.ts";
import { complianceFacts } from "../supabase/functions/_shared/posture/compliance.ts";
import { failureOf } from "../supabase/functions/_shared/posture/failures.ts";
import { percent, share, usDate } from "../supabase/functions/_shared/posture/format.ts";
import { licenseFacts } from "../supabase/functions/_shared/posture/licenses.ts";
import { mfaFacts, mfaView } from "../supabase/functions/_shared/posture/mfa.ts";
import { registeredFromMethods } from "../supabase/functions/_shared/posture/registration.ts";
import { numberCell, parseReport } from "../supabase/functions/_shared/posture/report-csv.ts";
import { secureScoreFacts } from "../supabase/functions/_shared/posture/secure-score.ts";
import type { CaPolicy, GraphUser } from "../supabase/functions/_shared/posture/sources.ts";

const NOW = new Date("2026-01-15T10:00:00Z");

function policy(p: {
  state?: string;
  grant?: { operator?: string; builtInControls?: string[]; strength?: string } | null;
  users?: Partial<CaPolicy["conditions"]["users"]>;
  apps?: string[];
  clientAppTypes?: string[];
  signInRiskLevels?: string[];
  locations?: unknown;
}): CaPolicy {
  return {
    id: crypto.randomUUID(),
    displayName: "policy",
    state: p.state ?? "enabled",
    conditions: {
      clientAppTypes: p.clientAppTypes ?? ["all"],
      signInRiskLevels: p.signInRiskLevels ?? [],
      userRiskLevels: [],
      locations: p.locations ?? null,
      platforms: null,
      applications: { includeApplications: p.apps ?? ["All"] },
      users: {
        includeUsers: [],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
        ...p.users,
      },
    },
    grantControls: p.grant === null ? null : {
      operator: p.grant?.operator ?? "OR",
      builtInControls: p.grant?.builtInControls ?? ["mfa"],
      authenticationStrength: p.grant?.strength ? { requirementsSatisfied: p.grant.strength } : null,
    },
  };
}

const person = (id: string, extra: Partial<GraphUser> = {}): GraphUser => ({
  id,
  displayName: id,
  mail: null,
  userPrincipalName: `${id}@x.test`,
  department: null,
  jobTitle: null,
  accountEnabled: true,
  userType: "Member",
  assignedLicenses: [],
  lastPasswordChangeDateTime: null,
  ...extra,
});

Deno.test("conditional access: what demands MFA, and of whom", () => {
  assert.equal(mfaRequirement(policy({})), "always");
  assert.equal(
    mfaRequirement(policy({ grant: { builtInControls: ["mfa", "compliantDevice"] } })),
    "none",
    "OR",
  );
  assert.equal(
    mfaRequirement(policy({ grant: { operator: "AND", builtInControls: ["mfa", "compliantDevice"] } })),
    "always",
  );
  assert.equal(
    mfaRequirement(policy({ grant: { builtInControls: [], strength: "mfa" } })),
    "always",
    "strength",
  );
  assert.equal(mfaRequirement(policy({ grant: { builtInControls: ["block"] } })), "none");
  assert.equal(mfaRequirement(policy({ grant: null })), "none");
  assert.equal(mfaRequirement(policy({ signInRiskLevels: ["high"] })), "conditional");
  assert.equal(mfaRequirement(policy({ apps: ["797f4846-ba00-4fd7-ba43-dac1f8f63013"] })), "conditional");
  assert.equal(mfaRequirement(policy({ clientAppTypes: ["browser"] })), "conditional");
  assert.equal(mfaRequirement(policy({ locations: { includeLocations: ["All"] } })), "conditional");

  const who = (groupIds: string[] = [], roleIds: string[] = [], guest = false) => ({
    id: "u1",
    guest,
    groupIds: new Set(groupIds),
    roleIds: new Set(roleIds),
  });
  assert.ok(targets(policy({ users: { includeUsers: ["All"] } }), who()));
  assert.ok(
    !targets(policy({ users: { includeUsers: ["All"], excludeUsers: ["u1"] } }), who()),
    "exclusion wins",
  );
  assert.ok(
    targets(policy({ users: { includeGroups: ["parent"] } }), who(["child", "parent"])),
    "nested group",
  );
  assert.ok(!targets(policy({ users: { includeUsers: ["All"], excludeGroups: ["child"] } }), who(["child"])));
  assert.ok(targets(policy({ users: { includeRoles: ["role-template"] } }), who([], ["role-template"])));
  assert.ok(!targets(policy({ users: { includeGroups: ["g"] } }), who()));
  assert.ok(targets(policy({ users: { includeUsers: ["GuestsOrExternalUsers"] } }), who([], [], true)));
  assert.ok(!targets(policy({ users: { includeUsers: ["GuestsOrExternalUsers"] } }), who()));
});

Deno.test("MFA coverage: per-user, security defaults or an enabled always-MFA policy; nothing else", () => {
  const people = ["perUser", "perUserEnabled", "byGroup", "reportOnly", "orGrant", "disabledPolicy", "none"]
    .map((id) => person(id));
  const inputs = {
    people,
    securityDefaults: false,
    policies: [
      policy({ users: { includeGroups: ["pilot"] } }),
      policy({ state: "enabledForReportingButNotEnforced", users: { includeUsers: ["reportOnly"] } }),
      policy({
        grant: { builtInControls: ["mfa", "compliantDevice"] },
        users: { includeUsers: ["orGrant"] },
      }),
      policy({ state: "disabled", users: { includeUsers: ["disabledPolicy"] } }),
    ],
    groupsOf: new Map([["byGroup", new Set(["pilot"])]]),
    rolesOf: new Map(),
    perUser: new Map([["perUser", "enforced" as const], ["perUserEnabled", "enabled" as const]]),
    registered: {
      source: "report" as const,
      byUser: new Map([["none", { mfa: true, methods: ["mobilePhone"] }]]),
    },
  };
  const facts = mfaFacts(inputs, NOW);
  assert.equal(facts.total_users, 7);
  assert.equal(facts.mfa_enabled, 3);
  assert.equal(facts.per_user_mfa, 2);
  assert.equal(facts.conditional_access, 1);
  assert.equal(facts.mfa_registered, 1, "registered is not required");
  const [view] = mfaView(facts);
  assert.equal(view.percentage, "42.9%");
  assert.equal(view.status, "Partially Compliant");
  assert.equal(view.details.measurement_date, NOW.toISOString());

  const defaults = mfaFacts({ ...inputs, securityDefaults: true }, NOW);
  assert.equal(mfaView(defaults)[0].percentage, "100%");
  assert.equal(defaults.security_defaults, 7);
  assert.equal(defaults.status, "Compliant");
  assert.equal(mfaFacts({ ...inputs, people: [] }, NOW).status, "Not Measured");
});

Deno.test("registered methods are named as the registration report names them", () => {
  assert.deepEqual(registeredFromMethods(["#microsoft.graph.passwordAuthenticationMethod"]), {
    mfa: false,
    methods: [],
  });
  assert.deepEqual(
    registeredFromMethods([
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.emailAuthenticationMethod",
    ]),
    { mfa: false, methods: ["email"] },
    "email is not a second factor",
  );
  assert.deepEqual(
    registeredFromMethods([
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      "#microsoft.graph.fido2AuthenticationMethod",
      "#microsoft.graph.fido2AuthenticationMethod",
    ]),
    { mfa: true, methods: ["microsoftAuthenticatorPush", "passKeyDeviceBound"] },
  );
});

Deno.test("licences: buckets by SKU GUID, free SKUs left out, overuse and viral pools", () => {
  const sku = (
    skuId: string,
    skuPartNumber: string,
    consumed: number,
    enabled: number,
    status = "Enabled",
  ) => ({
    skuId,
    skuPartNumber,
    capabilityStatus: status,
    consumedUnits: consumed,
    prepaidUnits: { enabled, warning: 0, suspended: 0 },
  });
  const facts = licenseFacts(
    [
      sku("f245ecc8-75af-4f8e-b61f-27d8114de5f3", "O365_BUSINESS_PREMIUM", 8, 9),
      sku("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB", 12, 10),
      sku("3b555118-da6a-4418-894f-7df1e2096870", "O365_BUSINESS_ESSENTIALS", 3, 3),
      sku("11111111-2222-3333-4444-555555555555", "SOMETHING_NEW", 2, 20_000),
      sku("a403ebcc-fae0-4ca2-8c8c-7a907fd6c235", "POWER_BI_STANDARD", 5, 1_000_000),
      sku("05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", 4, 4, "Deleted"),
    ],
    30,
    NOW,
  );
  assert.deepEqual(
    facts.license_details.map((d) => [d.skuPartNumber, d.category, d.friendlyName]),
    [
      ["SPB", "Premium", "Microsoft 365 Business Premium"],
      ["O365_BUSINESS_PREMIUM", "Standard", "Microsoft 365 Business Standard"],
      ["O365_BUSINESS_ESSENTIALS", "Basic", "Microsoft 365 Business Basic"],
      ["SOMETHING_NEW", "Others", "SOMETHING_NEW"],
    ],
  );
  const spb = facts.license_details[0];
  assert.deepEqual([spb.assigned, spb.available, spb.unassigned, spb.utilization, spb.overused], [
    12,
    "10",
    -2,
    120,
    true,
  ]);
  assert.equal(facts.license_details[3].available, "Unlimited");
  assert.deepEqual(
    [facts.basic_count, facts.standard_count, facts.premium_count, facts.others_count, facts.total_users],
    [3, 8, 12, 2, 30],
  );
});

Deno.test("Secure Score: improvement actions by points left, completed at 100 %, deprecated left out", () => {
  const control = (controlName: string, score: number, scoreInPercentage: number) => ({
    controlName,
    controlCategory: "Identity",
    description: controlName,
    score,
    scoreInPercentage,
    implementationStatus: null,
    lastSynced: null,
  });
  const profile = (id: string, maxScore: number, rank: number, deprecated = false) => ({
    id,
    title: `Title of ${id}`,
    maxScore,
    rank,
    deprecated,
  });
  const facts = secureScoreFacts({
    createdDateTime: "2026-01-14T03:00:00Z",
    currentScore: 21.5,
    maxScore: 43,
    activeUserCount: 3,
    licensedUserCount: 4,
    controlScores: [
      control("done", 10, 100),
      control("half", 4, 50),
      control("none", 0, 0),
      control("tied", 0, 0),
      control("old", 0, 0),
      control("small", 0, 0),
      control("tiny", 0, 0),
      control("least", 0, 0),
    ],
  }, [
    profile("done", 10, 1),
    profile("half", 8, 2),
    profile("none", 9, 5),
    profile("tied", 9, 3),
    profile("old", 20, 1, true),
    profile("small", 2, 9),
    profile("tiny", 1, 9),
    profile("least", 1, 10),
  ]);
  assert.deepEqual(facts.all_improvement_actions.map((a) => a.controlName), [
    "tied",
    "none",
    "half",
    "small",
    "tiny",
    "least",
  ]);
  assert.deepEqual(facts.top_improvement_actions.map((a) => a.controlName), [
    "tied",
    "none",
    "half",
    "small",
    "tiny",
  ]);
  assert.deepEqual(facts.completed_actions.map((a) => [a.controlName, a.points, a.completed]), [[
    "done",
    "+10 pts",
    true,
  ]]);
  const half = facts.all_improvement_actions[2];
  assert.deepEqual([half.friendlyName, half.points, half.potentialPoints, half.impactLevel], [
    "Title of half",
    "+4 pts",
    4,
    "High Impact",
  ]);
  assert.equal(facts.percentage, 50);
  assert.equal(facts.score_date, "2026-01-14");
});

Deno.test("compliance: the checks and the overall score over measured checks", () => {
  const facts = complianceFacts({
    policies: [],
    securityDefaults: true,
    score: {
      createdDateTime: "x",
      currentScore: 30,
      maxScore: 100,
      activeUserCount: 0,
      licensedUserCount: 0,
      controlScores: [],
    },
    profiles: [],
    intune: null,
  }, NOW);
  const status = Object.fromEntries(facts.policies.map((p) => [p.id, p.status]));
  assert.deepEqual(status, {
    "policy-deviceCompliancePolicies": "Not Measured",
    "policy-deviceCompliance": "Not Measured",
    "policy-adminMfa": "Compliant",
    "policy-userMfa": "Compliant",
    "policy-legacyAuthentication": "Compliant",
    "policy-secureScore": "Not Compliant",
    "policy-passwordExpiration": "Not Measured",
    "policy-auditLogSearch": "Not Measured",
    "policy-signInRiskPolicy": "Not Measured",
  });
  assert.equal(facts.score_percentage, 75, "3 of 4 measured checks compliant");
  assert.equal(facts.status, "Partially Compliant");
  assert.deepEqual(facts.breakdown.not_measured, { count: 5, label: "Not Measured" });
});

Deno.test("usage report CSV: BOM, CRLF, quoted cells, empty cells", () => {
  const rows = parseReport(
    '\uFEFFUser Principal Name,Display Name,Item Count\r\na@x.test,"Doe, ""Jo""",12\r\nb@x.test,,\r\n',
  );
  assert.deepEqual(rows, [
    { "User Principal Name": "a@x.test", "Display Name": 'Doe, "Jo"', "Item Count": "12" },
    { "User Principal Name": "b@x.test", "Display Name": "", "Item Count": "" },
  ]);
  assert.equal(numberCell(rows[0], "Item Count"), 12);
  assert.equal(numberCell(rows[1], "Item Count"), null);
  assert.equal(numberCell(undefined, "Item Count"), null);
});

Deno.test("failures: licences are answers, not errors; throttling and refusals say so", () => {
  const status = (code: number, error: string, message = "") => failureOf(code, error, message).status;
  assert.equal(status(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"), "unlicensed");
  assert.equal(status(403, "Forbidden", "Your tenant is not licensed for this feature."), "unlicensed");
  assert.equal(status(400, "BadRequest", "Request not applicable to target tenant."), "unlicensed");
  assert.equal(
    status(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
    "forbidden",
  );
  assert.equal(status(401, "InvalidAuthenticationToken"), "forbidden");
  assert.equal(status(429, "TooManyRequests"), "throttled");
  assert.equal(status(503, "serviceNotAvailable"), "error");
});

Deno.test("the seeds' formats: percentages and dates", () => {
  assert.equal(percent(share(22, 39)), "56.4%");
  assert.equal(percent(share(23, 100)), "23%");
  assert.equal(percent(share(0, 0)), "0%");
  assert.equal(usDate(new Date("2025-09-06T23:59:00Z")), "09/06/2025");
});
