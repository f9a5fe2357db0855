// Per-user usage figures behind the Microsoft 365 usage reports: mailbox size against the quota its
// Exchange plan gives (a few near it), OneDrive storage, Teams and mail activity. Users without the
// service get no row, as in Microsoft's reports.
import type { Random } from "../../core/random.ts";
import type { Tenant, User } from "../../world/types.ts";
import { PLANS_BY_SERVICE } from "../catalogue/service-groups.ts";
import type { UserUsage } from "../state.ts";

const DAY = 86_400_000;
const GB = 1024 ** 3;

export function buildUsage(tenant: Tenant, random: Random, epoch: number): Map<string, UserUsage> {
  const usage = new Map<string, UserUsage>();
  const slug = tenant.profile.initialDomain.replace(/\.onmicrosoft\.com$/, "");
  for (const user of tenant.users) {
    const r = random.fork(user.id);
    const plans = new Set(
      ((user.graph.assignedPlans ?? []) as { servicePlanId: string }[]).map((p) => p.servicePlanId),
    );
    const has = (service: keyof typeof PLANS_BY_SERVICE) =>
      PLANS_BY_SERVICE[service].some((id) => plans.has(id));
    const active = lastActivity(user, r, epoch);
    usage.set(user.id, {
      mailbox: user.mailbox === null ? null : mailbox(user, has("exchangeLarge") ? 100 : 50, r, epoch),
      oneDrive: has("sharePoint")
        ? {
          siteUrl: `https://${slug}-my.sharepoint.com/personal/${
            user.graph.userPrincipalName.toLowerCase().replace(/[.@]/g, "_")
          }`,
          fileCount: r.int(20, 4000),
          activeFileShare: r.next() * 0.3,
          storageUsed: Math.floor(r.next() ** 3 * 300 * GB),
          storageAllocated: 1024 * GB,
          lastActivity: active,
        }
        : null,
      teams: has("teams")
        ? {
          chatPerDay: r.int(0, 25),
          privateChatPerDay: r.int(0, 40),
          callsPerDay: r.int(0, 4),
          meetingsPerDay: r.int(0, 5),
          lastActivity: active,
        }
        : null,
      email: user.mailbox === null ? null : {
        sendPerDay: user.mailbox.purpose === "user" ? r.int(2, 40) : r.int(0, 5),
        receivePerDay: r.int(10, 120),
        readPerDay: r.int(5, 100),
        lastActivity: user.mailbox.purpose === "user" ? active : epoch - r.int(0, 5) * DAY,
      },
    });
  }
  return usage;
}

/** Enabled people were active around their last sign-in; leavers stopped weeks ago. */
function lastActivity(user: User, random: Random, epoch: number): number | null {
  if (user.lastSignIn !== null) return user.lastSignIn - random.int(0, 2) * DAY;
  return user.kind === "member" ? epoch - random.int(40, 200) * DAY : null;
}

function mailbox(
  user: User,
  quotaGb: number,
  random: Random,
  epoch: number,
): NonNullable<UserUsage["mailbox"]> {
  // Most mailboxes are far from full; one in fifteen is at 85-99 % of its quota.
  const share = random.chance(1 / 15) ? 0.85 + random.next() * 0.14 : random.next() ** 2 * 0.6;
  const storageUsed = Math.floor(quotaGb * GB * share);
  const itemCount = Math.floor(storageUsed / random.int(60_000, 120_000));
  return {
    itemCount,
    storageUsed,
    deletedItemCount: Math.floor(itemCount * random.next() * 0.08),
    deletedItemSize: Math.floor(storageUsed * random.next() * 0.05),
    quota: quotaGb * GB,
    hasArchive: quotaGb === 100 && random.chance(0.3),
    lastActivity: user.mailbox?.purpose === "user"
      ? (user.lastSignIn ?? epoch - random.int(40, 200) * DAY)
      : epoch - random.int(0, 7) * DAY,
  };
}
