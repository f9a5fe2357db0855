// Sending and change notifications end to end inside the emulator (pitfalls 8, 10, 11): 202 with no
// ids, delayed Sent Items copy under the draft's immutable id, an agent → customer → agent round
// trip across tenants with intact threading, the webhook validation handshake and notifications.
import assert from "node:assert/strict";
import { assertConforms, NOTIFICATION_QUIRKS } from "./csdl.ts";
import { graph, statusOf } from "./harness.ts";
import { appToken, getJson, IMMUTABLE, mailState, withMail } from "./mail-harness.ts";
import { gate, webhook } from "./webhook.ts";

const FABRIKAM = "2f8e6d4c-1b3a-4c5d-9e7f-6a5b4c3d2e1f";
const JSON_HEADERS = { "Content-Type": "application/json" };

Deno.test(
  'sendMail: 202 with no body; saveToSentItems "false"; X- headers only, at most five; bad MIME is 400',
  withMail(async (h) => {
    const token = await appToken(h);
    const send = (body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
      graph(h, "/users/support@contoso.com/sendMail", token, {
        method: "POST",
        headers,
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const message = {
      subject: "Hello",
      body: { contentType: "Text", content: "Hi" },
      toRecipients: [{ emailAddress: { address: "someone@example.org" } }],
    };
    const r = await send({ message, saveToSentItems: "false" });
    assert.equal(r.status, 202);
    assert.equal(await r.text(), "");
    const bad = await send({
      message: { ...message, internetMessageHeaders: [{ name: "References", value: "<a@b>" }] },
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "InvalidInternetMessageHeader");
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `X-Custom-${i}`, value: "v" }));
    assert.equal(
      (await (await send({ message: { ...message, internetMessageHeaders: six } })).json()).error.code,
      "InvalidInternetMessageHeaderCollection",
    );
    const mime = await send("this is not base64!!", { "Content-Type": "text/plain" });
    assert.equal(mime.status, 400);
    assert.equal((await mime.json()).error.code, "ErrorMimeContentInvalidBase64String");
    const raw =
      "From: support@contoso.com\r\nTo: someone@example.org\r\nSubject: MIME\r\nMessage-ID: <ours.1@helpdesk.example>\r\nIn-Reply-To: <parent@example.org>\r\nReferences: <root@example.org> <parent@example.org>\r\n\r\nbody\r\n";
    assert.equal(await statusOf(await send(btoa(raw), { "Content-Type": "text/plain" })), 202);
    const out = await h.control<{ internetMessageId: string; inReplyTo: string; references: string[] }[]>(
      "mail/outbound",
    );
    assert.equal(out.length, 2, "every accepted send goes out once");
    assert.equal(out[1].internetMessageId, "<ours.1@helpdesk.example>", "MIME sends keep their Message-ID");
    assert.deepEqual(out[1].references, ["<root@example.org>", "<parent@example.org>"]);
  }),
);

Deno.test(
  "createReply → send: 201 draft (RE:, thread's conversationId, comment left out), 202, Sent Items copy later under the same immutable id",
  withMail(async (h) => {
    const token = await appToken(h);
    const base = "/users/support@contoso.com/messages";
    const inbox = await getJson<
      { value: { id: string; subject: string; conversationId: string; internetMessageId: string }[] }
    >(
      h,
      "/users/support@contoso.com/mailFolders/inbox/messages?$top=1&$select=subject,conversationId,internetMessageId",
      token,
      IMMUTABLE,
    );
    const parent = inbox.body.value[0];
    const created = await graph(h, `${base}/${parent.id}/createReply`, token, {
      method: "POST",
      headers: { ...JSON_HEADERS, ...IMMUTABLE },
      body: JSON.stringify({ comment: "not in the draft" }),
    });
    assert.equal(created.status, 201);
    const draft = await created.json();
    assertConforms(draft, "message");
    assert.equal(draft.isDraft, true);
    assert.equal(draft.subject, parent.subject.startsWith("RE: ") ? parent.subject : `RE: ${parent.subject}`);
    assert.equal(draft.conversationId, parent.conversationId);
    assert.match(draft.internetMessageId, /^<.+@.+\.prod\.outlook\.com>$/);
    assert.doesNotMatch(draft.body.content, /not in the draft/);
    const sent = await graph(h, `${base}/${draft.id}/send`, token, { method: "POST", headers: IMMUTABLE });
    assert.equal(sent.status, 202);
    assert.equal(await sent.text(), "");
    const early = await getJson<{ error: { code: string } }>(h, `${base}/${draft.id}`, token, IMMUTABLE);
    assert.equal(early.status, 404);
    assert.equal(early.body.error.code, "ErrorItemNotFound");
    await h.control("clock", { seconds: 10 });
    const copy = await getJson<Record<string, unknown>>(h, `${base}/${draft.id}`, token, IMMUTABLE);
    assert.equal(copy.status, 200);
    assert.equal(copy.body.isDraft, false);
    assert.equal(copy.body.internetMessageId, draft.internetMessageId);
    const sentItems = await getJson<{ id: string }>(
      h,
      "/users/support@contoso.com/mailFolders/sentitems",
      token,
    );
    assert.equal(copy.body.parentFolderId, sentItems.body.id);
    const both = await graph(h, `${base}/${parent.id}/reply`, token, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ comment: "a", message: { body: { contentType: "text", content: "b" } } }),
    });
    assert.equal(both.status, 400);
    await both.body?.cancel();
  }),
);

