// /_emulator/posture/…: change a tenant's posture for a test (security defaults, a policy's state,
// a user's MFA, a device's compliance, concealed report names, licensing, an overused SKU, one more
// Secure Score day) and read its ground truth. Changes that Microsoft refuses are refused with 409.
import type { Hono } from "hono";
import { z } from "zod";
import { InputError, readJson } from "../control/input.ts";
import type { Runtime } from "../runtime.ts";
import type { Tenant } from "../world/types.ts";
import { PLANS_BY_SERVICE } from "./catalogue/service-groups.ts";
import { POSTURE_PLANS } from "./catalogue/tenant-plans.ts";
import { downloadLog, expireDownloads } from "./reports/downloads.ts";
import { postureOf, type PostureTenant } from "./state.ts";
import { postureSummary } from "./summary.ts";
import { METHOD_KINDS, type MethodKind, methodPayload, perUserState } from "./world/authentication.ts";
import { view } from "./world/conditional-access.ts";
import { NO_GRACE_PERIOD } from "./world/devices.ts";
import { membershipOf } from "./world/groups.ts";
import { consumedUnits, describeAssignments, organizationPlans } from "./world/licenses.ts";
import { measureControls, snapshot } from "./world/secure-score.ts";

const DAY = 86_400_000;

class Conflict extends Error {}

