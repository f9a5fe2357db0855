// Looking into a connection: is it healthy (token, scopes, mailbox reachable), and which
// mailboxes and folders can it reach (its own, plus shared mailboxes people name).
import { GraphError } from "@microsoft/microsoft-graph-client";
import { z } from "zod";
import type { UserClaims } from "./auth.ts";
import { asUser, sql } from "./db.ts";
import { HttpError, NotFound } from "./errors.ts";
import { batch, type BatchItem } from "./graph-batch.ts";
import { delegatedGraph } from "./graph.ts";
import { type Purpose, PURPOSE_SCOPES } from "./oauth.ts";
import { connectionToken } from "./token-vault.ts";

const REQUEST_BUDGET_MS = 20_000;

interface Connection {
  id: string;
  account_id: string;
  purpose: Purpose;
  granted_scopes: string[];
  user_principal_name: string | null;
  status: string;
}

/** The connection, if the caller may see it. */
async function visibleConnection(claims: UserClaims, connectionId: string): Promise<Connection> {
  const [connection] = await asUser(
    claims,
    (tx) =>
      tx<Connection[]>`select id, account_id, purpose, granted_scopes, user_principal_name, status
      from public.m365_connections where id = ${connectionId}`,
  );
  if (!connection) throw new NotFound("no such connection");
  return connection;
}

// OIDC scopes and offline_access are never echoed back by Microsoft; they cannot be "missing".
const NOT_ECHOED = new Set(["openid", "profile", "email", "offline_access"]);

/** Scopes the purpose needs that Microsoft did not grant (case-insensitive, as Entra is). */
export function missingScopes(purpose: Purpose, granted: string[]): string[] {
  const have = new Set(granted.map((s) => s.toLowerCase()));
  return PURPOSE_SCOPES[purpose].filter((s) => !NOT_ECHOED.has(s) && !have.has(s.toLowerCase()));
}

export interface Check {
  check: "token" | "scopes" | "mailbox";
  ok: boolean | null; // null: not run, because an earlier check failed
  detail: string;
}

/** test-email: token valid, scopes granted, mailbox reachable. */
export async function testConnection(claims: UserClaims, connectionId: string) {
  const connection = await visibleConnection(claims, connectionId);
  const checks: Check[] = [];
  try {
    await connectionToken(connection.id);
    checks.push({ check: "token", ok: true, detail: "an access token is available" });
  } catch (error) {
    checks.push({ check: "token", ok: false, detail: (error as Error).message });
  }
  const missing = missingScopes(connection.purpose, connection.granted_scopes);
  checks.push({
    check: "scopes",
    ok: missing.length === 0,
    detail: missing.length
      ? `not granted: ${missing.join(", ")}`
      : `granted: ${connection.granted_scopes.join(" ")}`,
  });
  if (checks[0].ok) {
    const { client, log } = delegatedGraph(connection, Date.now() + REQUEST_BUDGET_MS);
    try {
      const inbox = await client.api("/me/mailFolders/inbox").select("id,displayName,totalItemCount").get();
      checks.push({
        check: "mailbox",
        ok: true,
        detail: `inbox reachable (${inbox.totalItemCount} messages)`,
      });
    } catch (error) {
      const graph = error instanceof GraphError
        ? `${error.statusCode} ${error.code ?? ""}`.trim()
        : "no answer";
      checks.push({ check: "mailbox", ok: false, detail: `Graph answered ${graph}` });
    } finally {
      await log.flush(sql()).catch(() => {});
    }
  } else {
    checks.push({ check: "mailbox", ok: null, detail: "not checked: no token" });
  }
  return { connection_id: connection.id, healthy: checks.every((c) => c.ok), checks };
}

