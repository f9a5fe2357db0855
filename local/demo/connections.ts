// LOCAL ONLY. Demo chapter: a help desk connects its mailbox through the real OAuth flow (the
// emulator plays Microsoft and consents), and an MSP's app-only credentials are validated.
import { createClient } from "@supabase/supabase-js";
import type postgres from "postgres";
import { loadKeys, userSessionJwt } from "../auth-keys.ts";
import { outcome, show, title } from "./narrate.ts";

export const HELPDESK = {
  account: "a2000000-0000-4000-8000-000000000002",
  owner: { id: "33333333-3333-4333-8333-333333333333", email: "owner@northwind-support.test" },
  microsoftUser: "admin@northwindtraders.onmicrosoft.com",
};
export const MSP = {
  owner: { id: "11111111-1111-4111-8111-111111111111", email: "owner@adatum-msp.test" },
  organizations: {
    "Contoso Ltd": "101",
    "Fabrikam GmbH": "102",
    "Tailspin Toys": "103",
  },
};
const APP_PAGE = "http://localhost:3000/settings/microsoft";

/** A supabase-js client signed in as a seeded user, the way the SaaS front end calls us. */
export async function clientFor(user: { id: string; email: string }) {
  const url = Deno.env.get("SUPABASE_URL")!;
  const jwt = await userSessionJwt(await loadKeys(".local/keys.json"), url, user);
  return createClient(url, Deno.env.get("SUPABASE_PUBLISHABLE_KEY")!, {
    global: { headers: { Authorization: `Bearer ${jwt}` } },
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

type Client = Awaited<ReturnType<typeof clientFor>>;

/** supabase.functions.invoke, unwrapped from our envelope. */
export async function call<T = Record<string, unknown>>(
  client: Client,
  slug: string,
  options: { body?: unknown; method?: "GET" | "POST" | "DELETE" } = {},
): Promise<T> {
  const { data, error } = await client.functions.invoke(slug, options as never);
  if (error) {
    const body = await (error as { context?: Response }).context?.json().catch(() => null);
    throw new Error(`${slug}: ${body?.error ?? error.message}`);
  }
  return (data as { data: T }).data;
}

/** Connect a Microsoft 365 user for an account (the help desk's by default), as the browser would. */
export async function connect(
  client: Client,
  purpose: "read" | "write",
  { account = HELPDESK.account, microsoftUser = HELPDESK.microsoftUser } = {},
): Promise<string | undefined> {
  const { authorize_url } = await call<{ authorize_url: string }>(client, "oauth-authorize", {
    body: {
      account_id: account,
      purpose,
      scope: "account",
      redirect_to: APP_PAGE,
      login_hint: microsoftUser,
    },
  });
  show(
    `oauth-authorize -> ${new URL(authorize_url).origin}${
      new URL(authorize_url).pathname
    } (PKCE, state, nonce)`,
  );
  const microsoft = await fetch(authorize_url, { redirect: "manual" });
  await microsoft.body?.cancel();
  const callback = new URL(microsoft.headers.get("location")!);
  show(
    `Microsoft signed in ${microsoftUser}, consented, and sent the browser to ${callback.pathname}`,
  );
  const back = await fetch(callback, { redirect: "manual" });
  await back.body?.cancel();
  const result = new URL(back.headers.get("location")!);
  show(`oauth-callback redeemed the code and sent the browser back: ${result.search}`);
  return result.searchParams.get("connection_id") ?? undefined;
}

export async function connectionsChapter(sql: postgres.Sql) {
  title("A help desk connects its Microsoft 365 mailbox (Northwind Support)");
  const nina = await clientFor(HELPDESK.owner);
  for (const purpose of ["read", "write"] as const) {
    const id = await connect(nina, purpose);
    const [row] = id
      ? await sql`select c.status, c.granted_scopes, left(t.access_token_jwe, 36) as sealed
          from public.m365_connections c join private.oauth_tokens t on t.connection_id = c.id where c.id = ${id}`
      : [];
    if (row) {
      show(
        `stored: status ${row.status}; scopes ${
          row.granted_scopes.join(" ")
        }; token sealed as ${row.sealed}…`,
      );
    }
    outcome(`${purpose} connection through the OAuth flow`, row?.status === "active", id ?? "no connection");
  }
  const connections = await call<
    { id: string; purpose: string; healthy: boolean; token_expires_at: string }[]
  >(
    nina,
    "connections",
    { method: "GET" },
  );
  for (const c of connections) {
    show(`connection ${c.id} (${c.purpose}): healthy ${c.healthy}, token until ${c.token_expires_at}`);
  }

  title("An MSP validates the app-only credentials of its clients (Adatum MSP)");
  const olivia = await clientFor(MSP.owner);
  for (const [name, organization_id] of Object.entries(MSP.organizations)) {
    const status = await call<{ credential_status: string; validated: boolean; error: string | null }>(
      olivia,
      "m365-credentials/validate",
      { body: { organization_id } },
    );
    outcome(`${name}: app-only token`, status.validated, status.credential_status);
  }
  const check = await call<{ tenant: { display_name: string }; application_permissions: string[] }>(
    olivia,
    "m365-credentials/test-token-generation",
    { body: { organization_id: MSP.organizations["Contoso Ltd"] } },
  );
  show(
    `test-token-generation: read tenant "${check.tenant.display_name}" with ${check.application_permissions.length} application permissions`,
  );
}
