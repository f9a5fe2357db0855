// JSON batching (notes §6, pitfall 12): limits, ids, urls, dependsOn, per-item status, 429 and
// Outlook's four-at-a-time dispatch.
import assert from "node:assert/strict";
import { batch, get } from "./batch-support.ts";
import { appToken, graph, statusOf, tenantUsers, withEmulator } from "./harness.ts";
import { heldAtLeast, heldCount, releaseUntilSettled } from "./progress.ts";

Deno.test(
  "batch envelope rules: 20 items at most, unique ids, valid payload, Content-Type with a body",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const over = await batch(h, token, Array.from({ length: 21 }, (_, i) => get(String(i), "/organization")));
    assert.equal(over.status, 400);
    assert.deepEqual(
      (over.raw as { error: { message: string } }).error.message,
      "Number of requests inside batch exceeds the limit.",
    );
    const twenty = await batch(
      h,
      token,
      Array.from({ length: 20 }, (_, i) => get(String(i), "/organization")),
    );
    assert.equal(twenty.status, 200);
    assert.equal(twenty.byId.size, 20);
    const dup = await batch(h, token, [get("a", "/organization"), get("A", "/organization")]);
    assert.equal(dup.status, 400);
    const bad = await graph(h, "/$batch", token, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"requests":{}}',
    });
    assert.equal((await bad.json()).error.message, "Invalid batch payload format.");
    const noType = await batch(h, token, [{
      id: "1",
      method: "POST",
      url: "/users",
      body: { displayName: "x" },
    }]);
    assert.equal(noType.status, 400);
    assert.match(
      (noType.raw as { error: { message: string } }).error.message,
      /does not contain Content-Type header/,
    );
    const unauthenticated = await h.fetch("/v1.0/$batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    assert.equal(await statusOf(unauthenticated), 401);
  }),
);

Deno.test(
  "pitfall 12: the batch is 200 while items fail; urls with or without a slash; headers per item",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const user = (await tenantUsers(h))[0];
    const { status, byId, raw } = await batch(h, token, [
      get("1", `/users/${user.id}`),
      get("2", `users/${user.id}?$select=accountEnabled`),
      get("3", "/v1.0/users"),
      get("4", "/users?$count=true&$top=1"),
      get("5", "/users?$count=true&$top=1", { headers: { ConsistencyLevel: "eventual" } }),
      get("6", "/users/$count", { headers: { ConsistencyLevel: "eventual" } }),
    ]);
    assert.equal(status, 200);
    assert.deepEqual([...byId.keys()].sort(), ["1", "2", "3", "4", "5", "6"]);
    assert.equal((raw as { responses: unknown[] }).responses.length, 6);
    assert.equal(byId.get("1")!.status, 200);
    assert.equal(byId.get("1")!.headers["OData-Version"], "4.0");
    assert.deepEqual(byId.get("2")!.body, {
      "@odata.context": `${h.origin}/v1.0/$metadata#users(accountEnabled)/$entity`,
      accountEnabled: true,
    });
    // The Graph SDK 3.0.7 keeps the version in item urls; Graph reads it as a path segment.
    assert.equal(byId.get("3")!.status, 400);
    assert.equal(
      (byId.get("3")!.body as { error: { message: string } }).error.message,
      "Resource not found for the segment 'v1.0'.",
    );
    assert.equal(byId.get("4")!.status, 400);
    assert.equal((byId.get("4")!.body as { error: { code: string } }).error.code, "Request_BadRequest");
    assert.equal(byId.get("5")!.status, 200);
    assert.equal(typeof (byId.get("5")!.body as Record<string, unknown>)["@odata.count"], "number");
    // Non-JSON item bodies come back base64-encoded.
    assert.equal(atob(byId.get("6")!.body as string), String((await tenantUsers(h)).length));
    const c = await h.control<
      { graph: { requests: number; batchItems: number; batchRequests: number; direct: number } }
    >("counters");
    assert.equal(c.graph.batchRequests, 1);
    assert.equal(c.graph.batchItems, 6);
    assert.equal(c.graph.requests, c.graph.direct + 6);
  }),
);

Deno.test(
  "dependsOn: serial chains and one shared dependency; a failed dependency gives 424",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const serial = await batch(h, token, [
      get("1", "/organization"),
      get("2", "/users/00000000-0000-4000-8000-000000000000", { dependsOn: ["1"] }),
      get("3", "/organization", { dependsOn: ["2"] }),
    ]);
    assert.equal(serial.byId.get("1")!.status, 200);
    assert.equal(serial.byId.get("2")!.status, 404);
    assert.equal(serial.byId.get("3")!.status, 424);
    const fan = await batch(h, token, [
      get("root", "/organization"),
      get("a", "/users?$top=1", { dependsOn: ["root"] }),
      get("b", "/users?$top=2", { dependsOn: ["root"] }),
    ]);
    assert.deepEqual([...fan.byId.values()].map((r) => r.status), [200, 200, 200]);
    const mixed = await batch(h, token, [
      get("1", "/organization"),
      get("2", "/organization"),
      get("3", "/organization", { dependsOn: ["1", "2"] }),
    ]);
    assert.equal(mixed.status, 400);
    const unknown = await batch(h, token, [get("1", "/organization", { dependsOn: ["9"] })]);
    assert.equal(unknown.status, 400);
  }),
);

Deno.test(
  "a throttled item is a 429 with Retry-After in its own headers",
  withEmulator(async (h) => {
    const token = await appToken(h);
    await h.control("faults", { path: "/organization", status: 429, retryAfter: 2.128, count: 1 });
    const { status, byId } = await batch(h, token, [get("1", "/organization"), get("2", "/users?$top=1")]);
    assert.equal(status, 200);
    assert.equal(byId.get("1")!.status, 429);
    assert.equal(byId.get("1")!.headers["Retry-After"], "2.128");
    assert.equal(byId.get("2")!.status, 200);
  }),
);

Deno.test(
  "Outlook items run four at a time; with another request on the mailbox, one item is throttled",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const mailbox = (await tenantUsers(h)).find((u) => u.mailbox)!.id;
    const items = Array.from({ length: 8 }, (_, i) => get(String(i), `/users/${mailbox}/mailboxSettings`));
    await h.control("faults", { path: "/users/*/mailboxSettings", hold: true });
    const alone = batch(h, token, items);
    // Graph hands Outlook four items at a time: four park, the rest wait their turn.
    await heldAtLeast(h, 4);
    assert.equal(await heldCount(h), 4);
    await releaseUntilSettled(h, alone);
    assert.deepEqual([...(await alone).byId.values()].map((r) => r.status), Array(8).fill(200));

    const direct = graph(h, `/users/${mailbox}/mailboxSettings`, token);
    await heldAtLeast(h, 1);
    const crowded = batch(h, token, items.slice(0, 4));
    await heldAtLeast(h, 4);
    await h.control("faults", undefined, "DELETE");
    const statuses = [...(await crowded).byId.values()].map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.equal(await statusOf(await direct), 200);
  }),
);
