// Built-in Microsoft Entra role definitions the emulator lists (directory-roles.json). Role template
// ids are the same in every tenant; for built-in roles the unifiedRoleDefinition id is its templateId.
import data from "./directory-roles.json" with { type: "json" };

export interface RoleDefinition {
  templateId: string;
  displayName: string;
  description: string;
  /** A few of its resource actions, enough to look like Graph's. */
  actions: string[];
}

export const ROLE_DEFINITIONS: readonly RoleDefinition[] = data.definitions;

/** The roles Microsoft's "Require multifactor authentication for admins" template targets. Global
 * Reader and Intune Administrator are not among them: their holders are admins the policy misses. */
export const ADMIN_MFA_TEMPLATE_ROLES: readonly string[] = data.adminMfaTemplateRoles;
