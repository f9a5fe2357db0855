// The HTTP shell every function shares (_shared/http.ts, auth.ts, log.ts), called directly.
import assert from "node:assert/strict";
import * as jose from "jose";
import { z } from "zod";
import { BadRequest, NotFound } from "../supabase/functions/_shared/errors.ts";
import { handler } from "../supabase/functions/_shared/http.ts";
import { redact } from "../supabase/functions/_shared/log.ts";
import { localKeys, PUBLISHABLE_KEY, SECRET_KEY, SEEDED, sessionFor, SUPABASE_URL } from "./support/stack.ts";

const url = "http://functions.test/example";

async function envelope(res: Response) {
  const body = await res.json();
  assert.equal(body.status_code, res.status, "the HTTP status equals status_code");
  assert.deepEqual(Object.keys(body).sort(), ["data", "error", "error_code", "status_code"]);
  return body;
}

const echoCaller = handler({ auth: "user" }, ({ caller }) => caller);

Deno.test("success is the envelope with data", async () => {
  const res = await handler({ auth: "none" }, () => ({ hello: "world" }))(new Request(url));
  assert.equal(res.status, 200);
  assert.deepEqual(await envelope(res), {
    status_code: 200,
    data: { hello: "world" },
    error: null,
    error_code: null,
  });
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

Deno.test("OPTIONS is a CORS preflight, whatever the auth mode", async () => {
  const res = await handler({ auth: "secret" }, () => "never")(new Request(url, { method: "OPTIONS" }));
  assert.equal(res.status, 204);
  assert.match(res.headers.get("access-control-allow-headers")!, /apikey/);
});

Deno.test("a method the function does not serve is 405", async () => {
  const res = await handler({ auth: { GET: "none" } }, () => "ok")(
    new Request(url, { method: "DELETE" }),
  );
  assert.equal(res.status, 405);
  assert.equal((await envelope(res)).error_code, "method_not_allowed");
});

Deno.test("bad input is a 400 that says what was wrong", async () => {
  const Body = z.object({ mailboxId: z.uuid(), purpose: z.enum(["read", "write"]) });
  const fn = handler({ auth: "none" }, async ({ body }) => await body(Body));
  const bad = await fn(
    new Request(url, { method: "POST", body: JSON.stringify({ mailboxId: "nope", purpose: "x" }) }),
  );
  assert.equal(bad.status, 400);
  const { error, error_code } = await envelope(bad);
  assert.equal(error_code, "invalid_input");
  assert.match(error, /^invalid body: /);
  assert.match(error, /mailboxId: /);
  assert.match(error, /purpose: /);

  const notJson = await fn(new Request(url, { method: "POST", body: "{mailboxId" }));
  assert.equal((await envelope(notJson)).error_code, "invalid_json");

  const Query = z.object({ top: z.coerce.number().int().max(100) });
  const q = await handler({ auth: "none" }, ({ query }) => query(Query))(new Request(`${url}?top=500`));
  assert.match((await envelope(q)).error, /^invalid query: top: /);
});

Deno.test("typed errors map to their statuses", async () => {
  const cases: [Error, number, string][] = [
    [new BadRequest("purpose must be read or write"), 400, "bad_request"],
    [new NotFound("no such mailbox"), 404, "not_found"],
  ];
  for (const [error, status, code] of cases) {
    const res = await handler({ auth: "none" }, () => {
      throw error;
    })(new Request(url));
    assert.equal(res.status, status);
    assert.deepEqual(await envelope(res), {
      status_code: status,
      data: null,
      error: error.message,
      error_code: code,
    });
  }
});

Deno.test("an unexpected error is a 500 that shows nothing of it", async () => {
  const secret = "refresh_token=0.AAAA-super-secret";
  const logged: string[] = [];
  const original = console.error;
  console.error = (line: string) => logged.push(line);
  try {
    const res = await handler({ auth: "none" }, () => {
      throw new Error(`token endpoint failed with ${secret}`);
    })(new Request(url));
    assert.equal(res.status, 500);
    const body = await envelope(res);
    assert.equal(body.error, "something went wrong on our side");
    assert.doesNotMatch(JSON.stringify(body), /super-secret|stack|at /);
  } finally {
    console.error = original;
  }
  assert.equal(logged.length, 1);
  assert.doesNotMatch(logged[0], /super-secret/, "the log line is scrubbed too");
});

Deno.test("secret mode: only the secret key", async () => {
  const fn = handler({ auth: "secret" }, ({ caller }) => caller.kind);
  assert.equal((await fn(new Request(url))).status, 401);
  assert.equal((await fn(new Request(url, { headers: { apikey: PUBLISHABLE_KEY } }))).status, 403);
  const ok = await fn(new Request(url, { headers: { apikey: SECRET_KEY } }));
  assert.equal((await envelope(ok)).data, "secret");
  const legacy = await fn(
    new Request(url, { headers: { authorization: `Bearer ${Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")}` } }),
  );
  assert.equal(
    (await envelope(legacy)).data,
    "secret",
    "the legacy service_role JWT counts as the secret key",
  );
});

Deno.test("user mode: a valid session is the caller; anything else is 401", async () => {
  const session = await sessionFor(SEEDED.mspAgent);
  const ok = await echoCaller(
    new Request(url, { headers: { authorization: `Bearer ${session}`, apikey: PUBLISHABLE_KEY } }),
  );
  const { data } = await envelope(ok);
  assert.equal(data.kind, "user");
  assert.equal(data.userId, SEEDED.mspAgent.id);
  assert.equal(data.claims.email, SEEDED.mspAgent.email);

  const expired = await sessionFor(SEEDED.mspAgent, { issuedAt: Math.floor(Date.now() / 1000) - 7200 });
  const keys = await localKeys();
  const otherIssuer = await new jose.SignJWT({ role: "authenticated" })
    .setProtectedHeader({ alg: "ES256", kid: keys.kid })
    .setIssuer("https://another-project.supabase.co/auth/v1")
    .setSubject(SEEDED.mspAgent.id)
    .setExpirationTime("1h")
    .sign(keys.privateKey);
  const unsigned = new jose.UnsecuredJWT({
    role: "authenticated",
    sub: SEEDED.mspAgent.id,
    iss: `${SUPABASE_URL}/auth/v1`,
  })
    .encode();
  const refused: [string, Record<string, string>, RegExp][] = [
    ["expired", { authorization: `Bearer ${expired}` }, /expired/],
    [
      "another project's issuer",
      { authorization: `Bearer ${otherIssuer}` },
      /not a user session of this project/,
    ],
    ["alg none", { authorization: `Bearer ${unsigned}` }, /does not verify/],
    ["garbage", { authorization: "Bearer not.a.jwt" }, /does not verify/],
    ["publishable key only", { apikey: PUBLISHABLE_KEY }, /needs a user session/],
    ["secret key only", { apikey: SECRET_KEY }, /needs a user session/],
  ];
  for (const [name, headers, message] of refused) {
    const res = await echoCaller(new Request(url, { headers }));
    assert.equal(res.status, 401, name);
    assert.match((await envelope(res)).error, message, name);
  }
});

Deno.test("redact scrubs tokens, keys and secrets from log text", () => {
  const samples = [
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    "apikey sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz used",
    "grant_type=refresh_token&refresh_token=0.AXYZ-secret&client_secret=abc~123",
    '{"access_token":"EwB4A8l6BAAU-secret","token_type":"Bearer"}',
    "jwe eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv.cipher.tag",
  ];
  for (const text of samples) {
    const out = redact(text);
    assert.doesNotMatch(out, /eyJ|sb_secret_N7|0\.AXYZ|abc~123|EwB4A8/, out);
    assert.match(out, /\[redacted\]/);
  }
  assert.equal(
    redact("mailbox support@contoso.test synced 42 messages"),
    "mailbox support@contoso.test synced 42 messages",
  );
});
