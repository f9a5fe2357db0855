// The local functions gateway behaves like `supabase functions serve` behind Kong. It runs here
// against a fixture project (tests/fixtures/supabase) on its own port.
import assert from "node:assert/strict";
import * as jose from "jose";
import {
  eventually,
  freePort,
  localKeys,
  PUBLISHABLE_KEY,
  ROOT,
  SECRET_KEY,
  SEEDED,
  sessionFor,
} from "./support/stack.ts";

const port = freePort();
const base = `http://127.0.0.1:${port}`;

async function startGateway(): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}/local/gateway.ts`,
      "--port",
      String(port),
      "--keys",
      `${ROOT}/.local/keys.json`,
      "--supabase-dir",
      `${ROOT}/tests/fixtures/supabase`,
      "--pg-net",
      "off",
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${base}/_internal/health`);
      await res.body?.cancel();
      if (res.ok) return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("fixture gateway did not start");
}

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}/functions/v1/${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* plain text */ }
  // deno-lint-ignore no-explicit-any
  return { status: res.status, headers: res.headers, body: body as Record<string, any> };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

Deno.test("local gateway", async (t) => {
  const gateway = await startGateway();
  try {
    await t.step("an unknown slug is 404 'Function not found'", async () => {
      const res = await call("no-such-function");
      assert.equal(res.status, 404);
      assert.equal(res.body, "Function not found");
    });

    await t.step("a function disabled in config.toml is not served", async () => {
      assert.equal((await call("disabled")).status, 404);
    });

    await t.step("verify_jwt: no Authorization header is 401", async () => {
      const res = await call("echo");
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { msg: "Error: Missing authorization header" });
    });

    await t.step("verify_jwt: a JWT signed by another key is 401", async () => {
      const { privateKey } = await jose.generateKeyPair("ES256");
      const keys = await localKeys();
      const forged = await new jose.SignJWT({ role: "authenticated" })
        .setProtectedHeader({ alg: "ES256", kid: keys.kid })
        .setSubject(SEEDED.mspOwner.id)
        .setExpirationTime("1h")
        .sign(privateKey);
      const res = await call("echo", { headers: bearer(forged) });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { msg: "Invalid JWT" });
    });

    await t.step("verify_jwt: an expired session is 401", async () => {
      const expired = await sessionFor(SEEDED.mspOwner, {
        issuedAt: Math.floor(Date.now() / 1000) - 7200,
        expiresInSeconds: 3600,
      });
      const res = await call("echo", { headers: bearer(expired) });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { msg: "Invalid JWT" });
    });

    await t.step(
      "the publishable key passes verify_jwt as anon, and a user-only function refuses it",
      async () => {
        const res = await call("echo", { headers: { apikey: PUBLISHABLE_KEY } });
        assert.equal(res.status, 401);
        assert.equal(res.body.error_code, "user_session_required");
      },
    );

    await t.step("a valid session reaches the function with the path kept and Supabase's env", async () => {
      const res = await call("echo/tickets/42?view=full", {
        headers: { ...bearer(await sessionFor(SEEDED.mspOwner)), apikey: PUBLISHABLE_KEY },
      });
      assert.equal(res.status, 200);
      const data = res.body.data as Record<string, unknown>;
      assert.equal(data.path, "/echo/tickets/42");
      assert.equal(data.search, "?view=full");
      assert.equal(data.user, SEEDED.mspOwner.id);
      assert.equal(data.edge_runtime, true);
      assert.deepEqual(data.injected, [
        "SUPABASE_URL",
        "SUPABASE_DB_URL",
        "SUPABASE_JWKS",
        "SUPABASE_SECRET_KEYS",
        "SUPABASE_PUBLISHABLE_KEYS",
      ]);
    });

    await t.step("API keys map to roles: secret -> service role, publishable -> anon", async () => {
      assert.equal((await call("whoami", { headers: { apikey: SECRET_KEY } })).body.data?.caller, "secret");
      assert.equal(
        (await call("whoami", { headers: { apikey: PUBLISHABLE_KEY } })).body.data?.caller,
        "publishable",
      );
      assert.equal((await call("whoami")).body.data?.caller, "anonymous");
      const wrong = await call("whoami", { headers: { apikey: "sb_secret_not-this-project" } });
      assert.equal(wrong.status, 401);
    });

    await t.step("CORS preflight is answered without credentials", async () => {
      const res = await call("echo", {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "POST" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.match(res.headers.get("access-control-allow-headers") ?? "", /authorization/);
      assert.match(res.headers.get("access-control-allow-headers") ?? "", /apikey/);
    });

    await t.step("a function that cannot boot is 503 BOOT_ERROR", async () => {
      const res = await call("broken");
      assert.equal(res.status, 503);
      assert.equal(res.body.code, "BOOT_ERROR");
    });

    await t.step(
      "a crash takes down only its own process, which boots again on the next request",
      async () => {
        const before = await call("crash");
        assert.equal(before.status, 200);
        const crashed = await call("crash/exit");
        assert.equal(crashed.status, 500);
        assert.equal(crashed.body.code, "WORKER_ERROR");
        const other = await call("whoami", { headers: { apikey: SECRET_KEY } });
        assert.equal(other.status, 200, "another function is unaffected");
        const after = await call("crash");
        assert.equal(after.status, 200);
        assert.notEqual(after.body, before.body, "a new process (new pid) serves it");
      },
    );

    await t.step(
      "edited code serves the next request; the request under way finishes in the old process",
      async () => {
        const file = `${ROOT}/tests/fixtures/supabase/functions/version/version.ts`;
        const original = await Deno.readTextFile(file);
        try {
          assert.deepEqual((await call("version")).body, { version: 1 });
          const underWay = call("version?sleep=1500");
          await new Promise((r) => setTimeout(r, 300));
          await Deno.writeTextFile(file, original.replace("VERSION = 1", "VERSION = 2"));
          const edited = await eventually("the edit served", async () => {
            const res = await call("version");
            return res.body.version === 2 ? res : undefined;
          });
          assert.equal(edited.status, 200);
          const old = await underWay;
          assert.equal(old.status, 200);
          assert.deepEqual(old.body, { version: 1 });
        } finally {
          await Deno.writeTextFile(file, original);
        }
      },
    );

    await t.step("the auth JWKS endpoint publishes the signing key and never the legacy secret", async () => {
      const res = await fetch(`${base}/auth/v1/.well-known/jwks.json`);
      const jwks = await res.json() as { keys: jose.JWK[] };
      assert.equal(jwks.keys.length, 1);
      assert.equal(jwks.keys[0].kty, "EC");
      assert.equal(jwks.keys[0].d, undefined);
      assert.ok(jwks.keys.every((k) => k.kty !== "oct"));
    });
  } finally {
    gateway.kill("SIGTERM");
    const status = await gateway.status;
    assert.equal(status.code, 0, "the gateway shuts down cleanly");
  }
});
