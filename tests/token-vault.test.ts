// The token vault against the emulator: rotation, one refresh for many concurrent callers across
// instances, invalid_grant -> needs_reauth, outages -> backoff, ciphertexts bound to their row,
// the scheduled refresh, and disconnecting.
import assert from "node:assert/strict";
import { delegatedGraph } from "../supabase/functions/_shared/graph.ts";
import { connectionToken, forgetToken } from "../supabase/functions/_shared/token-vault.ts";
import {
  connect,
  connectMailbox,
  emulatedUsers,
  emulator,
  eventually,
  invoke,
  ordinaryMember,
  refreshGrants,
  ROOT,
  SEEDED,
  sessionFor,
} from "./support/stack.ts";

const sql = connect();

/** Run `instances` processes with `callers` concurrent vault callers each; what did they get? */
async function concurrentCallers(
  connectionId: string,
  instances: number,
  callers: number,
  env: Record<string, string> = {},
) {
  const outputs = await Promise.all(Array.from({ length: instances }, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}/tests/support/token-callers.ts`, connectionId, String(callers)],
      env,
      stdout: "piped",
      stderr: "inherit",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout)) as { tokens: string[]; errors: string[] };
  }));
  return {
    tokens: [...new Set(outputs.flatMap((o) => o.tokens))],
    errors: outputs.flatMap((o) => o.errors),
  };
}

const expireAccessToken = (id: string) =>
  sql`update private.oauth_tokens set expires_at = now() - interval '1 minute' where connection_id = ${id}`;
const tokenRow = async (id: string) =>
  (await sql`select * from private.oauth_tokens where connection_id = ${id}`)[0];
const connectionRow = async (id: string) =>
  (await sql`select * from public.m365_connections where id = ${id}`)[0];

Deno.test("token vault", async (t) => {
  const agent = await sessionFor(SEEDED.mspAgent);
  const owner = await sessionFor(SEEDED.mspOwner);
  const people = await emulatedUsers("contoso", ordinaryMember);
  assert.ok(people.length >= 2, "the tenant has ordinary members to sign in");
  const signIn = async (upn: string) => {
    const result = await connectMailbox(agent, {
      account_id: SEEDED.mspAccount,
      purpose: "read",
      scope: "personal",
      login_hint: upn,
    });
    const back = Object.fromEntries(result.appRedirect!.searchParams);
    assert.equal(back.m365_connect, "success", JSON.stringify(back));
    return back.connection_id;
  };

  try {
    const main = await signIn(people[0].userPrincipalName);

    await t.step(
      "an admin's refresh rotates the refresh token, and the next refresh uses the new one",
      async () => {
        const before = await tokenRow(main);
        const grants = await refreshGrants();
        const res = await invoke("refresh-token", { session: owner, body: { connection_id: main } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(!JSON.stringify(res.body).includes("eyJ"), "no token in the answer");
        const after = await tokenRow(main);
        assert.equal(after.rotation, before.rotation + 1);
        assert.notEqual(
          after.refresh_token_jwe,
          before.refresh_token_jwe,
          "the rotated refresh token was stored",
        );
        assert.equal(await refreshGrants(), grants + 1);

        // Make Microsoft reject every refresh token but the newest: the vault must be using it.
        await emulator("identity/settings", {
          method: "PATCH",
          body: { invalidateRotatedRefreshTokens: true },
        });
        try {
          const again = await invoke("refresh-token", { session: owner, body: { connection_id: main } });
          assert.equal(again.status, 200, JSON.stringify(again.body));
          assert.equal((await connectionRow(main)).status, "active");
        } finally {
          await emulator("identity/settings", {
            method: "PATCH",
            body: { invalidateRotatedRefreshTokens: false },
          });
        }
      },
    );

    await t.step("only admins refresh on demand", async () => {
      const res = await invoke("refresh-token", { session: agent, body: { connection_id: main } });
      assert.equal(res.status, 403);
    });

    await t.step("100 concurrent callers in 4 instances, token expired: exactly one refresh", async () => {
      await expireAccessToken(main);
      const grants = await refreshGrants();
      const rotation = (await tokenRow(main)).rotation;
      const { tokens, errors } = await concurrentCallers(main, 4, 25);
      assert.deepEqual(errors, []);
      assert.equal(tokens.length, 1, "everyone got the same, new token");
      assert.equal(await refreshGrants(), grants + 1, "one refresh request reached Microsoft");
      assert.equal((await tokenRow(main)).rotation, rotation + 1);
      const me = await fetch(new URL("/v1.0/me", Deno.env.get("GRAPH_BASE_URL")), {
        headers: { authorization: `Bearer ${tokens[0]}` },
      });
      assert.equal(me.status, 200, "the token works on Graph");
      await me.body?.cancel();
    });

    await t.step("a token with time left is served without asking Microsoft", async () => {
      const grants = await refreshGrants();
      const { tokens, errors } = await concurrentCallers(main, 2, 50);
      assert.deepEqual(errors, []);
      assert.equal(tokens.length, 1);
      assert.equal(await refreshGrants(), grants);
    });

    await t.step(
      "Graph rejects a token before its expiry: one new token, and the call goes through",
      async () => {
        const me = people[0];
        const fault = await emulator("faults", { body: { path: `/users/${me.id}`, status: 401, count: 1 } });
        const grants = await refreshGrants();
        const { client } = delegatedGraph({ id: main, account_id: SEEDED.mspAccount }, Date.now() + 30_000);
        const user = await client.api(`/users/${me.id}`).select("id").get();
        await emulator(`faults/${fault.id}`, { method: "DELETE" }).catch(() => {});
        assert.equal(user.id, me.id);
        assert.equal(await refreshGrants(), grants + 1, "exactly one refresh");
        assert.equal((await connectionRow(main)).status, "active");
      },
    );

    await t.step("Microsoft unreachable during a refresh: backoff, the connection stays active", async () => {
      await expireAccessToken(main);
      const { tokens, errors } = await concurrentCallers(main, 1, 5, {
        LOGIN_BASE_URL: "https://127.0.0.1:9",
      });
      assert.deepEqual(tokens, []);
      assert.equal(errors.length, 5);
      assert.match(errors[0], /token refresh failed/);
      const connection = await connectionRow(main);
      assert.equal(connection.status, "active");
      assert.equal(connection.failure_count, 1);
      assert.match(connection.last_error, /could not be reached/);
      const row = await tokenRow(main);
      assert.ok(row.next_refresh_at > new Date(Date.now() + 10_000), "the next attempt waits");

      // While backing off, callers are told when to come back, and Microsoft is not asked again.
      const grants = await refreshGrants();
      const during = await concurrentCallers(main, 1, 3);
      assert.match(during.errors[0], /backing off/);
      assert.equal(await refreshGrants(), grants);

      // Once the backoff ends, the next caller refreshes and the failure count resets.
      await sql`update private.oauth_tokens set next_refresh_at = now() - interval '1 second' where connection_id = ${main}`;
      const after = await concurrentCallers(main, 1, 3);
      assert.deepEqual(after.errors, []);
      assert.equal((await connectionRow(main)).failure_count, 0);
    });

    await t.step(
      "invalid_grant (revoked sessions, AADSTS50173) -> needs_reauth with the reason",
      async () => {
        const revoked = await signIn(people[1].userPrincipalName);
        await emulator("identity/revoke", { body: { user: people[1].userPrincipalName } });
        await expireAccessToken(revoked);
        forgetToken(revoked);
        await assert.rejects(connectionToken(revoked), /authorized again: the grant was revoked/);
        const connection = await connectionRow(revoked);
        assert.equal(connection.status, "needs_reauth");
        assert.match(connection.status_reason, /revoked/);
        assert.match(connection.last_error, /AADSTS50173/);
        const [audit] = await sql`select * from public.audit_log where target_id = ${revoked}
        and action = 'connection.needs_reauth'`;
        assert.ok(audit, "the account's audit log says so");

        const grants = await refreshGrants();
        await assert.rejects(connectionToken(revoked), /authorized again/);
        assert.equal(await refreshGrants(), grants, "no more refresh attempts for a dead grant");
        const scheduled = await sql`select private.schedule_token_refresh() as n`;
        assert.ok(scheduled);
        const [{ queued }] = await sql`select count(*)::int as queued from private.jobs
        where dedup_key = ${`refresh-token:${revoked}`} and status = 'queued'`;
        assert.equal(queued, 0, "the schedule skips it");
      },
    );

    await t.step("a refresh token idle for 90 days (AADSTS700082) -> needs_reauth", async () => {
      const person = (await emulatedUsers("fabrikam", ordinaryMember))[0];
      const idle = await signIn(person.userPrincipalName);
      await emulator("identity/age", { body: { days: 91, kind: "refresh", user: person.userPrincipalName } });
      await expireAccessToken(idle);
      await assert.rejects(connectionToken(idle), /expired after 90 days without use/);
      assert.equal((await connectionRow(idle)).status, "needs_reauth");
    });

    await t.step("reconnecting while refreshes run: every one succeeds (one lock order)", async () => {
      const person = (await emulatedUsers("fabrikam", ordinaryMember))[1];
      const id = await signIn(person.userPrincipalName);
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, async (_, i) => {
        if (i % 2) return await signIn(person.userPrincipalName);
        forgetToken(id);
        return await connectionToken(id, { kind: "fresh", since: new Date() });
      }));
      assert.deepEqual(outcomes.filter((o) => o.status === "rejected"), []);
    });

    await t.step("a ciphertext copied onto another connection's row does not open", async () => {
      const person = (await emulatedUsers("fabrikam", ordinaryMember))[1];
      const victim = await signIn(person.userPrincipalName);
      await sql`update private.oauth_tokens set access_token_jwe = (select access_token_jwe from private.oauth_tokens
        where connection_id = ${main}), expires_at = now() + interval '1 hour' where connection_id = ${victim}`;
      forgetToken(victim);
      await assert.rejects(connectionToken(victim), /sealed for a different row or column/);
    });

    await t.step("the hourly schedule refreshes due connections through the worker", async () => {
      const before = await tokenRow(main);
      await sql`update private.oauth_tokens set next_refresh_at = now() - interval '1 minute' where connection_id = ${main}`;
      const [job] = await sql`select command from cron.job where jobname = 'refresh-tokens'`;
      const [{ schedule_token_refresh: queued }] = await sql.unsafe(job.command);
      assert.ok(queued >= 1);
      const refreshed = await eventually("the worker to refresh it and finish", async () => {
        const row = await tokenRow(main);
        const [job] = await sql`select status from private.jobs
          where dedup_key = ${`refresh-token:${main}`} order by id desc limit 1`;
        return row.rotation > before.rotation && job?.status === "done" ? row : undefined;
      });
      assert.ok(refreshed.expires_at > new Date(Date.now() + 30 * 60_000), "a fresh access token");
      // With the default 24-hour window a one-hour Microsoft token is always within it: the next
      // hourly run renews it again, as REFRESH_WINDOW_HOURS asks.
      assert.equal(refreshed.next_refresh_at.getTime(), refreshed.expires_at.getTime() - 24 * 3600_000);
      const [done] = await sql`select status, result from private.jobs
        where dedup_key = ${`refresh-token:${main}`} order by id desc limit 1`;
      assert.equal(done.status, "done");
    });

    await t.step("disconnect: tokens gone, connection revoked, audited", async () => {
      const viewer = await sessionFor(SEEDED.mspViewer);
      assert.equal(
        (await invoke("connections", { method: "DELETE", session: viewer, query: { connection_id: main } }))
          .status,
        404,
        "a viewer does not even see someone's personal connection",
      );
      const res = await invoke("connections", {
        method: "DELETE",
        session: agent,
        query: { connection_id: main },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await connectionRow(main)).status, "revoked");
      assert.equal(await tokenRow(main), undefined);
      const [audit] =
        await sql`select * from public.audit_log where target_id = ${main} and action = 'connection.disconnected'`;
      assert.equal(audit.actor_user_id, SEEDED.mspAgent.id);
      forgetToken(main);
      await assert.rejects(connectionToken(main), /no such Microsoft 365 connection/);
    });
  } finally {
    await sql.end();
  }
});
