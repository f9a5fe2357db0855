// Throttling and fault injection (notes §2.4, §10): Outlook's per-mailbox concurrency and window,
// the other throttle classes through a plugin endpoint, switchable 429/503/504 faults.
import assert from "node:assert/strict";
import { endpoint } from "../../local/graph-emulator/graph/endpoint.ts";
import { DIRECTORY } from "../../local/graph-emulator/graph/workloads.ts";
import type { EmulatorPlugin } from "../../local/graph-emulator/plugin.ts";
import { DEFAULT_PLUGINS } from "../../local/graph-emulator/plugins.ts";
import { CONDITIONAL_ACCESS, IDENTITY_REPORTS } from "../../local/graph-emulator/throttle/classes.ts";
import { appToken, graph, type Harness, statusOf, tenantUsers, withEmulator } from "./harness.ts";

const FRACTIONAL_SECONDS = /^\d+(\.\d{1,3})?$/;

async function mailboxes(h: Harness): Promise<string[]> {
  return (await tenantUsers(h)).filter((u) => u.mailbox).map((u) => u.id);
}

Deno.test(
  "Outlook: a 5th concurrent request to one mailbox gets 429 ApplicationThrottled; other mailboxes are unaffected",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const [mailbox, other] = await mailboxes(h);
    // Park requests inside the endpoint (holding their slots) so concurrency is certain, not timed.
    await h.control("faults", { path: `/users/${mailbox}/mailboxSettings`, hold: true });
    const five = Array.from({ length: 5 }, () => graph(h, `/users/${mailbox}/mailboxSettings`, token));
    const first = await Promise.race(five);
    assert.equal(first.status, 429);
    assert.match(first.headers.get("Retry-After")!, FRACTIONAL_SECONDS);
    assert.deepEqual(await first.json(), {
      error: { code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." },
    });
    const elsewhere = await graph(h, `/users/${other}/mailboxSettings`, token);
    assert.equal(elsewhere.status, 200);
    await elsewhere.body?.cancel();
    await h.control("faults", undefined, "DELETE");
    const statuses = (await Promise.all((await Promise.all(five)).map(statusOf))).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    const c = await h.control<{ throttled: { total: number; byClass: Record<string, number> } }>("counters");
    assert.deepEqual(c.throttled, { total: 1, byClass: { outlook: 1 } });
  }),
);

Deno.test(
  "Outlook: 10,000 requests per 10 minutes per app and mailbox; the clock reopens the window",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const [mailbox, other] = await mailboxes(h);
    // In-process (no TLS) so ten thousand requests stay quick.
    const call = (id: string) =>
      h.emulator.handler(
        new Request(`${h.origin}/v1.0/users/${id}/mailboxSettings`, {
          headers: { Authorization: `Bearer ${token}` },
        }),
      );
    for (let i = 0; i < 10_000; i++) {
      const r = await call(mailbox);
      if (r.status !== 200) assert.fail(`request ${i} got ${r.status}`);
      await r.body?.cancel();
    }
    const over = await call(mailbox);
    assert.equal(over.status, 429);
    const retryAfter = Number(over.headers.get("Retry-After"));
    assert.ok(retryAfter > 0 && retryAfter <= 600, `Retry-After ${retryAfter}`);
    await over.body?.cancel();
    assert.equal((await call(other)).status, 200);
    await h.control("clock", { minutes: 10, seconds: 1 });
    assert.equal((await call(mailbox)).status, 200);
  }),
);

const probe = (path: string, throttle: typeof CONDITIONAL_ACCESS) =>
  endpoint({
    method: "GET",
    path,
    permissions: { application: ["Policy.Read.All"] },
    workload: DIRECTORY,
    throttle: [throttle],
    handler: () => ({ status: 200, body: { value: [] } }),
  });

const probePlugin: EmulatorPlugin = {
  name: "probe",
  endpoints: [
    probe("/probe/conditionalAccess", CONDITIONAL_ACCESS),
    probe("/probe/identityReports", IDENTITY_REPORTS),
  ],
  control(routes) {
    routes.get("/ping", (c) => c.json({ pong: true }));
  },
};

