// user-details: per person, their licences, mailbox and OneDrive usage and Teams and mail activity
// over 30 days (Microsoft 365's usage reports), Identity Protection risk (Entra ID P2), sign-ins
// (Entra ID P1), registered methods, last password change and sign-in, groups (nesting resolved)
// and Intune devices. What a tenant's licences do not give is null and shows as 0 or "Not
// Available"; reports that conceal names cannot be joined to people, which the status warns about.
import type { Tx } from "../db.ts";
import { type Dataset, factsOf, replaceRows, type Row } from "./dataset.ts";
import { allGroups, groupsOfUsers } from "./directory.ts";
import { licensed, required } from "./failures.ts";
import { dateOf, mebibytes, round } from "./format.ts";
import type { GraphReads } from "./graph-reads.ts";
import { numberCell, type ReportRow } from "./report-csv.ts";
import { skuInfo } from "./sku-catalogue.ts";
import {
  EMAIL_ACTIVITY,
  MAILBOX_USAGE,
  MANAGED_DEVICES,
  ONEDRIVE_USAGE,
  read,
  REPORT_SETTINGS,
  RISKY_USERS,
  SIGN_IN_ACTIVITY,
  signInsSince,
  SKUS,
  TEAMS_ACTIVITY,
} from "./sources.ts";
import { readPeople, saveUsers, userListItem, type UserRow } from "./users.ts";

export interface DetailRow {
  user_id: string;
  licenses: string[];
  mailbox_size_mb: number | null;
  mailbox_quota_mb: number | null;
  mailbox_usage_percentage: number | null;
  mailbox_items_count: number | null;
  mailbox_archived_items_count: number | null;
  onedrive_size_mb: number | null;
  onedrive_quota_mb: number | null;
  onedrive_usage_percentage: number | null;
  onedrive_files_count: number | null;
  teams_calls_minutes_last_30_days: number | null;
  teams_meetings_count_last_30_days: number | null;
  teams_messages_count_last_30_days: number | null;
  email_sent_count_last_30_days: number | null;
  documents_edited_last_30_days: number | null;
  risk_level: string | null;
  sign_in_attempts_last_30_days: number | null;
  blocked_sign_in_attempts: number | null;
  authentication_methods: string[];
  last_password_change: Date | null;
  last_sign_in: Date | null;
  groups: string[];
  last_updated: Date;
}

export interface DeviceRow {
  user_id: string;
  device_id: string;
  position: number;
  device_name: string | null;
  device_type: string | null;
  compliance_state: string | null;
  last_synced: Date;
}

export interface UserDetailsFacts {
  users: UserRow[];
  details: DetailRow[];
  devices: DeviceRow[];
}

export const CONCEALED_NAMES = "usage reports conceal user names (admin center > Settings > Org settings > " +
  "Reports), so mailbox, OneDrive and activity figures cannot be matched to people";

const DAY = 86_400_000;

/** Report rows by the person's user principal name (lower case). */
function byUpn(rows: ReportRow[], column: string): Map<string, ReportRow> {
  return new Map(rows.map((r) => [r[column]?.toLowerCase(), r]));
}

function usagePercent(used: number | null, quota: number | null): number | null {
  return used === null || !quota ? null : round(used / quota * 100);
}