Deno.test(
  "end to end: agent replies to a customer in another tenant; the customer's reply lands in support's Inbox threaded, and the subscription gets `created`",
  withMail(async (h) => {
    await h.control("mail/settings", {
      sentItemsDelaySeconds: 0,
      deliveryDelaySeconds: 0,
      notificationDelaySeconds: 0,
    }, "PATCH");
    const contoso = await appToken(h);
    const fabrikam = await appToken(h, FABRIKAM);
    const hook = webhook();
    try {
      const sub = await graph(h, "/subscriptions", contoso, {
        method: "POST",
        // Notifications then carry immutable ids, like the GETs below.
        headers: { ...JSON_HEADERS, ...IMMUTABLE },
        body: JSON.stringify({
          changeType: "created",
          notificationUrl: hook.url,
          lifecycleNotificationUrl: hook.url,
          resource: "/users/support@contoso.com/mailFolders('inbox')/messages",
          expirationDateTime: new Date(Date.now() + 3 * 86_400_000).toISOString(),
          clientState: "s3cret",
        }),
      });
      assert.equal(sub.status, 201, await sub.clone().text());
      const subscription = await sub.json();
      assertConforms(subscription, "subscription");

      const customer = mailState(h).store.mailboxes.values().find((m) =>
        m.tenant.id === FABRIKAM && m.user.kind === "member"
      )!;
      // The customer writes in; the agent answers with createReply + send.
      const first = await h.control<{ delivered: { id: string }[]; internetMessageId: string }>(
        "mail/inject",
        {
          from: { name: customer.displayName, address: customer.address },
          to: "support@contoso.com",
          subject: "Printer on fire",
          text: "Please help.",
        },
      );
      const parentId = first.delivered[0].id;
      const draft =
        await (await graph(h, `/users/support@contoso.com/messages/${parentId}/createReply`, contoso, {
          method: "POST",
          headers: IMMUTABLE,
        })).json();
      await graph(h, `/users/support@contoso.com/messages/${draft.id}`, contoso, {
        method: "PATCH",
        headers: JSON_HEADERS,
        body: JSON.stringify({ body: { contentType: "text", content: "Unplug it." } }),
      }).then((r) => r.body?.cancel());
      assert.equal(
        await statusOf(
          await graph(h, `/users/support@contoso.com/messages/${draft.id}/send`, contoso, { method: "POST" }),
        ),
        202,
      );
      // The customer, in their own tenant, finds it and replies.
      const theirInbox = await getJson<
        { value: { id: string; internetMessageId: string; subject: string }[] }
      >(
        h,
        `/users/${customer.user.id}/mailFolders/inbox/messages?$filter=internetMessageId eq '${draft.internetMessageId}'`,
        fabrikam,
      );
      assert.equal(theirInbox.body.value.length, 1);
      const reply = await graph(
        h,
        `/users/${customer.user.id}/messages/${theirInbox.body.value[0].id}/reply`,
        fabrikam,
        {
          method: "POST",
          headers: JSON_HEADERS,
          body: JSON.stringify({ comment: "It worked, thanks." }),
        },
      );
      assert.equal(reply.status, 202);
      await reply.body?.cancel();
      const back = await getJson<
        {
          value: {
            id: string;
            internetMessageHeaders: { name: string; value: string }[];
            conversationId: string;
          }[];
        }
      >(
        h,
        `/users/support@contoso.com/mailFolders/inbox/messages?$top=1&$select=internetMessageHeaders,conversationId,subject`,
        contoso,
        IMMUTABLE,
      );
      const headers = back.body.value[0].internetMessageHeaders;
      const header = (n: string) => headers.find((x) => x.name === n)?.value;
      assert.equal(header("In-Reply-To"), draft.internetMessageId);
      assert.equal(header("References"), `${first.internetMessageId} ${draft.internetMessageId}`);
      await hook.until(() =>
        hook.received.flatMap((b) => b.value).some((n) =>
          (n.resourceData as { id: string })?.id === back.body.value[0].id
        )
      );
      const notes = hook.received.flatMap((b) => b.value).filter((n) => n.changeType);
      for (const body of hook.received) {
        assertConforms(body, "changeNotificationCollection", { quirks: NOTIFICATION_QUIRKS });
      }
      const n = notes.find((x) => (x.resourceData as { id: string }).id === back.body.value[0].id)!;
      assert.equal(n.subscriptionId, subscription.id);
      assert.equal(n.clientState, "s3cret");
      assert.equal(n.tenantId, "b7a3c1e2-4d5f-4a6b-8c9d-0e1f2a3b4c5d");
      assert.match(String(n.resource), /^Users\/[0-9a-f-]{36}\/Messages\//);
      assert.equal((n.resourceData as Record<string, string>)["@odata.type"], "#Microsoft.Graph.Message");
    } finally {
      await hook.close();
    }
  }),
);

Deno.test(
  "subscriptions: wrong echo is 400 ValidationError, a hung endpoint times out, lifetime over the cap is 400 ExtensionError, short ones are raised to 45 minutes",
  withMail(async (h) => {
    const token = await appToken(h);
    const create = (url: string, minutes: number) =>
      getJsonPost(h, token, {
        changeType: "created,updated",
        notificationUrl: url,
        resource: "me/messages".replace("me", "users/support@contoso.com"),
        expirationDateTime: new Date(Date.now() + minutes * 60_000).toISOString(),
      });
    const wrong = webhook({ echo: (t) => encodeURIComponent(t) });
    const r1 = await create(wrong.url, 60);
    assert.equal(r1.status, 400);
    assert.equal(r1.body.error.code, "ValidationError");
    await wrong.close();
    // An endpoint that holds its answer while Graph's 10 seconds pass on the emulator's clock.
    const late = gate();
    const slow = webhook({ hold: (kind) => kind === "validation" ? late.opened : undefined });
    const pending = create(slow.url, 60);
    await slow.until(() => slow.validations.length === 1);
    await h.control("clock", { seconds: 10 });
    const r2 = await pending;
    late.open();
    assert.equal(r2.status, 400);
    assert.equal(r2.body.error.message, "Subscription validation request timed out.");
    await slow.close();
    const ok = webhook();
    const r3 = await create(ok.url, 10_081);
    assert.equal(r3.status, 400);
    assert.equal(r3.body.error.code, "ExtensionError");
    assert.match(r3.body.error.message, /Subscription expiration can only be 10080 minutes in the future\./);
    await h.control("mail/settings", { subscriptionLifetime: "legacy" }, "PATCH");
    assert.match((await create(ok.url, 4231)).body.error.message, /can only be 4230 minutes/);
    const short = await create(ok.url, 5);
    assert.equal(short.status, 201);
    assert.ok(Date.parse(short.body.expirationDateTime) - Date.now() >= 44 * 60_000);
    const list = await getJson<{ value: { id: string }[] }>(h, "/subscriptions", token);
    assert.deepEqual(list.body.value.map((s) => s.id), [short.body.id]);
    assert.equal(
      await statusOf(
        await graph(h, `/subscriptions/${short.body.id}/reauthorize`, token, { method: "POST" }),
      ),
      204,
    );
    assert.equal(
      await statusOf(await graph(h, `/subscriptions/${short.body.id}`, token, { method: "DELETE" })),
      204,
    );
    assert.equal(await statusOf(await graph(h, `/subscriptions/${short.body.id}`, token)), 404);
    await ok.close();
  }),
);

Deno.test(
  "notifications: a failing endpoint is retried on the (scaled) schedule, then dropped with a `missed` lifecycle event",
  withMail(async (h) => {
    await h.control("mail/settings", {
      notificationDelaySeconds: 0,
      timeScale: 0.0001,
      notificationTimeoutMs: 300,
    }, "PATCH");
    const token = await appToken(h);
    const failing = webhook({ status: 503 });
    const lifecycle = webhook();
    try {
      const sub = await getJsonPost(h, token, {
        changeType: "updated",
        notificationUrl: failing.url,
        lifecycleNotificationUrl: lifecycle.url,
        resource: "/users/support@contoso.com/mailFolders('inbox')/messages",
        expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      });
      assert.equal(sub.status, 201);
      const msg = (await getJson<{ value: { id: string; isRead: boolean }[] }>(
        h,
        "/users/support@contoso.com/mailFolders/inbox/messages?$top=1",
        token,
      )).body.value[0];
      await graph(h, `/users/support@contoso.com/messages/${msg.id}`, token, {
        method: "PATCH",
        headers: JSON_HEADERS,
        body: JSON.stringify({ isRead: !msg.isRead }),
      }).then((r) => r.body?.cancel());
      await lifecycle.until(() =>
        lifecycle.received.some((b) => b.value.some((n) => n.lifecycleEvent === "missed"))
      );
      const log = await h.control<{ kind: string; outcome: string; attempt: number }[]>(
        `mail/notifications?subscriptionId=${sub.body.id}`,
      );
      const tries = log.filter((a) => a.kind === "notification" && a.outcome === "failed");
      assert.ok(tries.length >= 5, `retried ${tries.length} times`);
      assert.ok(log.some((a) => a.outcome === "dropped"));
      assert.ok(failing.received.length >= 5);
    } finally {
      await failing.close();
      await lifecycle.close();
    }
  }),
);

async function getJsonPost(h: Parameters<typeof graph>[0], token: string, body: unknown) {
  const r = await graph(h, "/subscriptions", token, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
