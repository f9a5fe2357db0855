// The official @microsoft/microsoft-graph-client, unmodified, pointed at the emulator: PageIterator,
// RetryHandler on injected 429/503 and on a real mailbox-concurrency 429, both with fractional
// Retry-After, BatchRequestContent/Response.
import assert from "node:assert/strict";
import {
  AuthenticationHandler,
  BatchRequestContent,
  BatchResponseContent,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  type PageCollection,
  PageIterator,
  RetryHandler,
} from "@microsoft/microsoft-graph-client";
import { appToken, tenantUsers, withEmulator } from "./harness.ts";
import { heldAtLeast } from "./progress.ts";
import { sdkClient, sdkClientWith } from "./sdk.ts";

Deno.test(
  "PageIterator follows the emulator's absolute https nextLinks across pages",
  withEmulator(async (h) => {
    const client = sdkClient(h, await appToken(h));
    const first: PageCollection = await client.api("/users").select("id,displayName").top(25).get();
    assert.ok(first["@odata.nextLink"]);
    const ids: string[] = [];
    await new PageIterator(client, first, (u: { id: string }) => {
      ids.push(u.id);
      return true;
    }).iterate();
    assert.deepEqual(ids, (await tenantUsers(h)).map((u) => u.id));
    const c = await h.control<{ graph: { byEndpoint: Record<string, number> } }>("counters");
    assert.equal(c.graph.byEndpoint["GET /users"], Math.ceil(ids.length / 25));
  }),
);

Deno.test(
  "RetryHandler honours fractional Retry-After on injected 429s and 503s",
  withEmulator(async (h) => {
    const client = sdkClient(h, await appToken(h));
    const user = (await tenantUsers(h))[0];
    await h.control("faults", { path: "/users/{user}", status: 429, retryAfter: 0.25, count: 2 });
    await h.control("faults", { path: "/organization", status: 503, retryAfter: 0.1, count: 1 });
    const got = await client.api(`/users/${user.id}`).get();
    assert.equal(got.id, user.id);
    const org = await client.api("/organization").get();
    assert.equal(org.value.length, 1);
    const c = await h.control<
      { graph: { byEndpoint: Record<string, number>; byStatus: Record<string, number> } }
    >("counters");
    assert.equal(c.graph.byEndpoint["GET /users/{user}"], 3, "two 429s, then success");
    assert.equal(c.graph.byStatus["429"], 2);
    assert.equal(c.graph.byStatus["503"], 1);
  }),
);

/** A test's own middleware behind the RetryHandler: it sees every response before the handler does. */
class Tap implements Middleware {
  #next!: Middleware;
  constructor(private readonly onResponse: (response: Response) => Promise<void>) {}
  async execute(context: Context): Promise<void> {
    await this.#next.execute(context);
    await this.onResponse(context.response!);
  }
  setNext(next: Middleware): void {
    this.#next = next;
  }
}

/** The delays (seconds) the RetryHandler sleeps; it still sleeps them. `sleep` is the SDK's own
 * (private) method, so what it gets is exactly what the handler made of Retry-After. */
function recordSleeps(handler: RetryHandler): number[] {
  const slept: number[] = [];
  const sdk = handler as unknown as { sleep(seconds: number): Promise<void> };
  const sleep = sdk.sleep.bind(handler);
  sdk.sleep = (seconds) => {
    slept.push(seconds);
    return sleep(seconds);
  };
  return slept;
}

Deno.test(
  "pitfall 5: RetryHandler honours the fractional Retry-After of a 429 from real mailbox concurrency (five requests at once), then succeeds",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const mailbox = (await tenantUsers(h)).find((u) => u.mailbox)!.id;
    const path = `/users/${mailbox}/mailboxSettings`;
    // Four requests take the mailbox's four connections and stay there until released.
    await h.control("faults", { path: "/users/{user}/mailboxSettings", hold: true, count: 4 });
    const others = Array.from({ length: 4 }, () => sdkClient(h, token).api(path).get());
    await heldAtLeast(h, 4);

    const seen: { status: number; retryAfter: string | null; code?: string }[] = [];
    const retry = new RetryHandler();
    const slept = recordSleeps(retry);
    const tap = new Tap(async (response) => {
      const code = response.status === 429 ? (await response.clone().json()).error.code : undefined;
      seen.push({ status: response.status, retryAfter: response.headers.get("Retry-After"), code });
      // The fifth request was refused for real; the others now finish, before the handler retries.
      if (response.status === 429) {
        await h.control("faults/release", {});
        await Promise.all(others);
      }
    });
    const client = sdkClientWith(h, [
      new AuthenticationHandler({ getAccessToken: () => Promise.resolve(token) }),
      retry,
      tap,
      new HTTPMessageHandler(),
    ]);
    const settings = await client.api(path).get();

    assert.ok("timeZone" in settings, "the mailbox settings, in the end");
    assert.deepEqual(seen.map((s) => s.status), [429, 200]);
    assert.equal(seen[0].code, "ApplicationThrottled");
    assert.match(seen[0].retryAfter!, /^\d+\.\d+$/);
    assert.deepEqual(slept, [Number(seen[0].retryAfter)], "slept exactly the fractional Retry-After");
    const c = await h.control<
      { graph: { byEndpoint: Record<string, number>; byStatus: Record<string, number> } }
    >("counters");
    assert.equal(c.graph.byStatus["429"], 1, "no fault injected it: the concurrency limit did");
    assert.equal(c.graph.byEndpoint["GET /users/{user}/mailboxSettings"], 6);
  }),
);

Deno.test(
  "BatchRequestContent / BatchResponseContent round-trip through $batch",
  withEmulator(async (h) => {
    const client = sdkClient(h, await appToken(h));
    const [a, b] = await tenantUsers(h);
    // SDK 3.0.7 keeps whatever follows the host, so item URLs are given without the version.
    const content = new BatchRequestContent([
      {
        id: "1",
        request: new Request(`${h.origin}/users/${a.id}?$select=id,userPrincipalName`, { method: "GET" }),
      },
      { id: "2", request: new Request(`${h.origin}/users/${b.id}`, { method: "GET" }), dependsOn: ["1"] },
      { id: "3", request: new Request(`${h.origin}/v1.0/organization`, { method: "GET" }), dependsOn: ["1"] },
    ]);
    const raw = await client.api("/$batch").post(await content.getContent());
    const responses = new BatchResponseContent(raw);
    const first = responses.getResponseById("1");
    assert.equal(first.status, 200);
    assert.equal((await first.json()).userPrincipalName, a.userPrincipalName);
    assert.equal((await responses.getResponseById("2").json()).id, b.id);
    // …and a URL with the version is the SDK bug Graph answers with a 400 for that item.
    const third = responses.getResponseById("3");
    assert.equal(third.status, 400);
    assert.equal((await third.json()).error.message, "Resource not found for the segment 'v1.0'.");
  }),
);
