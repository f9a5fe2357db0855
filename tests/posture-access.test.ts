// Who may read and refresh the posture cache: an organization of another account is a 404 on every
// cache-read (the same answer as one that does not exist); bad, missing or non-numeric clientIds
// are 400s; members read, only admins (or the worker's secret key) refresh; the clients list is the
// caller's own and a u_id cannot widen it; cache-read-all reports what is there.
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect, freshAccount, invoke, PUBLISHABLE_KEY, SECRET_KEY, sessionFor } from "./support/stack.ts";
import { postureAccount, postureOrganization, read, write } from "./support/posture.ts";

const sql = connect();
const READS = [
  "cache-read-compliance",
  "cache-read-mfa",
  "cache-read-licenses",
  "cache-read-secure-score",
  "cache-read-users-list",
  "cache-read-user-details",
  "cache-read-all",
];
const USER = { userId: "00000000-0000-4000-8000-000000000001" };

async function member(accountId: string, role: string) {
  const user = { id: crypto.randomUUID(), email: `${role}-${crypto.randomUUID().slice(0, 6)}@tests.test` };
  await sql`insert into auth.users (id, email, aud, role) values (${user.id}, ${user.email}, 'authenticated', 'authenticated')`;
  await sql`insert into public.account_members (account_id, user_id, role) values (${accountId}, ${user.id}, ${role})`;
  return await sessionFor(user);
}

