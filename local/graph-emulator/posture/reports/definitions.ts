// The usage reports the emulator serves: their CSV columns (columns.json) and rows,
// rendered from the posture world's per-user usage. A report's data lags its refresh date by one
// to three days, and concealed-name tenants see hashes instead of names, UPNs, ids and site URLs.
import { Random } from "../../core/random.ts";
import type { Tenant, User } from "../../world/types.ts";
import { SKUS } from "../catalogue/skus.ts";
import type { PostureTenant, UserUsage } from "../state.ts";
import columns from "./columns.json" with { type: "json" };
import { type Cell, reportDate } from "./csv.ts";

const DAY = 86_400_000;
const GB = 1024 ** 3;

export const REPORT_PERIODS: Record<string, number> = { D7: 7, D30: 30, D90: 90, D180: 180 };

/** Columns that name a person or their site: concealed when the tenant conceals names. */
const IDENTIFYING = new Set([
  "User Principal Name",
  "Display Name",
  "Owner Display Name",
  "Owner Principal Name",
  "Site URL",
  "User Id",
]);

interface RowContext {
  tenant: Tenant;
  user: User;
  usage: UserUsage;
  refresh: number;
  days: number;
}

export interface ReportDefinition {
  name: string;
  /** How many days the data lags the world's epoch. */
  lagDays: number;
  columns: readonly string[];
  /** One row per user the report covers, or null for users it leaves out. */
  row(ctx: RowContext): Cell[] | null;
}

const lastActivity = (at: number | null, refresh: number) =>
  reportDate(at === null ? null : Math.min(at, refresh));

/** Activity counts over the period: the daily rate, if the user was active in the period. */
const over = (ctx: RowContext, perDay: number, last: number | null) =>
  last !== null && last >= ctx.refresh - ctx.days * DAY ? Math.round(perDay * ctx.days * 0.7) : 0;

function assignedProducts(user: User): string {
  return user.graph.assignedLicenses.map((a) =>
    SKUS.find((s) => s.skuId === a.skuId)?.displayName.toUpperCase()
  )
    .filter(Boolean).join("+");
}

function duration(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** Exchange's quota ladder: warning, prohibit send, prohibit send/receive. */
function quotas(quota: number): [number, number, number] {
  return quota >= 100 * GB ? [quota - 2 * GB, quota - GB, quota] : [quota - GB, quota - GB / 2, quota];
}

/** A report's name, lag and CSV columns (columns.json, as the v1.0 docs list them). */
function report(name: keyof typeof columns) {
  return { name, ...columns[name] };
}

export const REPORTS: readonly ReportDefinition[] = [
  {
    ...report("getMailboxUsageDetail"),
    row({ user, usage, refresh, days }) {
      const m = usage.mailbox;
      if (!m) return null;
      return [
        reportDate(refresh),
        user.graph.userPrincipalName,
        user.graph.displayName,
        false,
        null,
        user.graph.createdDateTime.slice(0, 10),
        lastActivity(m.lastActivity, refresh),
        m.itemCount,
        m.storageUsed,
        ...quotas(m.quota),
        m.deletedItemCount,
        m.deletedItemSize,
        30 * GB,
        m.hasArchive,
        days,
      ];
    },
  },
  {
    ...report("getOneDriveUsageAccountDetail"),
    row(ctx) {
      const d = ctx.usage.oneDrive;
      if (!d) return null;
      return [
        reportDate(ctx.refresh),
        d.siteUrl,
        ctx.user.graph.displayName,
        false,
        lastActivity(d.lastActivity, ctx.refresh),
        d.fileCount,
        over(ctx, d.fileCount * d.activeFileShare / 30, d.lastActivity),
        d.storageUsed,
        d.storageAllocated,
        ctx.user.graph.userPrincipalName,
        ctx.days,
      ];
    },
  },
  {
    ...report("getTeamsUserActivityUserDetail"),
    row(ctx) {
      const t = ctx.usage.teams;
      if (!t) return null;
      const meetings = over(ctx, t.meetingsPerDay, t.lastActivity);
      const organized = Math.floor(meetings / 3);
      const audio = meetings * 1800 + over(ctx, t.callsPerDay, t.lastActivity) * 300;
      const video = Math.floor(audio / 2);
      const share = Math.floor(audio / 6);
      return [
        reportDate(ctx.refresh),
        ctx.tenant.profile.displayName,
        "",
        ctx.user.id,
        ctx.user.graph.userPrincipalName,
        lastActivity(t.lastActivity, ctx.refresh),
        false,
        null,
        assignedProducts(ctx.user),
        over(ctx, t.chatPerDay, t.lastActivity),
        over(ctx, t.privateChatPerDay, t.lastActivity),
        over(ctx, t.callsPerDay, t.lastActivity),
        meetings,
        over(ctx, t.chatPerDay / 4, t.lastActivity),
        over(ctx, t.chatPerDay / 2, t.lastActivity),
        0,
        organized,
        meetings - organized,
        Math.floor(organized / 2),
        Math.floor((meetings - organized) / 3),
        Math.floor(organized / 4),
        Math.floor((meetings - organized) / 4),
        organized - Math.floor(organized / 2) - Math.floor(organized / 4),
        meetings - organized - Math.floor((meetings - organized) / 3) -
        Math.floor((meetings - organized) / 4),
        duration(audio),
        duration(video),
        duration(share),
        audio,
        video,
        share,
        meetings > 0 ? "Yes" : "No",
        true,
        ctx.days,
      ];
    },
  },
  {
    ...report("getEmailActivityUserDetail"),
    row(ctx) {
      const e = ctx.usage.email;
      if (!e) return null;
      return [
        reportDate(ctx.refresh),
        ctx.user.graph.userPrincipalName,
        ctx.user.graph.displayName,
        false,
        null,
        lastActivity(e.lastActivity, ctx.refresh),
        over(ctx, e.sendPerDay, e.lastActivity),
        over(ctx, e.receivePerDay, e.lastActivity),
        over(ctx, e.readPerDay, e.lastActivity),
        over(ctx, e.sendPerDay / 10, e.lastActivity),
        over(ctx, e.readPerDay / 8, e.lastActivity),
        assignedProducts(ctx.user),
        ctx.days,
      ];
    },
  },
];

/** A stable pseudonym for a user in a tenant's concealed reports (32 upper-case hex digits). */
export function concealedName(tenantId: string, userId: string): string {
  return [...new Random(`concealed/${tenantId}/${userId}`).bytes(16)]
    .map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

export interface RenderedReport {
  columns: readonly string[];
  rows: Cell[][];
}

export function reportRows(
  report: ReportDefinition,
  tenant: Tenant,
  posture: PostureTenant,
  days: number,
  epoch: number,
): RenderedReport {
  const refresh = epoch - report.lagDays * DAY;
  const identifying = report.columns.map((c) => IDENTIFYING.has(c));
  const rows = tenant.users.flatMap((user) => {
    const row = report.row({ tenant, user, usage: posture.usage.get(user.id)!, refresh, days });
    if (!row) return [];
    if (!posture.concealedNames) return [row];
    const hash = concealedName(tenant.id, user.id);
    return [row.map((v, i) => identifying[i] ? hash : v)];
  });
  return { columns: report.columns, rows };
}
