// cache-read-clients: the organizations of the caller's accounts, from the caller's session (RLS),
// in the seeds' shape. The seeds took a `u_id` parameter; here it may only name the caller, so it
// can never widen the list. The list comes from our own table on every call: fetched_at is now and
// expires_at tells the dashboard how long it may keep it (POSTURE_CLIENTS_TTL_HOURS).
import { z } from "zod";
import type { UserClaims } from "../auth.ts";
import { asUser } from "../db.ts";
import { Forbidden } from "../errors.ts";
import { freshness, replyCached } from "./freshness.ts";
import { usDate } from "./format.ts";
import { postureSettings } from "./settings.ts";

export const ClientsQuery = z.object({ u_id: z.uuid().optional() });

interface OrganizationRow {
  id: string;
  organization_name: string;
  domain: string | null;
  industry: string | null;
  organization_size: string | null;
  status: string;
  ninjaone_org_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function clientItem(o: OrganizationRow) {
  return {
    ninjaone_org_id: o.ninjaone_org_id,
    organization_name: o.organization_name,
    domain: { url: o.domain, text: "Visit Website" },
    org_id: Number(o.id),
    created: { created_date: usDate(o.created_at), updated_date: usDate(o.updated_at) },
    status: capitalized(o.status),
    industry: o.industry,
    organization_size: o.organization_size,
  };
}

export async function readClients(claims: UserClaims, query: z.infer<typeof ClientsQuery>) {
  if (query.u_id && query.u_id !== claims.sub) {
    throw new Forbidden("u_id may only be your own user id: the clients list comes from your session");
  }
  const rows = await asUser(
    claims,
    (tx) =>
      tx<OrganizationRow[]>`select id, organization_name, domain, industry, organization_size, status,
        ninjaone_org_id, created_at, updated_at
      from public.organizations order by created_at desc, id`,
  );
  const clients = rows.map(clientItem);
  const fresh = freshness(new Date(), postureSettings().POSTURE_CLIENTS_TTL_HOURS);
  return replyCached({ success: true, clients, count: clients.length }, fresh);
}