Deno.test("posture: access", async (t) => {
  const ours = await postureAccount(sql, "posture-access", ["tailspin"]);
  const theirs = await freshAccount(sql, "posture-access-other");
  const org = ours.orgs.tailspin;
  try {
    await t.step(
      "another account's organization is a 404 on every read, like one that does not exist",
      async () => {
        for (const slug of READS) {
          const foreign = await invoke(slug, {
            session: theirs.session,
            query: { clientId: org.id, ...USER },
          });
          const missing = await invoke(slug, {
            session: theirs.session,
            query: { clientId: "987654321", ...USER },
          });
          assert.equal(foreign.status, 404, `${slug}: ${JSON.stringify(foreign.body)}`);
          assert.deepEqual(foreign.body, missing.body, `${slug}: nothing tells the two apart`);
          assert.equal(foreign.body.data, null);
        }
      },
    );

    await t.step("bad, missing and non-numeric clientIds are 400s naming clientId", async () => {
      for (const slug of READS) {
        for (const clientId of [undefined, "", "abc", "12abc", "0", "-3", "1.5", "1 or 1=1"]) {
          const query: Record<string, string> = { ...USER };
          if (clientId !== undefined) query.clientId = clientId;
          const res = await invoke(slug, { session: ours.session, query });
          assert.equal(res.status, 400, `${slug} ${clientId}: ${JSON.stringify(res.body)}`);
          assert.match(res.body.error, /clientId/);
          assert.equal(res.body.error_code, "invalid_input");
        }
      }
      const write = await invoke("cache-write-mfa", { session: ours.session, body: { clientId: "abc" } });
      assert.equal(write.status, 400);
      const missing = await invoke("cache-write-mfa", { session: ours.session, body: {} });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error, /clientId/);
    });

    await t.step("reads need a session", async () => {
      const res = await invoke("cache-read-mfa", { apikey: PUBLISHABLE_KEY, query: { clientId: org.id } });
      assert.equal(res.status, 401);
    });

    await t.step(
      "members read; only admins refresh; the worker's key refreshes any organization",
      async () => {
        const viewer = await member(ours.accountId, "viewer");
        const agent = await member(ours.accountId, "agent");
        for (const session of [viewer, agent]) {
          const res = await write("licenses", session, org);
          assert.equal(res.status, 403, JSON.stringify(res.body));
          assert.match(res.body.error, /admin/);
        }
        assert.equal((await write("licenses", theirs.session, org)).status, 404, "not theirs: not found");
        const owner = await write("licenses", ours.session, org);
        assert.equal(owner.status, 200, JSON.stringify(owner.body));
        assert.deepEqual(owner.body.data, {
          org_id: Number(org.id),
          dataset: "licenses",
          status: "ok",
          rows: 1,
          note: null,
        });
        const worker = await invoke("cache-write-secure-score", {
          apikey: SECRET_KEY,
          body: { clientId: org.id },
        });
        assert.equal(worker.status, 200, JSON.stringify(worker.body));
        const read1 = await read("licenses", viewer, org);
        assert.equal(read1.status, 200);
        assert.equal(read1.body.data.totalUsers > 0, true);
      },
    );

    await t.step("an organization without credentials has no posture data: 404 saying why", async () => {
      const [bare] = await sql`insert into public.organizations (account_id, organization_name)
        values (${ours.accountId}, 'No credentials yet') returning id`;
      const res = await invoke("cache-read-mfa", {
        session: ours.session,
        query: { clientId: String(bare.id) },
      });
      assert.equal(res.status, 404);
      assert.match(res.body.error, /no Microsoft 365 credentials/);
    });

    await t.step(
      "the clients list is the caller's own accounts' organizations; u_id cannot widen it",
      async () => {
        const second = await postureOrganization(sql, ours.accountId, "northwind", ours.app);
        const res = await invoke("cache-read-clients", { session: ours.session });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const { data, fetched_at, expires_at, stale } = res.body;
        assert.deepEqual(Object.keys(data), ["success", "clients", "count"]);
        assert.equal(data.success, true);
        const ids = data.clients.map((c: { org_id: number }) => c.org_id).sort();
        const mine =
          await sql`select id from public.organizations where account_id = ${ours.accountId} order by id`;
        assert.deepEqual(ids, mine.map((o) => Number(o.id)).sort());
        assert.ok(ids.includes(Number(second.id)));
        assert.equal(data.count, mine.length);
        const client = data.clients.find((c: { org_id: number }) => c.org_id === Number(org.id));
        assert.deepEqual(Object.keys(client), [
          "ninjaone_org_id",
          "organization_name",
          "domain",
          "org_id",
          "created",
          "status",
          "industry",
          "organization_size",
        ]);
        assert.deepEqual(client.domain, { url: "tailspin.com", text: "Visit Website" });
        assert.match(client.created.created_date, /^\d{2}\/\d{2}\/\d{4}$/);
        assert.equal(client.status, "Active");
        assert.equal(Date.parse(expires_at) - Date.parse(fetched_at), 14 * 86_400_000, "two weeks");
        assert.equal(stale, false);

        const { owner: otherOwner } = theirs;
        const widened = await invoke("cache-read-clients", {
          session: ours.session,
          query: { u_id: otherOwner.id },
        });
        assert.equal(widened.status, 403);
        assert.match(widened.body.error, /u_id/);
        const own = await invoke("cache-read-clients", {
          session: ours.session,
          query: { u_id: ours.owner.id },
        });
        assert.deepEqual(own.body.data, data);
        const theirList = await invoke("cache-read-clients", { session: theirs.session });
        assert.deepEqual(theirList.body.data, { success: true, clients: [], count: 0 });
      },
    );

    await t.step(
      "cache-read-all: what is cached, each with its freshness; what is not queues a refresh",
      async () => {
        const res = await invoke("cache-read-all", { session: ours.session, query: { clientId: org.id } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const { cache_results, summary, org_id } = res.body.data;
        assert.equal(org_id, Number(org.id));
        assert.deepEqual(Object.keys(cache_results), [
          "compliance",
          "mfa",
          "licenses",
          "secure_score",
          "users_list",
        ]);
        assert.equal(cache_results.licenses.status, "found");
        assert.equal(cache_results.secure_score.status, "found");
        assert.equal(cache_results.mfa.status, "not_found");
        assert.equal(cache_results.mfa.data, null);
        assert.deepEqual(summary, { total_endpoints: 5, found: 2, not_found: 3 });
        assert.equal(
          res.body.fetched_at,
          [cache_results.licenses.fetched_at, cache_results.secure_score.fetched_at].sort()[0],
        );
        const [job] =
          await sql`select kind from private.jobs where dedup_key = ${`cache-write-all:${org.id}`}`;
        assert.equal(job?.kind, "cache-write-all", "the missing datasets are being fetched");
      },
    );
  } finally {
    await sql.end();
    await pool().end();
  }
});
