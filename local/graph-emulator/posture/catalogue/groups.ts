// Groups the posture world adds to each tenant (groups.json) besides one security group per
// department and an "All Staff" Microsoft 365 group: the ones conditional access targets or excludes.
import data from "./groups.json" with { type: "json" };

export type MemberRule =
  | { rule: "admins" }
  | { rule: "pick"; count: number; excludeDepartment?: string }
  | { rule: "none" };

export interface GroupPlan {
  key: string;
  displayName: string;
  description: string;
  /** Group keys nested inside this one (`dept:<Department>` for department groups). */
  memberGroups: string[];
  members: MemberRule;
  isAssignableToRole: boolean;
}

export const GROUP_PLANS: Record<string, GroupPlan[]> = data as Record<string, GroupPlan[]>;
