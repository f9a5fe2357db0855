// Looking into connections for real, through the gateway and the emulator: test-email checks the
// token, the scopes and the mailbox, and says what is wrong when Microsoft revoked or expired the
// grant or the user has no mailbox; list-mailboxes lists a user's own and shared mailboxes with
// their (German) folders, says which shared mailboxes the user cannot open, and answers a dead
// grant with 401 and an identity outage with 502 + Retry-After.
import assert from "node:assert/strict";
import {
  connect,
  connectMailbox,
  type EmulatedUser,
  emulatedUsers,
  emulator,
  freshAccount,
  invoke,
  ordinaryMember,
  refreshGrants,
} from "./support/stack.ts";

const sql = connect();
const SUPPORT = "support@fabrikam.com";
const ADMIN = "admin@fabrikam.onmicrosoft.com";

interface Check {
  check: string;
  ok: boolean | null;
  detail: string;
}
interface Folder {
  display_name: string;
  well_known_name: string | null;
  total_item_count: number;
}
interface Mailbox {
  address: string;
  kind: string;
  reachable: boolean;
  reason?: string | null;
  folders: Folder[];
}

Deno.test("connection checks and mailbox listings", async (t) => {
  const { accountId, session } = await freshAccount(sql, "mailbox-probe");
  const stranger = (await freshAccount(sql, "mailbox-probe-other")).session;
  // Fabrikam's ordinary members 0 and 1 belong to the token-vault test.
  const [healthy, revoked, idle] = (await emulatedUsers("fabrikam", ordinaryMember)).slice(2, 5);
  const [mailless] = await emulatedUsers(
    "fabrikam",
    (u) => u.kind === "member" && u.accountEnabled && !u.licensed && u.mailbox === null,
  );
  assert.ok(healthy && revoked && idle && mailless, "Fabrikam has the people this test signs in");

  const connectAs = async (user: EmulatedUser | string, purpose: "read" | "write" = "read") => {
    const upn = typeof user === "string" ? user : user.userPrincipalName;
    const result = await connectMailbox(session, {
      account_id: accountId,
      purpose,
      scope: "account",
      login_hint: upn,
    });
    const id = result.appRedirect?.searchParams.get("connection_id");
    assert.ok(id, `connecting ${upn}: ${result.appRedirect?.search}`);
    return id;
  };
  const testEmail = (connection_id: string, as = session) =>
    invoke("test-email", { session: as, body: { connection_id } });
  const checks = (body: { data: { checks: Check[] } }) =>
    Object.fromEntries(body.data.checks.map((c) => [c.check, c]));
  /** The connection as the connections function reports it. */
  const listed = async (id: string) => {
    const res = await invoke("connections", { session, query: { account_id: accountId } });
    return res.body.data.find((c: { id: string }) => c.id === id);
  };
  // The vault trusts an access token with more than 5 minutes left; this one has none, so the
  // next use refreshes it at the emulator.
  const expireAccessToken = (id: string) =>
    sql`update private.oauth_tokens set expires_at = now() - interval '1 minute' where connection_id = ${id}`;

  try {
    await t.step("healthy read and write connections pass every check", async () => {
      for (const purpose of ["read", "write"] as const) {
        const id = await connectAs(healthy, purpose);
        const res = await testEmail(id);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.data.healthy, true, JSON.stringify(res.body.data));
        const c = checks(res.body);
        assert.equal(c.token.ok, true);
        assert.equal(c.scopes.ok, true);
        assert.match(c.scopes.detail, purpose === "read" ? /Mail\.Read/ : /Mail\.Send/);
        assert.equal(c.mailbox.ok, true);
        assert.match(c.mailbox.detail, /^inbox reachable \(\d+ messages\)$/);
        assert.doesNotMatch(JSON.stringify(res.body), /eyJ/, "no token in the answer");
      }
    });

    await t.step("a grant revoked at Microsoft (AADSTS50173): needs reconnecting, said plainly", async () => {
      const id = await connectAs(revoked);
      await emulator("identity/revoke", { body: { user: revoked.userPrincipalName } });
      await expireAccessToken(id);
      const res = await testEmail(id);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.healthy, false);
      const c = checks(res.body);
      assert.equal(c.token.ok, false);
      assert.equal(
        c.token.detail,
        "the Microsoft 365 connection needs to be authorized again: the grant was revoked (password reset or sessions revoked)",
      );
      assert.equal(c.mailbox.ok, null, "no mailbox check without a token");
      const connection = await listed(id);
      assert.equal(connection.status, "needs_reauth");
      assert.equal(connection.healthy, false);
      assert.match(connection.status_reason, /revoked/);

      // Checking again asks Microsoft nothing: the grant is known dead.
      const grants = await refreshGrants();
      const again = await testEmail(id);
      assert.equal(checks(again.body).token.ok, false);
      assert.match(checks(again.body).token.detail, /authorized again: the grant was revoked/);
      assert.equal(await refreshGrants(), grants);

      const listing = await invoke("list-mailboxes", { session, query: { connection_id: id } });
      assert.equal(listing.status, 401, JSON.stringify(listing.body));
      assert.equal(listing.body.error_code, "connection_needs_reauth");
      assert.match(listing.body.error, /authorized again: the grant was revoked/);
    });

    await t.step("a refresh token idle for 90 days (AADSTS700082): the same, with its reason", async () => {
      const id = await connectAs(idle);
      await emulator("identity/token-faults", {
        body: { code: 700082, grantType: "refresh_token", user: idle.userPrincipalName, times: 1 },
      });
      await expireAccessToken(id);
      const res = await testEmail(id);
      assert.equal(res.body.data.healthy, false);
      assert.equal(
        checks(res.body).token.detail,
        "the Microsoft 365 connection needs to be authorized again: the refresh token expired after 90 days without use",
      );
      assert.equal((await listed(id)).status, "needs_reauth");
    });

    await t.step("the identity platform down: list-mailboxes is a 502 with Retry-After", async () => {
      const id = await connectAs(idle, "write");
      await emulator("identity/token-faults", {
        body: { code: 90033, grantType: "refresh_token", user: idle.userPrincipalName, retryAfter: 7 },
      });
      await expireAccessToken(id);
      const res = await invoke("list-mailboxes", { session, query: { connection_id: id } });
      assert.equal(res.status, 502, JSON.stringify(res.body));
      assert.equal(res.body.error_code, "microsoft_unavailable");
      assert.match(res.body.error, /^token refresh failed: /);
      assert.equal(res.headers.get("retry-after"), "7", res.body.error);
      assert.equal((await listed(id)).status, "active", "an outage is not a broken grant");
    });

    await t.step("a user without a mailbox: token and scopes fine, the mailbox check fails", async () => {
      const id = await connectAs(mailless);
      const res = await testEmail(id);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.healthy, false);
      const c = checks(res.body);
      assert.equal(c.token.ok, true);
      assert.equal(c.mailbox.ok, false);
      assert.match(c.mailbox.detail, /^Graph answered 404 MailboxNotEnabledForRESTAPI$/);
      assert.equal((await listed(id)).status, "active", "a missing mailbox is not a broken grant");
    });

    await t.step("list-mailboxes: own and shared mailboxes with their German folders", async () => {
      const id = await connectAs(ADMIN);
      const nobody = `nobody-${crypto.randomUUID().slice(0, 6)}@fabrikam.com`;
      const res = await invoke("list-mailboxes", {
        session,
        query: { connection_id: id, shared: ` ${SUPPORT.toUpperCase()}, ${nobody},${SUPPORT}` },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const [own, support, missing, ...rest] = res.body.data.mailboxes as Mailbox[];
      assert.equal(rest.length, 0, "each shared mailbox once");

      assert.equal(own.kind, "own");
      assert.equal(own.address, ADMIN);
      assert.equal(own.reachable, true);
      const byWellKnown = new Map(own.folders.map((f) => [f.well_known_name, f.display_name]));
      assert.equal(byWellKnown.get("inbox"), "Posteingang");
      assert.equal(byWellKnown.get("sentitems"), "Gesendete Elemente");
      assert.equal(byWellKnown.get("deleteditems"), "Gelöschte Elemente");

      assert.deepEqual([support.address, support.kind, support.reachable], [SUPPORT, "shared", true]);
      const names = support.folders.map((f) => f.display_name);
      for (const name of ["Posteingang", "Gesendete Elemente", "Archiv"]) {
        assert.ok(names.includes(name), name);
      }
      const inbox = support.folders.find((f) => f.display_name === "Posteingang")!;
      assert.ok(inbox.total_item_count > 0, "the help desk's mail is there");

      assert.deepEqual([missing.address, missing.reachable, missing.folders], [nobody, false, []]);
      assert.match(missing.reason!, /^Graph answered 404$/);
    });

    await t.step("a shared mailbox without FullAccess is listed as not reachable", async () => {
      const id = await connectAs(healthy);
      const res = await invoke("list-mailboxes", { session, query: { connection_id: id, shared: SUPPORT } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const [own, support] = res.body.data.mailboxes as Mailbox[];
      assert.equal(own.address, healthy.userPrincipalName.toLowerCase());
      assert.equal(own.folders.find((f) => f.well_known_name === "inbox")?.display_name, "Posteingang");
      assert.deepEqual([support.reachable, support.reason, support.folders], [
        false,
        "Graph answered 403",
        [],
      ]);
    });

    await t.step("another account's connection is not found; bad ids are 400; no session 401", async () => {
      const id = await connectAs(healthy);
      const theirs = await testEmail(id, stranger);
      assert.equal(theirs.status, 404);
      assert.equal(theirs.body.error, "no such connection");
      const listing = await invoke("list-mailboxes", { session: stranger, query: { connection_id: id } });
      assert.equal(listing.status, 404);
      assert.deepEqual(listing.body, theirs.body);

      const bad = await invoke("test-email", { session, query: { connection_id: "42" } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /connection_id/);
      const badShared = await invoke("list-mailboxes", {
        session,
        query: { connection_id: id, shared: `${SUPPORT},support` },
      });
      assert.equal(badShared.status, 400);
      assert.match(badShared.body.error, /not email addresses: support$/);
      assert.equal((await invoke("test-email", { body: { connection_id: id } })).status, 401);
      assert.equal((await invoke("list-mailboxes", { query: { connection_id: id } })).status, 401);
    });
  } finally {
    await sql.end();
  }
});
