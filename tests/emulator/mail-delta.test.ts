// messages/delta (pitfalls 6, 7, 9): opaque parenthesised links, partial updates, @removed with only
// an id, 410 SyncStateNotFound after eviction (or a reset Location), REST ids that change on move
// while immutable ids stay, the Graph SDK's PageIterator over a 10,000-message Inbox.
import assert from "node:assert/strict";
import { PageIterator } from "@microsoft/microsoft-graph-client";
import { deltaRound as round } from "./delta.ts";
import { graph } from "./harness.ts";
import { appToken, getJson, IMMUTABLE, mailState, withMail } from "./mail-harness.ts";
import { sdkClient } from "./sdk.ts";

const INBOX = "/users/support@contoso.com/mailFolders/inbox/messages";

Deno.test(
  "delta: initial round pages with opaque mailfolders('id') nextLinks, then changes: full creations, partial updates, @removed ids",
  withMail(async (h) => {
    const token = await appToken(h);
    const prefer = { Prefer: 'IdType="ImmutableId", odata.maxpagesize=7' };
    const inbox = await getJson<{ id: string; totalItemCount: number }>(
      h,
      "/users/support@contoso.com/mailFolders/inbox",
      token,
    );
    const first = await round(
      h,
      `${INBOX}/delta?$select=subject,isRead,internetMessageHeaders`,
      token,
      prefer,
    );
    assert.equal(first.items.length, inbox.body.totalItemCount);
    assert.equal(new Set(first.items.map((m) => m.id)).size, first.items.length);
    for (const link of first.links) {
      assert.match(
        link,
        new RegExp(
          `^${h.origin}/v1\\.0/users/support@contoso\\.com/mailfolders\\('${inbox.body.id}'\\)/messages/delta\\?\\$skiptoken=`,
        ),
      );
    }
    assert.match(first.deltaLink, /mailfolders\('.+'\)\/messages\/delta\?\$deltatoken=/);
    assert.ok(
      first.items.every((m) => Array.isArray(m.internetMessageHeaders)),
      "headers can be selected in delta",
    );

    const read = String(first.items.find((m) => m.isRead === false)!.id);
    const [moved, deleted] = first.items.filter((m) => m.id !== read).slice(0, 2).map((m) => String(m.id));
    const base = "/users/support@contoso.com/messages";
    await graph(h, `${base}/${read}`, token, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ isRead: true }),
    }).then((r) => r.body?.cancel());
    const before = await getJson<{ id: string }>(h, `${base}/${moved}`, token);
    const mv = await graph(h, `${base}/${moved}/move`, token, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ destinationId: "archive" }),
    });
    const after = await mv.json();
    assert.equal(mv.status, 201);
    assert.notEqual(after.id, before.body.id, "the REST id changes on move");
    const immutable = await getJson<{ id: string }>(h, `${base}/${moved}`, token, IMMUTABLE);
    assert.equal(immutable.body.id, moved, "the immutable id does not");
    assert.equal(
      (await getJson(h, `${base}/${before.body.id}`, token)).status,
      404,
      "the old REST id is gone",
    );
    await graph(h, `${base}/${deleted}`, token, { method: "DELETE" }).then((r) => r.body?.cancel());

    const second = await round(h, first.deltaLink, token, prefer);
    const byId = new Map(second.items.map((m) => [String(m.id), m]));
    assert.deepEqual(Object.keys(byId.get(read)!).sort(), [
      "@odata.etag",
      "@odata.type",
      "id",
      "isRead",
      "parentFolderId",
    ]);
    assert.equal(byId.get(read)!.isRead, true);
    for (const gone of [moved, deleted]) {
      assert.deepEqual(byId.get(gone), {
        "@odata.type": "#microsoft.graph.message",
        id: gone,
        "@removed": { reason: "deleted" },
      });
    }

    // A fresh round lists what is there now: nothing moved, deleted or purged.
    const support = [...mailState(h).store.mailboxes.values()].find((m) =>
      m.address === "support@contoso.com"
    )!;
    const purged = [...support.byImmutableId.values()].find((m) =>
      m.folder.wellKnownName === "inbox" && m.immutableId !== read
    )!;
    mailState(h).store.purge(purged);
    const fresh = await round(h, `${INBOX}/delta`, token, prefer);
    const listed = new Set(fresh.items.map((m) => String(m.id)));
    assert.ok(listed.has(read));
    for (const gone of [moved, deleted, purged.immutableId]) assert.ok(!listed.has(gone), gone);
    assert.equal(listed.size, fresh.items.length, "each message once");
  }),
);

Deno.test(
  "delta: evicted tokens answer 410 SyncStateNotFound (Outlook casing); reset mode answers 410 with a Location to start over",
  withMail(async (h) => {
    const token = await appToken(h);
    const { deltaLink, links } = await round(h, `${INBOX}/delta`, token, {});
    assert.ok(links.length > 0);
    const support = [...mailState(h).store.mailboxes.values()].find((m) =>
      m.address === "support@contoso.com"
    )!;
    support.syncStates.expire();
    for (const url of [deltaLink, links[0]]) {
      const r = await getJson<{ error: { code: string; message: string; innerError?: unknown } }>(
        h,
        url,
        token,
      );
      assert.equal(r.status, 410);
      assert.equal(r.body.error.code, "SyncStateNotFound");
      assert.match(
        r.body.error.message,
        /^The sync state generation is not found; generation=\d+;\[highest=\d+\]/,
      );
    }
    mailState(h).settings.deltaExpiredResponse = "reset";
    const again = await round(h, `${INBOX}/delta?changeType=created`, token, {});
    support.syncStates.expire();
    const reset = await graph(h, again.deltaLink, token);
    assert.equal(reset.status, 410);
    await reset.body?.cancel();
    const location = reset.headers.get("Location")!;
    assert.match(location, /mailfolders\('.+'\)\/messages\/delta\?changeType=created$/);
    const restart = await round(h, location, token, {});
    assert.ok(restart.items.length > 0);
  }),
);

Deno.test(
  "delta: the Graph SDK's PageIterator walks a 10,000-message Inbox at maxpagesize 1000 (timing printed, not asserted)",
  withMail(async (h) => {
    const token = await appToken(h);
    const client = sdkClient(h, token);
    const t0 = performance.now();
    const first = await client.api(`${INBOX}/delta`).header("Prefer", "odata.maxpagesize=1000").select(
      "subject,receivedDateTime",
    ).get();
    const ids = new Set<string>();
    const iterator = new PageIterator(client, first, (m: { id: string }) => {
      ids.add(m.id);
      return true;
    }, { headers: { Prefer: "odata.maxpagesize=1000" } });
    await iterator.iterate();
    const ms = performance.now() - t0;
    const total = mailState(h).store.mailboxes.get(
      [...mailState(h).store.mailboxes.values()].find((m) => m.address === "support@contoso.com")!.user.id,
    )!
      .wellKnown.get("inbox")!.items.size;
    assert.ok(total >= 10_000);
    assert.equal(ids.size, total);
    assert.ok(iterator.getDeltaLink()?.includes("$deltatoken="));
    console.log(`delta over ${total} messages at maxpagesize 1000: ${ms.toFixed(0)} ms`);
  }, { options: { mail: { messages: 10_000 } } }),
);