/** Counts per user, or null for everyone when the source is unlicensed. */
function countBy<T>(items: T[] | null, key: (item: T) => string | null | undefined) {
  if (!items) return null;
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

async function readDetails(reads: GraphReads, now: Date) {
  const since = new Date(now.getTime() - 30 * DAY);
  // Group memberships depend only on the group list: asked for as soon as it is in, they share a
  // round with the other datasets' second reads rather than wait for the report downloads.
  const memberships = allGroups(reads).then(async (groups) => ({
    groups,
    groupsOf: await groupsOfUsers(reads, groups.map((g) => g.id)),
  }));
  const [people, skus, { groups, groupsOf }, activity, devices, risky, signIns, settings, ...usage] =
    await Promise
      .all([
        readPeople(reads, now),
        read(reads, SKUS).then(required),
        memberships,
        read(reads, SIGN_IN_ACTIVITY).then(licensed),
        read(reads, MANAGED_DEVICES).then(licensed),
        read(reads, RISKY_USERS).then(licensed),
        read(reads, signInsSince(since)).then(licensed),
        read(reads, REPORT_SETTINGS).then(required),
        ...[MAILBOX_USAGE, ONEDRIVE_USAGE, TEAMS_ACTIVITY, EMAIL_ACTIVITY].map((r) =>
          read(reads, r).then(required)
        ),
      ]);
  const [mailbox, oneDrive, teams, email] = usage as ReportRow[][];
  return {
    people,
    skus,
    groups,
    groupsOf,
    activity,
    devices,
    risky,
    signIns,
    settings,
    mailbox,
    oneDrive,
    teams,
    email,
  };
}

export function userDetailsFacts(r: Awaited<ReturnType<typeof readDetails>>, now: Date): UserDetailsFacts {
  const concealed = r.settings.displayConcealedNames;
  const reports = concealed ? { mailbox: [], oneDrive: [], teams: [], email: [] } : r;
  const mailbox = byUpn(reports.mailbox, "User Principal Name");
  const oneDrive = byUpn(reports.oneDrive, "Owner Principal Name");
  const teams = byUpn(reports.teams, "User Principal Name");
  const email = byUpn(reports.email, "User Principal Name");
  const partNumbers = new Map(r.skus.map((s) => [s.skuId, s.skuPartNumber]));
  const groupNames = new Map(r.groups.map((g) => [g.id, g.displayName ?? g.id]));
  const lastSignIn = r.activity &&
    new Map(r.activity.map((a) => [a.id, a.signInActivity?.lastSignInDateTime]));
  const risk = r.risky && new Map(r.risky.map((u) => [u.id, u.riskLevel]));
  const attempts = countBy(r.signIns, (s) => s.userId);
  const blocked = countBy(
    r.signIns?.filter((s) => (s.status?.errorCode ?? 0) !== 0) ?? null,
    (s) => s.userId,
  );

  const details = r.people.people.map((u): DetailRow => {
    const upn = u.userPrincipalName.toLowerCase();
    const [m, d, t, e] = [mailbox.get(upn), oneDrive.get(upn), teams.get(upn), email.get(upn)];
    const mailboxUsed = mebibytes(numberCell(m, "Storage Used (Byte)"));
    const mailboxQuota = mebibytes(numberCell(m, "Prohibit Send/Receive Quota (Byte)"));
    const driveUsed = mebibytes(numberCell(d, "Storage Used (Byte)"));
    const driveQuota = mebibytes(numberCell(d, "Storage Allocated (Byte)"));
    const chats = [numberCell(t, "Team Chat Message Count"), numberCell(t, "Private Chat Message Count")];
    const audio = numberCell(t, "Audio Duration In Seconds");
    return {
      user_id: u.id,
      licenses: u.assignedLicenses
        .map((l) => skuInfo(l.skuId, partNumbers.get(l.skuId) ?? l.skuId).name)
        .sort((a, b) => a.localeCompare(b, "en")),
      mailbox_size_mb: mailboxUsed,
      mailbox_quota_mb: mailboxQuota,
      mailbox_usage_percentage: usagePercent(mailboxUsed, mailboxQuota),
      mailbox_items_count: numberCell(m, "Item Count"),
      // Graph's reports say whether an archive exists, not what is in it.
      mailbox_archived_items_count: null,
      onedrive_size_mb: driveUsed,
      onedrive_quota_mb: driveQuota,
      onedrive_usage_percentage: usagePercent(driveUsed, driveQuota),
      onedrive_files_count: numberCell(d, "File Count"),
      teams_calls_minutes_last_30_days: audio === null ? null : Math.round(audio / 60),
      teams_meetings_count_last_30_days: numberCell(t, "Meeting Count"),
      teams_messages_count_last_30_days: chats.some((c) => c !== null)
        ? chats.reduce<number>((n, c) => n + (c ?? 0), 0)
        : null,
      email_sent_count_last_30_days: numberCell(e, "Send Count"),
      documents_edited_last_30_days: numberCell(d, "Active File Count"),
      risk_level: risk ? risk.get(u.id) ?? "none" : null,
      sign_in_attempts_last_30_days: attempts ? attempts.get(u.id) ?? 0 : null,
      blocked_sign_in_attempts: blocked ? blocked.get(u.id) ?? 0 : null,
      authentication_methods: r.people.registered.byUser.get(u.id)?.methods ?? [],
      last_password_change: dateOf(u.lastPasswordChangeDateTime),
      last_sign_in: lastSignIn ? dateOf(lastSignIn.get(u.id)) : null,
      groups: [...r.groupsOf.get(u.id) ?? []].map((id) => groupNames.get(id)!).sort((a, b) =>
        a.localeCompare(b, "en")
      ),
      last_updated: now,
    };
  });
  const devices = (r.devices ?? []).filter((d) => d.userId && r.people.people.some((u) => u.id === d.userId))
    .sort((a, b) => (a.deviceName ?? "").localeCompare(b.deviceName ?? "", "en") || a.id.localeCompare(b.id))
    .map((d, position): DeviceRow => ({
      user_id: d.userId!,
      device_id: d.id,
      position,
      device_name: d.deviceName,
      device_type: d.operatingSystem,
      compliance_state: d.complianceState,
      last_synced: now,
    }));
  return { users: r.people.rows, details, devices };
}

const NA = "Not Available";
const iso = (date: Date | null) => date?.toISOString() ?? NA;

/** One person's details as the dashboard shows them (null counts are 0). */
export function userDetailsView(f: UserDetailsFacts, params: { userId?: string }) {
  const user = f.users.find((u) => u.user_id === params.userId);
  const d = f.details.find((x) => x.user_id === params.userId);
  if (!user || !d) return null;
  const devices = f.devices.filter((x) => x.user_id === params.userId);
  return {
    ...userListItem(user),
    Department: user.department ?? NA,
    last_sign_in: iso(d.last_sign_in),
    mfa_methods: d.authentication_methods,
    licenses: d.licenses,
    mailbox: {
      size_in_mb: d.mailbox_size_mb ?? 0,
      quota_in_mb: d.mailbox_quota_mb ?? 0,
      usage_percentage: d.mailbox_usage_percentage ?? 0,
      items_count: d.mailbox_items_count ?? 0,
      archived_items_count: d.mailbox_archived_items_count ?? 0,
    },
    one_drive: {
      size_in_mb: d.onedrive_size_mb ?? 0,
      quota_in_mb: d.onedrive_quota_mb ?? 0,
      usage_percentage: d.onedrive_usage_percentage ?? 0,
      files_count: d.onedrive_files_count ?? 0,
    },
    activity: {
      teams_calls_minutes_last_30_days: d.teams_calls_minutes_last_30_days ?? 0,
      teams_meetings_count_last_30_days: d.teams_meetings_count_last_30_days ?? 0,
      teams_messages_count_last_30_days: d.teams_messages_count_last_30_days ?? 0,
      email_sent_count_last_30_days: d.email_sent_count_last_30_days ?? 0,
      documents_edited_last_30_days: d.documents_edited_last_30_days ?? 0,
    },
    security: {
      risk_level: d.risk_level ?? NA,
      sign_in_attempts_last_30_days: d.sign_in_attempts_last_30_days ?? 0,
      blocked_sign_in_attempts: d.blocked_sign_in_attempts ?? 0,
      authentication_methods: d.authentication_methods,
      last_password_change: iso(d.last_password_change),
      mfa_enabled: user.mfa_enabled,
      last_sign_in: iso(d.last_sign_in),
    },
    groups: d.groups,
    devices: {
      total_devices: devices.length,
      device_list: devices.map((x) => ({
        device_id: x.device_id,
        device_name: x.device_name,
        device_type: x.device_type,
      })),
    },
  };
}

async function load(tx: Tx, organizationId: string, params: { userId?: string }) {
  const [user] = await tx`select * from public.m365_users
    where organization_id = ${organizationId} and user_id::text = ${params.userId ?? ""}`;
  const [details] = await tx`select * from public.m365_user_details
    where organization_id = ${organizationId} and user_id::text = ${params.userId ?? ""}`;
  if (!user || !details) return null;
  const devices = await tx`select * from public.m365_user_devices
    where organization_id = ${organizationId} and user_id::text = ${params.userId ?? ""} order by position`;
  return {
    users: [factsOf<UserRow>(user)],
    details: [factsOf<DetailRow>(details)],
    devices: devices.map((x) => factsOf<DeviceRow>(x)),
  };
}

export const userDetails: Dataset<UserDetailsFacts> = {
  name: "user-details",
  async compute(reads, now) {
    const read = await readDetails(reads, now);
    const facts = userDetailsFacts(read, now);
    return {
      facts,
      rows: facts.details.length,
      unlicensed: read.people.unlicensed,
      warnings: read.settings.displayConcealedNames ? [CONCEALED_NAMES] : [],
    };
  },
  async save(tx, org, facts) {
    await saveUsers(tx, org, facts.users);
    await replaceRows(tx, "public.m365_user_details", org, facts.details as unknown as Row[]);
    await replaceRows(tx, "public.m365_user_devices", org, facts.devices as unknown as Row[]);
  },
  load,
  view: userDetailsView,
};