export function postureControl(routes: Hono, rt: Runtime): void {
  routes.onError((e, c) => {
    if (e instanceof InputError) return c.json({ error: e.message }, 400);
    if (e instanceof Conflict) return c.json({ error: e.message }, 409);
    throw e;
  });
  const target = (key: string): { tenant: Tenant; posture: PostureTenant } => {
    // A tenant id, a verified domain, or the profile key (contoso, fabrikam, …).
    const tenant = rt.tenant(key) ?? rt.world.tenants.find((t) => t.profile.key === key.toLowerCase());
    if (!tenant) throw new InputError(`unknown tenant '${key}'`);
    return { tenant, posture: postureOf(rt.world, tenant) };
  };

  routes.get("/tenants/:tenant", (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    return c.json(postureSummary(tenant, posture));
  });

  routes.put("/tenants/:tenant/security-defaults", async (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    const { isEnabled } = await readJson(c, z.object({ isEnabled: z.boolean() }));
    if (isEnabled && posture.policies.some((p) => view(p).state === "enabled")) {
      throw new Conflict("security defaults cannot be enabled while conditional access policies are enabled");
    }
    tenant.profile.features.securityDefaults = isEnabled;
    return c.json({ isEnabled });
  });

  routes.patch("/tenants/:tenant/conditional-access/:policy", async (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    const { state } = await readJson(
      c,
      z.object({ state: z.enum(["enabled", "disabled", "enabledForReportingButNotEnforced"]) }),
    );
    const key = c.req.param("policy").toLowerCase();
    const policy = posture.policies.find((p) =>
      view(p).id === key || view(p).displayName.toLowerCase() === key
    );
    if (!policy) throw new InputError(`no conditional access policy '${c.req.param("policy")}'`);
    if (state === "enabled" && tenant.profile.features.securityDefaults) {
      throw new Conflict("conditional access policies cannot be enabled while security defaults are on");
    }
    policy.state = state;
    policy.modifiedDateTime = new Date(rt.clock.now()).toISOString();
    return c.json({ id: policy.id, state });
  });

  routes.put("/tenants/:tenant/users/:user/mfa", async (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    const input = await readJson(
      c,
      z.object({
        perUserMfaState: z.enum(["disabled", "enabled", "enforced"]).optional(),
        methods: z.array(z.enum(METHOD_KINDS as [MethodKind, ...MethodKind[]])).optional(),
      }),
    );
    const key = c.req.param("user");
    const user = tenant.usersById.get(key) ?? tenant.usersByUpn.get(key.toLowerCase());
    if (!user) throw new InputError(`unknown user '${key}'`);
    const auth = posture.auth.get(user.id)!;
    const now = rt.clock.now();
    if (input.methods) {
      const kinds: MethodKind[] = ["password", ...input.methods.filter((k) => k !== "password")];
      const ctx = { user, tenant, random: rt.random, after: now - DAY, epoch: now, windowsDeviceName: null };
      auth.methods = kinds.map((k) => methodPayload(k, ctx));
      auth.updated = now;
    }
    auth.perUserMfaState = perUserState(input.perUserMfaState ?? auth.perUserMfaState, auth.methods);
    return c.json({
      perUserMfaState: auth.perUserMfaState,
      methods: auth.methods.map((m) => m["@odata.type"]),
    });
  });

  routes.patch("/tenants/:tenant/devices/:device", async (c) => {
    const { posture } = target(c.req.param("tenant"));
    const { complianceState } = await readJson(
      c,
      z.object({
        complianceState: z.enum([
          "compliant",
          "noncompliant",
          "inGracePeriod",
          "unknown",
          "error",
          "conflict",
        ]),
      }),
    );
    const device = posture.devices.find((d) => d.id === c.req.param("device"));
    if (!device) throw new InputError(`no managed device '${c.req.param("device")}'`);
    device.complianceState = complianceState;
    device.complianceGracePeriodExpirationDateTime = complianceState === "inGracePeriod"
      ? new Date(rt.clock.now() + 3 * DAY).toISOString()
      : NO_GRACE_PERIOD;
    return c.json({ id: device.id, complianceState });
  });

  routes.put("/tenants/:tenant/report-settings", async (c) => {
    const { posture } = target(c.req.param("tenant"));
    const { displayConcealedNames } = await readJson(c, z.object({ displayConcealedNames: z.boolean() }));
    posture.concealedNames = displayConcealedNames;
    return c.json({ displayConcealedNames });
  });

  routes.post("/tenants/:tenant/secure-score/days", async (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    const { days } = await readJson(c, z.object({ days: z.number().int().min(1).max(90).default(1) }));
    const ctx = {
      tenant,
      posture,
      membership: membershipOf(posture.groups),
      configControls: POSTURE_PLANS[posture.key].configControls,
    };
    const controls = measureControls(ctx);
    for (let i = 0; i < days; i++) {
      const at = posture.secureScores[0].createdDateTime + DAY;
      posture.secureScores.unshift(snapshot(ctx, controls, at, 0, rt.random));
    }
    return c.json({
      days: posture.secureScores.length,
      newest: new Date(posture.secureScores[0].createdDateTime),
    });
  });

  routes.put("/tenants/:tenant/licensing", async (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    const input = await readJson(
      c,
      z.object({
        entraP1: z.boolean().optional(),
        entraP2: z.boolean().optional(),
        intune: z.boolean().optional(),
      }),
    );
    const features = tenant.profile.features;
    // P2 includes P1: switching P1 off takes P2 with it, switching P2 on needs P1.
    const entraP1 = input.entraP1 ?? features.entraP1;
    const entraP2 = entraP1 && (input.entraP2 ?? posture.entraP2);
    const intune = input.intune ?? features.intune;
    const gates = [
      { on: entraP1, plans: [...PLANS_BY_SERVICE.entraP1] },
      { on: entraP2, plans: PLANS_BY_SERVICE.entraP2 },
      { on: intune, plans: PLANS_BY_SERVICE.intune },
    ];
    const owned = new Set(posture.skus.flatMap((s) => s.sku.plans.map((p) => p.id)));
    for (const gate of gates) {
      if (gate.on && !gate.plans.some((id) => owned.has(id))) {
        throw new Conflict(
          "the tenant has no SKU with that service plan; the switch only suspends plans it owns",
        );
      }
    }
    posture.disabledPlanIds = gates.filter((g) => !g.on).flatMap((g) => g.plans).filter((id) =>
      owned.has(id)
    );
    Object.assign(features, { entraP1, intune });
    posture.entraP2 = entraP2;
    Object.assign(tenant.organization, organizationPlans(posture.skus, posture.disabledPlanIds));
    for (const user of tenant.users) describeAssignments(user, posture.skus, posture.disabledPlanIds);
    return c.json({ entraP1, entraP2, intune });
  });

  routes.post("/tenants/:tenant/skus/:sku/overuse", async (c) => {
    const { tenant, posture } = target(c.req.param("tenant"));
    const { by } = await readJson(c, z.object({ by: z.number().int().positive().default(1) }));
    const key = c.req.param("sku").toLowerCase();
    const sku = posture.skus.find((s) => s.sku.skuPartNumber.toLowerCase() === key || s.sku.skuId === key);
    if (!sku) throw new InputError(`the tenant has no SKU '${c.req.param("sku")}'`);
    const enabled = sku.subscriptions.filter((s) => s.status === "Enabled");
    if (!enabled.length) throw new Conflict("the SKU has no enabled subscription");
    const others = enabled.slice(1).reduce((n, s) => n + s.totalLicenses, 0);
    enabled[0].totalLicenses = Math.max(0, consumedUnits(tenant, sku.sku) - by - others);
    return c.json({ skuPartNumber: sku.sku.skuPartNumber, enabled: enabled[0].totalLicenses + others });
  });

  routes.get("/report-downloads", (c) => c.json({ downloads: downloadLog(rt) }));
  routes.post("/report-downloads/expire", (c) => c.json({ expired: expireDownloads(rt) }));
}