export const MailboxesQuery = z.object({
  connection_id: z.uuid(),
  /** Shared mailboxes to look for, comma-separated (Graph cannot list what a user may open). */
  shared: z.string().max(4000).optional().transform((text, ctx) => {
    const addresses = (text ?? "").split(",").map((a) => a.trim().toLowerCase()).filter(Boolean);
    const bad = addresses.filter((a) => !z.email().safeParse(a).success);
    if (bad.length) ctx.addIssue({ code: "custom", message: `not email addresses: ${bad.join(", ")}` });
    if (addresses.length > 12) {
      ctx.addIssue({ code: "custom", message: "at most 12 shared mailboxes at once" });
    }
    return [...new Set(addresses)];
  }),
});

// Folder names are localized; well-known names are not (look them up by alias, never by name).
const WELL_KNOWN = ["inbox", "sentitems", "drafts", "deleteditems", "junkemail", "archive"] as const;
const FOLDER_FIELDS = "id,displayName,parentFolderId,childFolderCount,totalItemCount,unreadItemCount";

interface GraphFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
  childFolderCount: number;
  totalItemCount: number;
  unreadItemCount: number;
}

function folders(list: unknown, wellKnown: Map<string, string>) {
  return ((list as { value?: GraphFolder[] })?.value ?? []).map((f) => ({
    id: f.id,
    display_name: f.displayName,
    well_known_name: wellKnown.get(f.id) ?? null,
    parent_folder_id: f.parentFolderId,
    child_folder_count: f.childFolderCount,
    total_item_count: f.totalItemCount,
    unread_item_count: f.unreadItemCount,
  }));
}

/** list-mailboxes: the user's own mailbox and the named shared ones, with their top folders, in one batch. */
export async function listMailboxes(claims: UserClaims, input: z.infer<typeof MailboxesQuery>) {
  const connection = await visibleConnection(claims, input.connection_id);
  // A dead grant is a 401 and an identity outage a 502 with Retry-After; inside the SDK's token
  // handler either would become an anonymous GraphError.
  await connectionToken(connection.id);
  const { client, log } = delegatedGraph(connection, Date.now() + REQUEST_BUDGET_MS);
  try {
    const items: BatchItem[] = [
      { id: "me", url: "/me?$select=id,displayName,mail,userPrincipalName" },
      { id: "me:folders", url: `/me/mailFolders?$top=100&$select=${FOLDER_FIELDS}` },
      ...WELL_KNOWN.map((name) => ({ id: `me:${name}`, url: `/me/mailFolders/${name}?$select=id` })),
      ...input.shared.map((address, i) => ({
        id: `shared:${i}`,
        url: `/users/${encodeURIComponent(address)}/mailFolders?$top=100&$select=${FOLDER_FIELDS}`,
      })),
    ];
    const results = await batch(client, items, { deadline: Date.now() + REQUEST_BUDGET_MS });
    const me = results.get("me");
    if (me?.status !== 200) {
      throw new HttpError(
        502,
        "graph_error",
        `Graph could not read the signed-in user (${me?.status ?? "no answer"})`,
      );
    }
    const wellKnown = new Map<string, string>();
    for (const name of WELL_KNOWN) {
      const found = results.get(`me:${name}`);
      if (found?.status === 200) wellKnown.set((found.body as { id: string }).id, name);
    }
    const profile = me.body as { displayName: string; mail: string | null; userPrincipalName: string };
    return {
      connection_id: connection.id,
      mailboxes: [
        {
          address: (profile.mail ?? profile.userPrincipalName).toLowerCase(),
          display_name: profile.displayName,
          kind: "own",
          reachable: results.get("me:folders")?.status === 200,
          folders: folders(results.get("me:folders")?.body, wellKnown),
        },
        ...input.shared.map((address, i) => {
          const result = results.get(`shared:${i}`);
          return {
            address,
            display_name: null,
            kind: "shared",
            reachable: result?.status === 200,
            // 403 or 404: this user has no access, or there is no such mailbox (Graph does not say which)
            reason: result?.status === 200 ? null : `Graph answered ${result?.status ?? "nothing"}`,
            folders: result?.status === 200 ? folders(result.body, new Map()) : [],
          };
        }),
      ],
    };
  } finally {
    await log.flush(sql()).catch(() => {});
  }
}