Deno.test(
  "throttle classes from a plugin: CA 1 rps/tenant without Retry-After; identity reports 5 per 10 s",
  withEmulator(async (h) => {
    assert.deepEqual(await h.control("probe/ping"), { pong: true });
    const token = await appToken(h);
    assert.equal((await graph(h, "/probe/conditionalAccess", token)).status, 200);
    const ca = await graph(h, "/probe/conditionalAccess", token);
    assert.equal(ca.status, 429);
    assert.equal(ca.headers.get("Retry-After"), null);
    const body = await ca.json();
    assert.equal(body.error.code, "TooManyRequests");
    assert.equal(body.error.innerError.status, "429");
    await h.control("clock", { seconds: 1 });
    assert.equal((await graph(h, "/probe/conditionalAccess", token)).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await graph(h, "/probe/identityReports", token)).status, 200);
    const reports = await graph(h, "/probe/identityReports", token);
    assert.equal(reports.status, 429);
    assert.match(reports.headers.get("Retry-After")!, FRACTIONAL_SECONDS);
    await reports.body?.cancel();
    // Limits are adjustable (or off) through the control API.
    await h.control("throttling", { classes: { identityReports: { limit: 100 } } }, "PUT");
    assert.equal((await graph(h, "/probe/identityReports", token)).status, 200);
  }, { plugins: [...DEFAULT_PLUGINS, probePlugin] }),
);

Deno.test(
  "faults by count: 503 with Retry-After, 504 without, 429 with Retry-After omitted on request",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const user = (await tenantUsers(h))[0].id;
    await h.control("faults", { path: "/users/*", status: 503, retryAfter: 1.5, count: 1 });
    const r503 = await graph(h, `/users/${user}`, token);
    assert.equal(r503.status, 503);
    assert.equal(r503.headers.get("Retry-After"), "1.5");
    assert.equal((await r503.json()).error.code, "serviceNotAvailable");
    assert.equal((await graph(h, `/users/${user}`, token)).status, 200, "count 1 fired once");
    await h.control("faults", { path: "/users/{user}", status: 504, count: 1 });
    const r504 = await graph(h, `/users/${user}`, token);
    assert.equal(r504.status, 504);
    assert.equal(r504.headers.get("Retry-After"), null);
    await r504.body?.cancel();
    await h.control("faults", { status: 429, retryAfter: null, count: 1, method: "GET" });
    const r429 = await graph(h, "/users?$top=1", token);
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get("Retry-After"), null);
    assert.equal((await r429.json()).error.code, "TooManyRequests");
    // Exchange endpoints throttle in Exchange's words.
    const mailbox = (await mailboxes(h))[0];
    await h.control("faults", { path: "/users/*/mailboxSettings", status: 429, count: 1 });
    const ex = await graph(h, `/users/${mailbox}/mailboxSettings`, token);
    assert.match(ex.headers.get("Retry-After")!, FRACTIONAL_SECONDS);
    assert.equal((await ex.json()).error.code, "ApplicationThrottled");
    const c = await h.control<{ faultsInjected: number; throttled: { byClass: Record<string, number> } }>(
      "counters",
    );
    assert.equal(c.faultsInjected, 4);
    assert.equal(c.throttled.byClass.fault, 2);
  }),
);

Deno.test("faults by rate are seeded: the same seed hits the same requests", async () => {
  const pattern = async () => {
    const statuses: number[] = [];
    await withEmulator(async (h) => {
      const token = await appToken(h);
      await h.control("faults", { path: "/organization", status: 503, rate: 0.3 });
      for (let i = 0; i < 40; i++) {
        const r = await graph(h, "/organization", token);
        statuses.push(r.status);
        await r.body?.cancel();
      }
    }, { seed: 42 })();
    return statuses;
  };
  const a = await pattern();
  assert.deepEqual(await pattern(), a);
  assert.ok(a.includes(503) && a.includes(200));
});
