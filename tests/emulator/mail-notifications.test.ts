// Change-notification delivery against the endpoint's side of the contract (pitfall 10, notes §5.5):
// an endpoint that has not answered when Graph's 3 seconds are up has failed, even if it answers
// later, and gets the notification again; lifecycle URLs cannot be added to a subscription. The slow
// endpoint holds its answer while the emulator's clock moves: no sleeping, no timing.
import assert from "node:assert/strict";
import { assertConforms, NOTIFICATION_QUIRKS } from "./csdl.ts";
import { graph, type Harness, statusOf } from "./harness.ts";
import { appToken, getJson, withMail } from "./mail-harness.ts";
import { waitFor } from "./progress.ts";
import { gate, webhook } from "./webhook.ts";

const MAILBOX = "/users/support@contoso.com";
const JSON_HEADERS = { "Content-Type": "application/json" };

interface Attempt {
  kind: string;
  attempt: number;
  outcome: string;
  status: number | null;
  payload: { value: Record<string, unknown>[] } | null;
}

async function subscribe(h: Harness, token: string, fields: Record<string, unknown>) {
  const r = await graph(h, "/subscriptions", token, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({
      changeType: "updated",
      resource: `${MAILBOX}/mailFolders('inbox')/messages`,
      expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      ...fields,
    }),
  });
  return { status: r.status, body: await r.json() };
}

/** Flips the read state of the Inbox's newest message: one `updated` change. */
async function touchMessage(h: Harness, token: string): Promise<string> {
  const msg = (await getJson<{ value: { id: string; isRead: boolean }[] }>(
    h,
    `${MAILBOX}/mailFolders/inbox/messages?$top=1&$select=isRead`,
    token,
  )).body.value[0];
  const r = await graph(h, `${MAILBOX}/messages/${msg.id}`, token, {
    method: "PATCH",
    headers: JSON_HEADERS,
    body: JSON.stringify({ isRead: !msg.isRead }),
  });
  assert.equal(await statusOf(r), 200);
  return msg.id;
}

const notificationLog = (h: Harness, subscriptionId: string) =>
  h.control<Attempt[]>(`mail/notifications?subscriptionId=${subscriptionId}&kind=notification`);

Deno.test(
  "pitfall 10: an endpoint that answers after Graph's 3 seconds has failed: the notification is retried and delivered again",
  withMail(async (h) => {
    // Graph's own numbers: a 3 s client timeout, the first retry 30 s later. Only the initial
    // delivery delay is taken away.
    await h.control("mail/settings", { notificationDelaySeconds: 0 }, "PATCH");
    const token = await appToken(h);
    const late = gate();
    const hook = webhook({ hold: (kind, n) => kind === "notification" && n === 1 ? late.opened : undefined });
    try {
      const sub = await subscribe(h, token, { notificationUrl: hook.url, clientState: "c1" });
      assert.equal(sub.status, 201);
      const id = await touchMessage(h, token);

      // The endpoint has the notification and sits on it while 3 seconds pass for the emulator.
      await hook.until(() => hook.received.length === 1);
      await h.control("clock", { seconds: 3 });
      const first = await waitFor(async () => (await notificationLog(h, sub.body.id))[0]);
      assert.deepEqual([first.attempt, first.outcome, first.status], [1, "timeout", null]);
      late.open(); // its 202 comes too late to count

      await h.control("clock", { seconds: 30 });
      const log = await waitFor(async () => {
        const l = await notificationLog(h, sub.body.id);
        return l.length === 2 && l;
      });
      const outcomes = log.map((a) => `${a.attempt}:${a.outcome}:${a.status}`);
      assert.deepEqual(outcomes, ["1:timeout:null", "2:delivered:202"]);
      // At least once: the same notification twice, so endpoints must answer fast and deduplicate.
      assert.equal(hook.received.length, 2);
      assert.deepEqual(hook.received[1], hook.received[0]);
      assert.deepEqual(log[1].payload, hook.received[0]);
      const [n] = hook.received[0].value;
      assert.equal((n.resourceData as { id: string }).id, id);
      assert.equal((n.resourceData as Record<string, string>)["@odata.type"], "#Microsoft.Graph.Message");
      assert.equal(n.clientState, "c1");
      assertConforms(hook.received[0], "changeNotificationCollection", { quirks: NOTIFICATION_QUIRKS });
    } finally {
      await hook.close();
    }
  }),
);

Deno.test(
  "pitfall 10: a lifecycle URL cannot be added to a subscription later; delete and recreate with one, validated like the notification URL",
  withMail(async (h) => {
    const token = await appToken(h);
    const hook = webhook();
    const lifecycle = webhook();
    try {
      const sub = await subscribe(h, token, { notificationUrl: hook.url });
      assert.equal(sub.status, 201);
      assert.equal(sub.body.lifecycleNotificationUrl, null);
      const patch = await graph(h, `/subscriptions/${sub.body.id}`, token, {
        method: "PATCH",
        headers: JSON_HEADERS,
        body: JSON.stringify({
          lifecycleNotificationUrl: lifecycle.url,
          expirationDateTime: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        }),
      });
      assert.equal(patch.status, 400);
      assert.match((await patch.json()).error.message, /lifecycleNotificationUrl cannot be added/);
      const unchanged = await getJson<Record<string, unknown>>(h, `/subscriptions/${sub.body.id}`, token);
      assert.equal(unchanged.body.lifecycleNotificationUrl, null);
      assert.equal(unchanged.body.expirationDateTime, sub.body.expirationDateTime, "nothing applied");
      assert.equal(lifecycle.validations.length, 0);

      assert.equal(
        await statusOf(await graph(h, `/subscriptions/${sub.body.id}`, token, { method: "DELETE" })),
        204,
      );
      const again = await subscribe(h, token, {
        notificationUrl: hook.url,
        lifecycleNotificationUrl: lifecycle.url,
      });
      assert.equal(again.status, 201);
      assert.equal(again.body.lifecycleNotificationUrl, lifecycle.url);
      assert.equal(lifecycle.validations.length, 1, "the lifecycle URL had its own handshake");
    } finally {
      await hook.close();
      await lifecycle.close();
    }
  }),
);
