// The mail world: determinism, localized well-known folders, shared-mailbox access, and the shapes
// of folders, messages and attachments against the v1.0 CSDL.
import assert from "node:assert/strict";
import { createEmulator } from "../../local/graph-emulator/emulator.ts";
import { MAIL } from "../../local/graph-emulator/mail/state.ts";
import { assertCollectionConforms, assertConforms } from "./csdl.ts";
import { DEFAULT_APP } from "../../local/graph-emulator/defaults.ts";
import {
  appToken,
  copyId,
  fixture,
  getJson,
  IMMUTABLE,
  mailboxId,
  mailState,
  withMail,
} from "./mail-harness.ts";
import { CONTOSO, graph, statusOf, userTokens } from "./harness.ts";

async function summary(seed: number) {
  const emu = await createEmulator({ seed });
  const state = MAIL.get(emu.world);
  const out: string[] = [];
  for (const mbx of state.store.mailboxes.values()) {
    for (const f of mbx.folders.values()) {
      out.push(`${mbx.address} ${f.id} ${f.displayName}`);
      for (const m of f.items) {
        out.push(`${m.immutableId} ${m.restId} ${m.internetMessageId} ${m.subject} ${m.receivedAt}`);
      }
    }
  }
  return out;
}

Deno.test("mail world: the same seed gives the same mailboxes, ids and messages; another seed differs", async () => {
  const [a, b, c] = [await summary(7), await summary(7), await summary(8)];
  assert.ok(a.length > 500);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test(
  "mailFolders: well-known names resolve; display names follow the mailbox language; hidden folders only on request",
  withMail(async (h) => {
    const token = await appToken(h);
    const names: Record<string, string> = {
      "support@contoso.com": "Inbox",
      "support@fabrikam.com": "Posteingang",
      "support@tailspintoys.com": "Boîte de réception",
    };
    for (const [address, inbox] of Object.entries(names)) {
      const tenant = address.endsWith("fabrikam.com")
        ? "2f8e6d4c-1b3a-4c5d-9e7f-6a5b4c3d2e1f"
        : address.endsWith("tailspintoys.com")
        ? "e4d3c2b1-a0f9-4e8d-b7c6-5a4b3c2d1e0f"
        : undefined;
      const t = tenant ? await appToken(h, tenant) : token;
      const r = await getJson(h, `/users/${address}/mailFolders/INBOX`, t);
      assert.equal(r.status, 200);
      assert.equal(r.body.displayName, inbox);
      assertConforms(r.body, "mailFolder");
    }
    const list = await getJson<{ value: { displayName: string; isHidden: boolean }[] }>(
      h,
      `/users/support@contoso.com/mailFolders?$top=50`,
      token,
    );
    assertCollectionConforms(list.body, "mailFolder");
    assert.ok(list.body.value.every((f) => !f.isHidden));
    const hidden = await getJson<{ value: { isHidden: boolean }[] }>(
      h,
      `/users/support@contoso.com/mailFolders?includeHiddenFolders=true&$top=50`,
      token,
    );
    assert.ok(hidden.body.value.some((f) => f.isHidden));
    const children = await getJson<{ value: unknown[] }>(
      h,
      `/users/support@contoso.com/mailFolders/inbox/childFolders`,
      token,
    );
    assert.ok(children.body.value.length >= 1);
    assert.equal(
      await statusOf(await graph(h, "/users/support@contoso.com/mailFolders/nosuchfolder", token)),
      400,
    );
  }),
);

Deno.test(
  "messages: list pages with $skip nextLinks, get with $select; headers and uniqueBody only when selected; CSDL shapes",
  withMail(async (h) => {
    const token = await appToken(h);
    const page = await getJson<{ value: Record<string, unknown>[]; "@odata.nextLink": string }>(
      h,
      "/users/support@contoso.com/mailFolders/inbox/messages?$top=5",
      token,
    );
    assert.equal(page.status, 200);
    assert.equal(page.body.value.length, 5);
    assert.match(page.body["@odata.nextLink"], /^https:\/\/localhost:\d+\/v1\.0\/.*\$skip=5/);
    assertCollectionConforms(page.body, "message");
    const dates = page.body.value.map((m) => String(m.receivedDateTime));
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");
    assert.ok(!("internetMessageHeaders" in page.body.value[0]) && !("uniqueBody" in page.body.value[0]));

    const f = fixture(h, "out-of-office");
    const id = copyId(f, 2);
    const full = await getJson<Record<string, unknown>>(
      h,
      `/users/support@contoso.com/messages/${id}?$select=subject,internetMessageHeaders,uniqueBody,internetMessageId`,
      token,
      IMMUTABLE,
    );
    assert.equal(full.status, 200);
    assertConforms(full.body, "message");
    const headers = full.body.internetMessageHeaders as { name: string; value: string }[];
    const value = (n: string) => headers.find((x) => x.name.toLowerCase() === n.toLowerCase())?.value;
    assert.equal(value("Auto-Submitted"), "auto-replied");
    assert.equal(value("X-Auto-Response-Suppress"), "All");
    assert.ok(value("X-MS-Exchange-Inbox-Rules-Loop"));
    assert.equal(value("In-Reply-To"), f.messages[1].internetMessageId);
    assert.match(String(full.body.internetMessageId), /^<.+@.+>$/);
    assert.ok(full.body.uniqueBody);
  }),
);

Deno.test(
  "bounces, attachments and unsafe HTML: report MIME, attachment shapes, safe HTML by default",
  withMail(async (h) => {
    const token = await appToken(h);
    const bounce = fixture(h, "bounce");
    const ndr = copyId(bounce, 2);
    const atts = await getJson<{ value: Record<string, unknown>[] }>(
      h,
      `/users/support@contoso.com/messages/${ndr}/attachments`,
      token,
    );
    assertCollectionConforms(atts.body, "attachment");
    assert.equal(atts.body.value[0]["@odata.type"], "#microsoft.graph.itemAttachment");
    assert.equal(atts.body.value[0].contentType, "message/rfc822");
    const remote = await getJson<{ value: Record<string, unknown>[] }>(
      h,
      `/users/support@contoso.com/messages/${copyId(bounce, 3)}/attachments`,
      token,
    );
    assert.equal(remote.body.value[0].contentType, "text/rfc822-headers");
    const mime = await (await graph(h, `/users/support@contoso.com/messages/${ndr}/$value`, token)).text();
    assert.match(mime, /Content-Type: multipart\/report; boundary="[^"]+"; report-type=delivery-status/);
    assert.match(mime, /message\/delivery-status/);
    assert.match(mime, /^Received: /);

    const files = fixture(h, "attachments");
    const withFiles = await getJson<{ value: Record<string, unknown>[] }>(
      h,
      `/users/support@contoso.com/messages/${copyId(files, 0)}/attachments`,
      token,
    );
    assertCollectionConforms(withFiles.body, "attachment");
    assert.deepEqual(withFiles.body.value.map((a) => [a.name, a.isInline]), [["photo.png", true], [
      "invoice.pdf",
      false,
    ]]);
    const one = await getJson<Record<string, unknown>>(
      h,
      `/users/support@contoso.com/messages/${copyId(files, 0)}/attachments/${withFiles.body.value[1].id}`,
      token,
    );
    assertConforms(one.body, "fileAttachment");
    assert.match(atob(String(one.body.contentBytes)), /^%PDF-/);

    const unsafe = copyId(fixture(h, "unsafe-html"), 0);
    const safe = await getJson<{ body: { content: string } }>(
      h,
      `/users/support@contoso.com/messages/${unsafe}?$select=body`,
      token,
    );
    assert.doesNotMatch(safe.body.body.content, /<script|onclick|onerror|javascript:/i);
    assert.match(safe.body.body.content, /track\.example\/open\.gif/, "remote images stay");
    const raw = await getJson<{ body: { content: string } }>(
      h,
      `/users/support@contoso.com/messages/${unsafe}?$select=body`,
      token,
      { Prefer: "outlook.allow-unsafe-html" },
    );
    assert.match(raw.body.body.content, /<script>/);
    const text = await getJson<{ body: { contentType: string } }>(
      h,
      `/users/support@contoso.com/messages/${unsafe}?$select=body`,
      token,
      { Prefer: 'outlook.body-content-type="text"' },
    );
    assert.equal(text.body.body.contentType, "text");
    assert.equal(text.headers.get("Preference-Applied"), 'outlook.body-content-type="text"');
  }),
);

Deno.test(
  "shared mailbox: delegated access needs Mail.*.Shared and FullAccess; application tokens reach every mailbox",
  withMail(async (h) => {
    const support = mailState(h).store.mailboxes.get(mailboxId(h, "support@contoso.com"))!;
    const users = support.tenant.users;
    const agent = users.find((u) => support.fullAccess.has(u.id) && u.graph.mailNickname !== "admin")!;
    const outsider = users.find((u) =>
      u.kind === "member" && u.mailbox && u.graph.accountEnabled && !support.fullAccess.has(u.id)
    )!;
    const tokenOf = async (upn: string, scope: string) =>
      (await userTokens(h, { scope: `openid ${scope}`, loginHint: upn })).access_token;
    const path = "/users/support@contoso.com/mailFolders/inbox/messages?$top=1";
    const noShared = await tokenOf(agent.graph.userPrincipalName, "Mail.ReadWrite");
    assert.equal(
      await statusOf(await graph(h, path, noShared)),
      403,
      "own-mailbox scopes do not reach others",
    );
    assert.equal(await statusOf(await graph(h, "/me/mailFolders/inbox/messages?$top=1", noShared)), 200);
    await h.control(`tenants/${CONTOSO}/consents/${DEFAULT_APP.clientId}`, {
      appRoles: [...DEFAULT_APP.applicationPermissions],
      adminScopes: ["User.Read", "Mail.ReadWrite", "Mail.Send", "Mail.Read.Shared"],
    }, "PUT");
    const agentToken = await tokenOf(agent.graph.userPrincipalName, "Mail.ReadWrite Mail.Read.Shared");
    assert.equal(await statusOf(await graph(h, path, agentToken)), 200);
    const outsiderToken = await tokenOf(outsider.graph.userPrincipalName, "Mail.ReadWrite Mail.Read.Shared");
    const denied = await getJson<{ error: { code: string } }>(h, path, outsiderToken);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, "ErrorAccessDenied");
    const app = await appToken(h);
    assert.equal(await statusOf(await graph(h, `/users/${outsider.id}/messages?$top=1`, app)), 200);
  }),
);
