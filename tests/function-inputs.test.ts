// Bad input on every function: missing or garbage parameters, wrong types, oversized bodies and
// unknown routes get a 4xx envelope that says what was wrong, never a 500 or a stack trace.
import assert from "node:assert/strict";
import { invoke, SECRET_KEY, SEEDED, sessionFor } from "./support/stack.ts";

interface Case {
  slug: string;
  method?: string;
  query?: Record<string, string>;
  body?: unknown;
  status: number;
  message: RegExp;
  as?: "owner" | "secret" | "none";
}

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const huge = { account_id: SEEDED.mspAccount, purpose: "read", redirect_to: "x".repeat(70 * 1024) };

const CASES: Case[] = [
  { slug: "oauth-authorize", body: {}, status: 400, message: /account_id/ },
  {
    slug: "oauth-authorize",
    body: { account_id: "nope", purpose: "admin", redirect_to: "x" },
    status: 400,
    message: /account_id: .*purpose: .*redirect_to: /s,
  },
  { slug: "oauth-authorize", body: [1, 2, 3], status: 400, message: /invalid body/ },
  { slug: "oauth-authorize", body: huge, status: 413, message: /larger than 64 KiB/ },
  { slug: "oauth-authorize", method: "GET", query: {}, status: 400, message: /invalid query/ },
  { slug: "oauth-authorize", method: "DELETE", status: 405, message: /method DELETE/ },
  { slug: "oauth-callback", method: "GET", query: {}, status: 400, message: /state/, as: "none" },
  {
    slug: "oauth-callback",
    method: "GET",
    query: { state: "short" },
    status: 400,
    message: /state/,
    as: "none",
  },
  {
    slug: "oauth-callback",
    method: "GET",
    query: { state: "x".repeat(40), code: "c" },
    status: 400,
    message: /unknown or was already completed/,
    as: "none",
  },
  {
    slug: "oauth-callback",
    method: "GET",
    query: { state: "x".repeat(40), code: "c".repeat(9000) },
    status: 400,
    message: /code/,
    as: "none",
  },
  { slug: "oauth-callback", method: "POST", body: {}, status: 405, message: /method POST/, as: "none" },
  { slug: "refresh-token", body: {}, status: 400, message: /connection_id/ },
  { slug: "refresh-token", body: { connection_id: 42 }, status: 400, message: /connection_id/ },
  { slug: "refresh-token", body: { connection_id: UNKNOWN }, status: 404, message: /no such connection/ },
  { slug: "refresh-token", method: "GET", status: 405, message: /method GET/ },
  { slug: "connections", method: "GET", query: { account_id: "abc" }, status: 400, message: /account_id/ },
  { slug: "connections", method: "DELETE", query: {}, status: 400, message: /connection_id/ },
  {
    slug: "connections",
    method: "DELETE",
    query: { connection_id: UNKNOWN },
    status: 404,
    message: /no such connection/,
  },
  { slug: "connections/nothing-here", body: {}, status: 404, message: /no such action/ },
  { slug: "connections/disconnect", body: { connection_id: "x" }, status: 400, message: /connection_id/ },
  {
    slug: "test-email",
    method: "GET",
    query: { connection_id: "1 or 1=1" },
    status: 400,
    message: /connection_id/,
  },
  { slug: "test-email", body: { connection_id: UNKNOWN }, status: 404, message: /no such connection/ },
  {
    slug: "list-mailboxes",
    method: "GET",
    query: { connection_id: UNKNOWN, shared: "not-an-address" },
    status: 400,
    message: /not email addresses/,
  },
  {
    slug: "list-mailboxes",
    method: "GET",
    query: { connection_id: UNKNOWN, shared: Array.from({ length: 13 }, (_, i) => `m${i}@x.test`).join(",") },
    status: 400,
    message: /at most 12/,
  },
  {
    slug: "list-mailboxes",
    method: "GET",
    query: { connection_id: UNKNOWN },
    status: 404,
    message: /no such connection/,
  },
  { slug: "list-mailboxes", body: {}, status: 405, message: /method POST/ },
  { slug: "m365-credentials", method: "GET", query: {}, status: 400, message: /organization_id/ },
  {
    slug: "m365-credentials",
    body: { organization_id: SEEDED.organizations.contoso, tenant_id: "t", client_id: UNKNOWN },
    status: 400,
    message: /tenant_id: .*client_secret: /s,
  },
  {
    slug: "m365-credentials",
    body: { organization_id: 999999, tenant_id: UNKNOWN, client_id: UNKNOWN, client_secret: "secret-value" },
    status: 404,
    message: /no such organization/,
  },
  { slug: "m365-credentials/rotate-everything", body: {}, status: 404, message: /no such action/ },
  {
    slug: "m365-credentials/validate",
    body: { organization_id: "12abc" },
    status: 400,
    message: /organization_id/,
  },
  { slug: "m365-credentials", method: "PUT", body: {}, status: 405, message: /method PUT/ },
  { slug: "health", method: "PUT", body: {}, status: 405, message: /method PUT/, as: "secret" },
];

Deno.test("bad input never reaches a 500", async (t) => {
  const owner = await sessionFor(SEEDED.mspOwner);
  for (const c of CASES) {
    const name = `${c.method ?? (c.body === undefined ? "GET" : "POST")} ${c.slug} ${
      JSON.stringify(c.query ?? c.body ?? {}).slice(0, 60)
    }`;
    await t.step(name, async () => {
      const res = await invoke(c.slug, {
        method: c.method,
        query: c.query,
        body: c.body,
        session: c.as === "none" || c.as === "secret" ? undefined : owner,
        apikey: c.as === "secret" ? SECRET_KEY : undefined,
      });
      assert.equal(res.status, c.status, JSON.stringify(res.body));
      assert.equal(res.body.status_code, c.status);
      assert.equal(res.body.data, null);
      assert.match(res.body.error, c.message);
      assert.ok(res.body.error_code);
      assert.doesNotMatch(JSON.stringify(res.body), /\bat \w+ \(|\.ts:\d+|stack/i, "no stack trace");
    });
  }
});
