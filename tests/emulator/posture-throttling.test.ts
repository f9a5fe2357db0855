// Posture throttles: conditional access allows one request per second per tenant and its 429 has no
// Retry-After; inside $batch a throttled item fails alone, with its own Retry-After when the
// service sends one.
import assert from "node:assert/strict";
import { TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { appToken, graph, withEmulator } from "./harness.ts";

Deno.test(
  "conditional access: a second request in the same second gets 429 without Retry-After; other tenants are unaffected",
  withEmulator(async (h) => {
    const contoso = await appToken(h);
    const fabrikam = await appToken(h, TENANT_IDS.fabrikam);
    const [a, b] = await Promise.all(
      [1, 2].map(() => graph(h, "/identity/conditionalAccess/policies", contoso)),
    );
    const responses = [a, b].sort((x, y) => x.status - y.status);
    assert.deepEqual(responses.map((r) => r.status), [200, 429]);
    assert.equal(responses[1].headers.get("Retry-After"), null);
    assert.equal((await responses[1].json()).error.code, "TooManyRequests");
    await responses[0].body?.cancel();
    const other = await graph(h, "/identity/conditionalAccess/policies", fabrikam);
    assert.equal(other.status, 200, "the limit is per tenant");
    await other.body?.cancel();
    await h.control("clock", { seconds: 1 });
    const later = await graph(h, "/identity/conditionalAccess/policies", contoso);
    assert.equal(later.status, 200);
    await later.body?.cancel();
  }),
);

interface BatchItem {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { error?: { code: string } };
}

Deno.test(
  "$batch of posture reads: throttled items fail alone with their own 429 (Retry-After only where Graph sends one)",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const registration = Array.from({ length: 6 }, (_, i) => ({
      id: `reg${i}`,
      method: "GET",
      url: "/reports/authenticationMethods/userRegistrationDetails?$top=1",
    }));
    const requests = [
      ...registration,
      { id: "ca1", method: "GET", url: "/identity/conditionalAccess/policies" },
      { id: "ca2", method: "GET", url: "identity/conditionalAccess/policies" },
      { id: "skus", method: "GET", url: "/subscribedSkus" },
      { id: "score", method: "GET", url: "/security/secureScores?$top=1" },
      { id: "mailbox", method: "GET", url: "/reports/getMailboxUsageDetail(period='D7')" },
    ];
    const r = await graph(h, "/$batch", token, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ requests }),
    });
    assert.equal(r.status, 200);
    const items: BatchItem[] = (await r.json()).responses;
    const byPrefix = (p: string) => items.filter((i) => i.id.startsWith(p));
    const regThrottled = byPrefix("reg").filter((i) => i.status === 429);
    assert.equal(regThrottled.length, 1, "identity reports: 5 per 10 s per app and tenant");
    assert.ok(Number(regThrottled[0].headers["Retry-After"]) > 0);
    const caStatuses = byPrefix("ca").map((i) => i.status).sort();
    assert.deepEqual(caStatuses, [200, 429]);
    const caThrottled = byPrefix("ca").find((i) => i.status === 429)!;
    assert.equal(caThrottled.headers["Retry-After"], undefined, "conditional access sends none");
    assert.equal(caThrottled.body?.error?.code, "TooManyRequests");
    assert.equal(items.find((i) => i.id === "skus")!.status, 200);
    assert.equal(items.find((i) => i.id === "score")!.status, 200);
    const mailbox = items.find((i) => i.id === "mailbox")!;
    assert.equal(mailbox.status, 302);
    assert.match(mailbox.headers.Location, /\/data\/download\//);
  }),
);
