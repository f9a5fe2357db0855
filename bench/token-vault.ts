// Token vault: (1) tokens served per second to callers of a connection whose token is valid
// (the isolate cache) beside the uncached path (read + unseal every time); (2) 200 concurrent
// callers in 4 instances when the token has expired: identity-platform calls and each caller's
// wait, beside the naive baseline that refreshes once per caller. Medians of 3 runs.
import { delegatedApp, sealingKeys } from "../supabase/functions/_shared/env.ts";
import { refreshTokens } from "../supabase/functions/_shared/oauth.ts";
import { unseal } from "../supabase/functions/_shared/sealed.ts";
import { connectionToken, sealedFor } from "../supabase/functions/_shared/token-vault.ts";
import { sql } from "../supabase/functions/_shared/db.ts";
import {
  connectMailbox,
  emulatedUsers,
  ordinaryMember,
  refreshGrants,
  ROOT,
  SEEDED,
  sessionFor,
} from "../tests/support/stack.ts";
import { graphRequestTotal, median, round, summaryLine } from "./support.ts";

const RUNS = 3;
const CACHED_CALLS = 100_000;
const UNCACHED_CALLS = 500;
const INSTANCES = 4;
const CALLERS = 50; // per instance: 200 in all

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

// A connection of the bench's own, made through the real OAuth flow.
const person = (await emulatedUsers("contoso", ordinaryMember)).at(-1)!;
const connected = await connectMailbox(await sessionFor(SEEDED.mspAgent), {
  account_id: SEEDED.mspAccount,
  purpose: "read",
  scope: "personal",
  login_hint: person.userPrincipalName,
});
const connectionId = connected.appRedirect!.searchParams.get("connection_id")!;
const graphBefore = await graphRequestTotal();

async function perSecond(calls: number, call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call();
  return calls / ((performance.now() - started) / 1000);
}

const uncached = async () => {
  const [row] = await sql()<{ access_token_jwe: string }[]>`
    select access_token_jwe from private.oauth_tokens where connection_id = ${connectionId}`;
  return await unseal(row.access_token_jwe, sealedFor(connectionId, "access_token"), sealingKeys());
};

const expire = () =>
  sql()`update private.oauth_tokens set expires_at = now() - interval '1 minute' where connection_id = ${connectionId}`;

async function singleFlight() {
  await expire();
  const before = await refreshGrants();
  const outputs = await Promise.all(Array.from({ length: INSTANCES }, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}/tests/support/token-callers.ts`, connectionId, String(CALLERS)],
      stdout: "piped",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout)) as { errors: string[]; waits: number[] };
  }));
  const errors = outputs.flatMap((o) => o.errors);
  if (errors.length) throw new Error(`callers failed: ${errors[0]}`);
  return { idpCalls: (await refreshGrants()) - before, waits: outputs.flatMap((o) => o.waits) };
}

// The naive vault: every caller that finds the token expired refreshes it itself.
async function refreshPerCaller() {
  await expire();
  const [row] = await sql()<{ refresh_token_jwe: string; tenant_id: string }[]>`
    select t.refresh_token_jwe, c.tenant_id from private.oauth_tokens t
    join public.m365_connections c on c.id = t.connection_id where t.connection_id = ${connectionId}`;
  const refreshToken = await unseal(
    row.refresh_token_jwe,
    sealedFor(connectionId, "refresh_token"),
    sealingKeys(),
  );
  const before = await refreshGrants();
  const waits = await Promise.all(Array.from({ length: INSTANCES * CALLERS }, async () => {
    const started = performance.now();
    await refreshTokens(delegatedApp(), row.tenant_id, refreshToken);
    return performance.now() - started;
  }));
  return { idpCalls: (await refreshGrants()) - before, waits };
}

const cached: number[] = [];
const plain: number[] = [];
const ours: { idpCalls: number; waits: number[] }[] = [];
const naive: { idpCalls: number; waits: number[] }[] = [];
for (let run = 0; run < RUNS; run++) {
  await connectionToken(connectionId); // warm this isolate's cache
  cached.push(await perSecond(CACHED_CALLS, () => connectionToken(connectionId)));
  plain.push(await perSecond(UNCACHED_CALLS, uncached));
  ours.push(await singleFlight());
  naive.push(await refreshPerCaller());
}
const graphRequests = (await graphRequestTotal()) - graphBefore;
await sql().end();

const p = (runs: { waits: number[] }[], q: number) => round(median(runs.map((r) => percentile(r.waits, q))));
console.log(
  `tokens served, valid token: cached ${cached.map((v) => round(v, 0)).join(", ")} /s; ` +
    `read+unseal each time ${plain.map((v) => round(v, 0)).join(", ")} /s`,
);
console.log(
  `200 callers, expired token: identity calls ${ours.map((r) => r.idpCalls).join(", ")}; ` +
    `naive ${naive.map((r) => r.idpCalls).join(", ")}`,
);
console.log(
  `wait p50/p99 ms: single-flight ${p(ours, 50)}/${p(ours, 99)}, naive ${p(naive, 50)}/${p(naive, 99)}`,
);
console.log(summaryLine("token-vault", {
  cached_tokens_per_s: round(median(cached), 0),
  baseline_uncached_tokens_per_s: round(median(plain), 0),
  refresh_callers: INSTANCES * CALLERS,
  refresh_idp_calls: median(ours.map((r) => r.idpCalls)),
  baseline_idp_calls: median(naive.map((r) => r.idpCalls)),
  wait_p50_ms: p(ours, 50),
  wait_p99_ms: p(ours, 99),
  baseline_wait_p50_ms: p(naive, 50),
  baseline_wait_p99_ms: p(naive, 99),
  graph_requests: graphRequests,
}));
