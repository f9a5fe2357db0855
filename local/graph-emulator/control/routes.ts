// /_emulator/*: the control API for tests, benchmarks and demos (JSON, no auth; see README.md).
import { Hono } from "hono";
import { z } from "zod";
import { Counters } from "../core/counters.ts";
import { AADSTS } from "../identity/aadsts.ts";
import type { EmulatorPlugin } from "../plugin.ts";
import type { Runtime } from "../runtime.ts";
import { THROTTLE_CLASSES } from "../throttle/classes.ts";
import { SIZES } from "../world/types.ts";
import { directoryRoutes } from "./directory-routes.ts";
import { InputError, readJson } from "./input.ts";

const FaultInput = z.object({
  id: z.string().optional(),
  path: z.string().optional(),
  method: z.string().optional(),
  clientId: z.string().optional(),
  tenantId: z.string().optional(),
  status: z.union([
    z.literal(401),
    z.literal(429),
    z.literal(500),
    z.literal(502),
    z.literal(503),
    z.literal(504),
  ])
    .optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  retryAfter: z.number().nonnegative().nullable().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  hold: z.boolean().optional(),
  rate: z.number().min(0).max(1).optional(),
  count: z.number().int().positive().optional(),
});

const Limits = z.object({
  limit: z.number().int().positive().optional(),
  windowMs: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().optional(),
});

const KnobScope = {
  tenant: z.string().optional(),
  clientId: z.string().optional(),
  user: z.string().optional(),
  times: z.number().int().positive().optional(),
};

const DAY = 86_400_000;

