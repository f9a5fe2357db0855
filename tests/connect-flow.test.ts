// Connecting a mailbox end to end: oauth-authorize -> the emulator's /authorize -> oauth-callback,
// through the gateway with real session JWTs; and every way the dance can be abused or fail.
import assert from "node:assert/strict";
import { sha256 } from "../supabase/functions/_shared/connect.ts";
import { connectionToken } from "../supabase/functions/_shared/token-vault.ts";
import {
  APP_REDIRECT,
  connect,
  connectMailbox,
  emulator,
  invoke,
  ROOT,
  SEEDED,
  sessionFor,
} from "./support/stack.ts";

const sql = connect();
const NORTHWIND_ADMIN = "admin@northwindtraders.onmicrosoft.com";

const connectionCount = async () => (await sql`select count(*)::int as n from public.m365_connections`)[0].n;
const stateCount = async () => (await sql`select count(*)::int as n from private.oauth_states`)[0].n;

function outcome(url: URL | undefined) {
  assert.ok(url, "redirected back to the app");
  assert.equal(url.origin + url.pathname, APP_REDIRECT);
  return Object.fromEntries(url.searchParams);
}

Deno.test("connecting a mailbox", async (t) => {
  const owner = await sessionFor(SEEDED.helpdeskOwner);
  const agent = await sessionFor(SEEDED.mspAgent);
  try {
    await t.step("the full dance stores an active connection and sealed tokens", async () => {
      const result = await connectMailbox(owner, {
        account_id: SEEDED.helpdeskAccount,
        purpose: "read",
        scope: "account",
        login_hint: NORTHWIND_ADMIN,
      });
      const back = outcome(result.appRedirect);
      assert.equal(back.m365_connect, "success");
      assert.equal(back.purpose, "read");
      const [connection] = await sql`select * from public.m365_connections where id = ${back.connection_id}`;
      assert.equal(connection.account_id, SEEDED.helpdeskAccount);
      assert.equal(connection.tenant_id, "9c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
      assert.equal(connection.user_principal_name, NORTHWIND_ADMIN);
      assert.equal(connection.status, "active");
      assert.equal(connection.scope, "account");
      assert.equal(connection.connected_by, SEEDED.helpdeskOwner.id);
      assert.ok(connection.granted_scopes.includes("Mail.Read"));
      assert.ok(
        !connection.granted_scopes.includes("offline_access"),
        "Microsoft never echoes offline_access",
      );

      // The stored ciphertexts are JWEs that contain nothing of the tokens.
      const [stored] =
        await sql`select * from private.oauth_tokens where connection_id = ${back.connection_id}`;
      const accessToken = await connectionToken(back.connection_id);
      assert.equal(stored.access_token_jwe.split(".").length, 5);
      assert.ok(!stored.access_token_jwe.includes(accessToken.slice(0, 24)));
      assert.ok(!JSON.stringify(stored).includes(accessToken.slice(10, 40)));
      assert.ok(stored.refresh_token_jwe && !stored.refresh_token_jwe.startsWith("0."));
      assert.ok(stored.expires_at > new Date());

      // The state was used once and keeps nothing secret in the clear.
      const [state] =
        await sql`select * from private.oauth_states where account_id = ${SEEDED.helpdeskAccount}
        order by created_at desc limit 1`;
      assert.ok(state.used_at);
      const sentState = new URL(result.authorize.body.data.authorize_url).searchParams.get("state")!;
      assert.equal(state.state_hash, await sha256(sentState));
      assert.ok(!JSON.stringify(state).includes(sentState), "the state itself is never stored");

      // The identity call is in api_call_logs, without its query string or any secret.
      const calls = await sql`select * from public.api_call_logs where account_id = ${SEEDED.helpdeskAccount}
        and service = 'identity' order by id desc limit 1`;
      assert.equal(calls.length, 1);
      assert.match(calls[0].path, /\/oauth2\/v2\.0\/token$/);
      assert.equal(calls[0].status, 200);

      // And no log line of the stack holds the tokens.
      for (const file of ["gateway.log", "emulator.log"]) {
        const logText = await Deno.readTextFile(`${ROOT}/.local/logs/${file}`).catch(() => "");
        assert.ok(!logText.includes(accessToken.slice(10, 40)), `${file} holds no access token`);
      }
    });

    await t.step("connections lists the account's connections with health and no secret", async () => {
      const res = await invoke("connections", {
        session: owner,
        query: { account_id: SEEDED.helpdeskAccount },
      });
      assert.equal(res.status, 200);
      const mine = res.body.data.find((c: { user_principal_name: string }) =>
        c.user_principal_name === NORTHWIND_ADMIN
      );
      assert.equal(mine.status, "active");
      assert.equal(mine.healthy, true);
      assert.ok(new Date(mine.token_expires_at) > new Date());
      const keys = Object.keys(mine);
      assert.ok(keys.every((k) => !/jwe|secret|refresh_token|access_token/.test(k)), keys.join(","));
      assert.doesNotMatch(JSON.stringify(res.body), /eyJ/);
      const other = await invoke("connections", {
        session: agent,
        query: { account_id: SEEDED.helpdeskAccount },
      });
      assert.deepEqual(other.body.data, [], "another account's member sees none of them");
    });

    await t.step(
      "connecting the same Microsoft user again updates the connection, not a second one",
      async () => {
        const before = await connectionCount();
        const result = await connectMailbox(owner, {
          account_id: SEEDED.helpdeskAccount,
          purpose: "read",
          scope: "account",
          login_hint: NORTHWIND_ADMIN,
        });
        assert.equal(outcome(result.appRedirect).m365_connect, "success");
        assert.equal(await connectionCount(), before);
      },
    );

    await t.step("a replayed callback is refused and stores nothing", async () => {
      const first = await connectMailbox(owner, {
        account_id: SEEDED.helpdeskAccount,
        purpose: "write",
        scope: "account",
        login_hint: NORTHWIND_ADMIN,
      });
      assert.equal(outcome(first.appRedirect).m365_connect, "success");
      const before = await connectionCount();
      const replay = await fetch(first.microsoftRedirect!, { redirect: "manual" });
      const body = await replay.json();
      assert.equal(replay.status, 400);
      assert.equal(body.error_code, "invalid_state");
      assert.match(body.error, /already completed/);
      assert.equal(await connectionCount(), before);
    });

    await t.step("another user's state with this user's code fails PKCE and stores nothing", async () => {
      const other = await invoke("oauth-authorize", {
        session: agent,
        body: {
          account_id: SEEDED.mspAccount,
          purpose: "read",
          redirect_to: APP_REDIRECT,
          login_hint: "admin@contoso.onmicrosoft.com",
        },
      });
      const otherState = new URL(other.body.data.authorize_url).searchParams.get("state")!;
      const before = await connectionCount();
      const swapped = await connectMailbox(owner, {
        account_id: SEEDED.helpdeskAccount,
        purpose: "read",
        scope: "personal",
        login_hint: NORTHWIND_ADMIN,
      }, (callback) => {
        callback.searchParams.set("state", otherState);
        return callback;
      });
      const back = outcome(swapped.appRedirect);
      assert.equal(back.m365_connect, "error");
      assert.equal(back.error, "invalid_grant");
      assert.match(back.error_description, /PKCE/);
      assert.equal(await connectionCount(), before);
    });

    await t.step("an expired state is refused with a clear outcome", async () => {
      const before = await connectionCount();
      const started = await invoke("oauth-authorize", {
        session: owner,
        body: {
          account_id: SEEDED.helpdeskAccount,
          purpose: "read",
          redirect_to: APP_REDIRECT,
          login_hint: NORTHWIND_ADMIN,
        },
      });
      const state = new URL(started.body.data.authorize_url).searchParams.get("state")!;
      const microsoft = await fetch(started.body.data.authorize_url, { redirect: "manual" });
      await microsoft.body?.cancel();
      // The person took more than ten minutes at Microsoft.
      await sql`update private.oauth_states set expires_at = now() - interval '1 second'
        where state_hash = ${await sha256(state)}`;
      const callback = await fetch(microsoft.headers.get("location")!, { redirect: "manual" });
      await callback.body?.cancel();
      const back = outcome(new URL(callback.headers.get("location")!));
      assert.equal(back.m365_connect, "error");
      assert.equal(back.error, "expired");
      assert.equal(await connectionCount(), before);
    });

    await t.step("redirect_to off the allow-list is refused before anything is stored", async () => {
      const before = await stateCount();
      for (
        const redirect_to of [
          "https://evil.example/steal",
          "http://localhost:3000.evil.example/",
          "javascript:alert(1)",
        ]
      ) {
        const res = await invoke("oauth-authorize", {
          session: owner,
          body: { account_id: SEEDED.helpdeskAccount, purpose: "read", redirect_to },
        });
        assert.equal(res.status, 400, redirect_to);
        assert.match(res.body.error, /redirect_to/);
      }
      assert.equal(await stateCount(), before);
    });

    await t.step("Microsoft's access_denied and consent_required end in clear outcomes", async () => {
      for (
        const [outcomeName, reason] of [["access_denied", /declined/], [
          "consent_required",
          /administrator must consent/,
        ]] as const
      ) {
        await emulator("identity/authorize-outcomes", { body: { outcome: outcomeName, times: 1 } });
        const before = await connectionCount();
        const result = await connectMailbox(owner, {
          account_id: SEEDED.helpdeskAccount,
          purpose: "read",
          login_hint: NORTHWIND_ADMIN,
        });
        const back = outcome(result.appRedirect);
        assert.equal(back.m365_connect, "error");
        assert.equal(back.error, outcomeName);
        assert.match(back.error_description, reason);
        assert.equal(await connectionCount(), before);
      }
    });

    await t.step(
      "who may connect: agents their own, admins for the account, viewers and strangers not at all",
      async () => {
        const viewer = await sessionFor(SEEDED.mspViewer);
        const body = (scope: string) => ({
          account_id: SEEDED.mspAccount,
          purpose: "read",
          scope,
          redirect_to: APP_REDIRECT,
        });
        assert.equal(
          (await invoke("oauth-authorize", { session: agent, body: body("personal") })).status,
          200,
        );
        const agentForAccount = await invoke("oauth-authorize", { session: agent, body: body("account") });
        assert.equal(agentForAccount.status, 403);
        assert.match(agentForAccount.body.error, /admin or above may connect a mailbox for the account/);
        assert.equal(
          (await invoke("oauth-authorize", { session: viewer, body: body("personal") })).status,
          403,
        );
        const stranger = await invoke("oauth-authorize", { session: owner, body: body("personal") });
        assert.equal(stranger.status, 404, "not a member: the account does not exist for them");
        assert.equal((await invoke("oauth-authorize", { body: body("personal") })).status, 401, "no session");
      },
    );

    await t.step("response=redirect answers 302 to Microsoft", async () => {
      const res = await invoke("oauth-authorize", {
        session: owner,
        query: {
          account_id: SEEDED.helpdeskAccount,
          purpose: "read",
          redirect_to: APP_REDIRECT,
          response: "redirect",
        },
      });
      assert.equal(res.status, 302);
      assert.match(res.headers.get("location")!, /\/organizations\/oauth2\/v2\.0\/authorize\?/);
    });
  } finally {
    await sql.end();
  }
});
