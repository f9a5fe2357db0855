// users/delta (pitfall 7, notes §3.3): the directory's delta query with opaque $skiptoken and
// $deltatoken links, changes since the last round, and its expired-token answer, which differs from
// Outlook's in status and in the casing of the code.
import assert from "node:assert/strict";
import { assertCollectionConforms } from "./csdl.ts";
import { deltaRound } from "./delta.ts";
import { CONTOSO, type Harness, tenantUsers } from "./harness.ts";
import { appToken, getJson, withMail } from "./mail-harness.ts";

const SELECT = "displayName,jobTitle,accountEnabled";

interface ErrorBody {
  error: { code: string; message: string };
}

const tenantOf = (h: Harness) => h.emulator.world.tenants.find((t) => t.profile.key === "contoso")!;

Deno.test(
  "users/delta: pages of every user, then only what changed, with @removed for users gone; query options travel in the links",
  withMail(async (h) => {
    const token = await appToken(h);
    const all = await tenantUsers(h);
    const first = await deltaRound(h, `/users/delta?$select=${SELECT}`, token);
    assert.deepEqual(first.items.map((u) => u.id), all.map((u) => u.id));
    assert.ok(
      first.items.every((u) => Object.keys(u).sort().join() === "accountEnabled,displayName,id,jobTitle"),
    );
    assert.ok(first.links.length > 0);
    for (const link of [...first.links, first.deltaLink]) {
      assert.match(link, new RegExp(`^${h.origin}/v1\\.0/users/delta\\?\\$(skiptoken|deltatoken)=[\\w.-]+$`));
    }
    assertCollectionConforms({ value: first.items }, "user");

    const nothing = await deltaRound(h, first.deltaLink, token);
    assert.deepEqual(nothing.items, []);

    const tenant = tenantOf(h);
    const changed = tenant.users[3];
    changed.graph.jobTitle = "Chief Delta Officer";
    const gone = tenant.users.splice(5, 1)[0];
    const second = await deltaRound(h, first.deltaLink, token);
    assert.deepEqual(second.items, [
      {
        displayName: changed.graph.displayName,
        jobTitle: "Chief Delta Officer",
        accountEnabled: changed.graph.accountEnabled,
        id: changed.id,
      },
      { id: gone.id, "@removed": { reason: "changed" } },
    ]);
    assertCollectionConforms({ value: second.items }, "user");
    assert.deepEqual((await deltaRound(h, second.deltaLink, token)).items, []);

    const latest = await deltaRound(h, "/users/delta?$deltatoken=latest", token);
    assert.deepEqual(latest.items, [], "latest: no initial round, only a deltaLink");
    changed.graph.jobTitle = "Delta Officer Emeritus";
    assert.deepEqual((await deltaRound(h, latest.deltaLink, token)).items.map((u) => u.id), [changed.id]);
  }),
);

Deno.test(
  "pitfall 7: an expired delta token is 400 syncStateNotFound in the directory but 410 SyncStateNotFound in Outlook",
  withMail(async (h) => {
    let token = await appToken(h);
    const users = await deltaRound(h, `/users/delta?$select=${SELECT}`, token);
    const mail = await deltaRound(h, "/users/support@contoso.com/mailFolders/inbox/messages/delta", token);

    // Directory tokens last seven days (access tokens an hour: a fresh one after each jump).
    await h.control("clock", { days: 6, hours: 23 });
    token = await appToken(h);
    const stillValid = await deltaRound(h, users.deltaLink, token);
    assert.deepEqual(stillValid.items, []);
    await h.control("clock", { hours: 2 });
    token = await appToken(h);
    const directory = await getJson<ErrorBody>(h, users.deltaLink, token);
    assert.equal(directory.status, 400);
    assert.equal(directory.body.error.code, "syncStateNotFound");
    assert.match(directory.body.error.message, /delta token is expired/);
    const stalePage = await getJson<ErrorBody>(h, users.links[0], token);
    assert.equal(stalePage.status, 400, "an old round's nextLink too");
    assert.equal(stalePage.body.error.code, "syncStateNotFound");
    // …while a token minted now is fine.
    assert.equal((await deltaRound(h, stillValid.deltaLink, token)).items.length, 0);

    // Outlook forgets tokens when its cache evicts them, and says so differently.
    await h.control("mail/delta/expire", { mailbox: "support@contoso.com" });
    const outlook = await getJson<ErrorBody>(h, mail.deltaLink, token);
    assert.equal(outlook.status, 410);
    assert.equal(outlook.body.error.code, "SyncStateNotFound");
    assert.notEqual(outlook.body.error.code, directory.body.error.code, "same words, different casing");
    assert.equal(outlook.body.error.code.toLowerCase(), directory.body.error.code.toLowerCase());
  }),
);

Deno.test(
  "users/delta: another tenant's or a made-up token is syncStateNotFound; permissions as for listing users",
  withMail(async (h) => {
    const token = await appToken(h);
    const { deltaLink } = await deltaRound(h, "/users/delta", token);
    const fabrikam = await appToken(h, "2f8e6d4c-1b3a-4c5d-9e7f-6a5b4c3d2e1f");
    for (const [url, t] of [[deltaLink, fabrikam], ["/users/delta?$deltatoken=bm90LWEtdG9rZW4", token]]) {
      const r = await getJson<ErrorBody>(h, url, t);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, "syncStateNotFound");
    }
    const mailOnly = await h.control<{ clientId: string; clientSecret: string }>("apps", {
      displayName: "Mail reader",
      permissions: { application: ["Mail.Read"] },
      adminConsent: "all",
    });
    const forbidden = await getJson<ErrorBody>(
      h,
      "/users/delta",
      await appToken(h, CONTOSO, mailOnly.clientId, mailOnly.clientSecret),
    );
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, "Authorization_RequestDenied");
  }),
);