export function controlRoutes(rt: Runtime, plugins: readonly EmulatorPlugin[]): Hono {
  const app = new Hono();
  app.onError((e, c) => {
    if (e instanceof InputError) return c.json({ error: e.message }, 400);
    console.error("graph emulator: control route failed", e);
    return c.json({ error: String(e) }, 500);
  });

  app.get(
    "/health",
    (c) =>
      c.json({ status: "ok", seed: rt.world.seed, size: rt.world.size, tenants: rt.world.tenants.length }),
  );

  app.post("/reset", async (c) => {
    const input = await readJson(
      c,
      z.object({
        seed: z.number().int().optional(),
        size: z.enum(SIZES).optional(),
        options: z.record(z.string(), z.unknown()).optional(),
      }),
    );
    rt.reset({
      seed: input.seed ?? rt.worldOptions.seed,
      size: input.size ?? rt.worldOptions.size,
      options: input.options ?? {},
    });
    return c.json({ seed: rt.world.seed, size: rt.world.size });
  });

  const clockJson = () => ({ now: new Date(rt.clock.now()).toISOString(), offsetMs: rt.clock.offsetMs });
  app.get("/clock", (c) => c.json(clockJson()));
  app.post("/clock", async (c) => {
    const input = await readJson(
      c,
      z.object({
        set: z.iso.datetime().optional(),
        seconds: z.number().nonnegative().default(0),
        minutes: z.number().nonnegative().default(0),
        hours: z.number().nonnegative().default(0),
        days: z.number().nonnegative().default(0),
      }),
    );
    try {
      if (input.set) rt.clock.set(Date.parse(input.set));
      rt.clock.advance(
        ((input.days * 24 + input.hours) * 60 + input.minutes) * 60_000 + input.seconds * 1000,
      );
    } catch (e) {
      throw new InputError(String((e as Error).message));
    }
    return c.json(clockJson());
  });

  app.get("/faults", (c) => c.json({ rules: rt.faults.rules, held: rt.faults.heldCount }));
  app.post("/faults", async (c) => c.json(rt.faults.add(await readJson(c, FaultInput)), 201));
  app.delete("/faults", (c) => {
    rt.faults.clear();
    return c.body(null, 204);
  });
  app.delete(
    "/faults/:id",
    (c) => rt.faults.remove(c.req.param("id")) ? c.body(null, 204) : c.json({ error: "no such rule" }, 404),
  );
  app.post("/faults/release", (c) => c.json({ released: rt.faults.release() }));

  const throttlingJson = () => ({
    enabled: rt.throttles.enabled,
    classes: Object.fromEntries(THROTTLE_CLASSES.map((tc) => [tc.name, rt.throttles.limits(tc)])),
  });
  app.get("/throttling", (c) => c.json(throttlingJson()));
  app.put("/throttling", async (c) => {
    const input = await readJson(
      c,
      z.object({ enabled: z.boolean().optional(), classes: z.record(z.string(), Limits).optional() }),
    );
    if (input.enabled !== undefined) rt.throttles.enabled = input.enabled;
    for (const [name, limits] of Object.entries(input.classes ?? {})) {
      if (!THROTTLE_CLASSES.some((tc) => tc.name === name)) {
        throw new InputError(`unknown throttle class '${name}'`);
      }
      rt.throttles.overrides.set(name, { ...rt.throttles.overrides.get(name), ...limits });
    }
    return c.json(throttlingJson());
  });

  app.get("/counters", (c) => c.json(rt.counters.snapshot()));
  app.post("/counters/reset", (c) => {
    rt.counters = new Counters();
    return c.json(rt.counters.snapshot());
  });

  app.get("/identity/settings", (c) => c.json(rt.identity.settings));
  app.patch("/identity/settings", async (c) => {
    const input = await readJson(
      c,
      z.object({
        accessTokenLifetimeSeconds: z.number().int().positive().optional(),
        codeLifetimeSeconds: z.number().int().positive().optional(),
        refreshTokenInactivityDays: z.number().positive().optional(),
        invalidateRotatedRefreshTokens: z.boolean().optional(),
      }),
    );
    Object.assign(rt.identity.settings, input);
    return c.json(rt.identity.settings);
  });

  app.post("/identity/authorize-outcomes", async (c) => {
    const input = await readJson(
      c,
      z.object({
        outcome: z.enum(["access_denied", "consent_required", "interaction_required", "login_required"]),
        ...KnobScope,
      }),
    );
    const { outcome, ...scope } = input;
    rt.identity.authorizeOutcomes.push({ value: outcome, ...scope });
    return c.json({ outcomes: rt.identity.authorizeOutcomes }, 201);
  });
  app.delete("/identity/authorize-outcomes", (c) => {
    rt.identity.authorizeOutcomes = [];
    return c.body(null, 204);
  });

  app.post("/identity/token-faults", async (c) => {
    const input = await readJson(
      c,
      z.object({
        code: z.number().int(),
        grantType: z.string().optional(),
        retryAfter: z.number().nonnegative().optional(),
        ...KnobScope,
      }),
    );
    if (!AADSTS[input.code]) throw new InputError(`AADSTS${input.code} is not in the catalogue`);
    const { code, retryAfter, ...scope } = input;
    rt.identity.tokenFaults.push({
      value: { code, retryAfter: retryAfter ?? null },
      ...scope,
      times: scope.times ?? 1,
    });
    return c.json({ faults: rt.identity.tokenFaults }, 201);
  });
  app.delete("/identity/token-faults", (c) => {
    rt.identity.tokenFaults = [];
    return c.body(null, 204);
  });

  app.post("/identity/age", async (c) => {
    const input = await readJson(
      c,
      z.object({
        days: z.number().positive(),
        kind: z.enum(["refresh", "access", "code", "all"]).default("all"),
        user: z.string().optional(),
        clientId: z.string().optional(),
      }),
    );
    const shift = input.days * DAY;
    const applies = (r: { userId: string | null; clientId: string }) =>
      (!input.clientId || r.clientId.toLowerCase() === input.clientId.toLowerCase()) &&
      (!input.user || r.userId === userId(rt, input.user));
    const id = rt.identity;
    const refresh = input.kind === "refresh" || input.kind === "all"
      ? [...id.refreshTokens.values()].filter(applies)
      : [];
    const access = input.kind === "access" || input.kind === "all"
      ? [...id.accessTokens.values()].filter(applies)
      : [];
    const codes = input.kind === "code" || input.kind === "all" ? [...id.codes.values()].filter(applies) : [];
    for (const r of [...refresh, ...access, ...codes]) r.issuedAt -= shift;
    for (const r of access) r.expiresAt -= shift;
    const aged = refresh.length + access.length + codes.length;
    return c.json({ aged });
  });

  directoryRoutes(app, rt);
  for (const p of plugins) {
    if (!p.control) continue;
    const sub = new Hono();
    p.control(sub, rt);
    app.route(`/${p.name}`, sub);
  }
  return app;
}

function userId(rt: Runtime, key: string): string | null {
  for (const t of rt.world.tenants) {
    const u = t.usersById.get(key) ?? t.usersByUpn.get(key.toLowerCase());
    if (u) return u.id;
  }
  return null;
}
