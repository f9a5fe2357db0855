// App-only credentials per organization (m365-credentials) against the emulator: status,
// validation by a real client-credentials grant, test-token-generation, wrong, expired and
// unconsented secrets, rotation, removal. The secret is never in an answer.
import assert from "node:assert/strict";
import { connect, emulator, invoke, SEEDED, sessionFor } from "./support/stack.ts";

const sql = connect();
const FABRIKAM = "2f8e6d4c-1b3a-4c5d-9e7f-6a5b4c3d2e1f";
const TAILSPIN = "e4d3c2b1-a0f9-4e8d-b7c6-5a4b3c2d1e0f";

Deno.test("m365-credentials", async (t) => {
  const owner = await sessionFor(SEEDED.mspOwner);
  const agent = await sessionFor(SEEDED.mspAgent);
  const viewer = await sessionFor(SEEDED.mspViewer);
  const stranger = await sessionFor(SEEDED.helpdeskOwner);

  // An organization and an app of this test's own, so nothing here disturbs the seeded ones.
  const [org] = await sql`insert into public.organizations (account_id, organization_name, domain)
    values (${SEEDED.mspAccount}, 'Credential test client', 'fabrikam.com') returning id`;
  const app = await emulator("apps", {
    body: {
      displayName: "msp posture reader (test)",
      permissions: { application: ["Organization.Read.All", "User.Read.All"] },
      adminConsent: [FABRIKAM],
    },
  });
  const save = (session: string, secret: string, tenant = FABRIKAM) =>
    invoke("m365-credentials", {
      session,
      body: { organization_id: org.id, tenant_id: tenant, client_id: app.clientId, client_secret: secret },
    });

  try {
    await t.step("seeded organizations can be read by any member, never with a secret", async () => {
      const res = await invoke("m365-credentials", {
        session: viewer,
        query: { organization_id: SEEDED.organizations.contoso },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.data.tenant_id, "b7a3c1e2-4d5f-4a6b-8c9d-0e1f2a3b4c5d");
      assert.ok(!JSON.stringify(res.body).includes("Q~"), "no secret, not even a hint");
      assert.equal(
        (await invoke("m365-credentials", {
          session: stranger,
          query: { organization_id: SEEDED.organizations.contoso },
        })).status,
        404,
      );
    });

    await t.step("saving validates by getting a token; the answer never holds the secret", async () => {
      const res = await save(owner, app.clientSecret);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.validated, true);
      assert.equal(res.body.data.credential_status, "valid");
      assert.ok(res.body.data.last_token_refresh);
      assert.ok(!JSON.stringify(res.body).includes(app.clientSecret));
      const [stored] = await sql`select s.client_secret_jwe from private.m365_credential_secrets s
        join public.m365_credentials c on c.id = s.credential_id where c.organization_id = ${org.id}`;
      assert.ok(!stored.client_secret_jwe.includes(app.clientSecret));
      const [audit] = await sql`select * from public.audit_log where action = 'credentials.saved'
        and details->>'organization_id' = ${org.id}`;
      assert.equal(audit.actor_user_id, SEEDED.mspOwner.id);
      assert.ok(!JSON.stringify(audit).includes(app.clientSecret));
    });

    await t.step("only admins save or check credentials", async () => {
      assert.equal((await save(agent, app.clientSecret)).status, 403);
      const check = await invoke("m365-credentials/validate", {
        session: viewer,
        body: { organization_id: org.id },
      });
      assert.equal(check.status, 403);
    });

    await t.step("test-token-generation gets a token and reads the tenant with it", async () => {
      const res = await invoke("m365-credentials/test-token-generation", {
        session: owner,
        body: { organization_id: org.id },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.token_obtained, true);
      assert.deepEqual(res.body.data.application_permissions, ["Organization.Read.All", "User.Read.All"]);
      assert.equal(res.body.data.tenant.display_name, "Fabrikam GmbH");
      assert.ok(!JSON.stringify(res.body).includes("eyJ"), "no token in the answer");
      const calls = await sql`select service, path, status from public.api_call_logs
        where organization_id = ${org.id} order by id`;
      assert.ok(calls.some((c) => c.service === "identity" && c.status === 200));
      assert.ok(
        calls.some((c) => c.service === "graph" && c.path === "/v1.0/organization" && c.status === 200),
      );
    });

    await t.step("a wrong secret is recorded as invalid with the reason", async () => {
      const wrong = "Wr0ng8Q~ThisIsNotTheSecretValue.00000000";
      const res = await save(owner, wrong);
      assert.equal(res.status, 200);
      assert.equal(res.body.data.validated, false);
      assert.equal(res.body.data.credential_status, "invalid");
      assert.match(res.body.data.last_error, /client secret is wrong/);
      assert.ok(!JSON.stringify(res.body).includes(wrong));
      const token = await invoke("m365-credentials/test-token-generation", {
        session: owner,
        body: { organization_id: org.id },
      });
      assert.equal(token.status, 401);
      assert.equal(token.body.error_code, "credentials_refused");
    });

    await t.step(
      "an expired secret is recorded as expired; rotating to a new one makes it valid",
      async () => {
        const secret = await emulator(`apps/${app.clientId}/secrets`, { body: { expiresInDays: 30 } });
        await emulator(`apps/${app.clientId}/secrets/${secret.keyId}`, {
          method: "PATCH",
          body: { expire: true },
        });
        const expired = await save(owner, secret.value);
        assert.equal(expired.body.data.credential_status, "expired");
        assert.match(expired.body.data.last_error, /client secret has expired/);
        const rotated = await save(owner, app.clientSecret);
        assert.equal(rotated.body.data.credential_status, "valid");
      },
    );

    await t.step("credentials for a tenant that never consented to the app are invalid", async () => {
      const res = await save(owner, app.clientSecret, TAILSPIN);
      assert.equal(res.body.data.credential_status, "invalid");
      assert.match(res.body.data.last_error, /not registered in that tenant/);
    });

    await t.step("removing them", async () => {
      assert.equal(
        (await invoke("m365-credentials", {
          method: "DELETE",
          session: agent,
          query: { organization_id: org.id },
        })).status,
        403,
      );
      const res = await invoke("m365-credentials", {
        method: "DELETE",
        session: owner,
        query: { organization_id: org.id },
      });
      assert.equal(res.status, 200);
      assert.equal(
        (await invoke("m365-credentials", { session: owner, query: { organization_id: org.id } })).status,
        404,
      );
      const [{ n }] = await sql`select count(*)::int as n from private.m365_credential_secrets s
        left join public.m365_credentials c on c.id = s.credential_id where c.id is null`;
      assert.equal(n, 0, "the sealed secret went with them");
    });
  } finally {
    await sql`delete from public.organizations where id = ${org.id}`;
    await sql.end();
  }
});
