// Users, groups and activated directory roles as Graph serializes them inside directoryObject
// collections (members, memberOf, role-assignment principals): `@odata.type` plus the type's
// default properties, or the `$select`ed ones each type has.
import { isoSeconds } from "../../core/time-format.ts";
import type { EndpointContext } from "../../graph/endpoint.ts";
import { badRequest } from "../../graph/errors.ts";
import { option, project } from "../../graph/odata.ts";
import { allProperties, graphSchema } from "../../schema/csdl.ts";
import { DEFAULT_USER_PROPERTIES } from "../../endpoints/users.ts";
import type { Tenant, User } from "../../world/types.ts";
import { ROLE_DEFINITIONS } from "../catalogue/directory-roles.ts";
import type { PostureGroup, PostureTenant } from "../state.ts";

export type DirectoryObject =
  | { kind: "user"; user: User }
  | { kind: "group"; group: PostureGroup }
  | { kind: "directoryRole"; templateId: string };

const TYPES = ["user", "group", "directoryRole"] as const;

/** `$select` over a mixed collection: each name must exist on one of the member types. */
export function mixedSelect(ctx: EndpointContext): string[] | null {
  const raw = option(ctx.url, "$select");
  if (raw === null) return null;
  const known = new Map<string, string>();
  for (const t of TYPES) {
    for (const name of allProperties(graphSchema(), t).keys()) known.set(name.toLowerCase(), name);
  }
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map((name) => {
    const canonical = known.get(name.toLowerCase());
    if (!canonical) {
      throw badRequest(
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`,
      );
    }
    return canonical;
  });
}

export function groupPayload(tenant: Tenant, g: PostureGroup): Record<string, unknown> {
  const created = isoSeconds(g.createdDateTime);
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: created,
    description: g.description,
    displayName: g.displayName,
    expirationDateTime: null,
    groupTypes: g.unified ? ["Unified"] : [],
    isAssignableToRole: g.isAssignableToRole ? true : null,
    mail: g.unified ? `${g.mailNickname}@${tenant.profile.customDomains[0]}` : null,
    mailEnabled: g.unified,
    mailNickname: g.mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: g.unified ? [`SMTP:${g.mailNickname}@${tenant.profile.customDomains[0]}`] : [],
    renewedDateTime: created,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: g.unified ? ["Team"] : [],
    securityEnabled: !g.unified,
    securityIdentifier: `S-1-12-1-${parseInt(g.id.slice(0, 8), 16)}-${parseInt(g.id.slice(9, 13), 16)}`,
    theme: null,
    visibility: g.unified ? "Private" : null,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
}

function rolePayload(posture: PostureTenant, templateId: string): Record<string, unknown> {
  const def = ROLE_DEFINITIONS.find((r) => r.templateId === templateId);
  return {
    id: posture.directoryRoleIds.get(templateId) ?? templateId,
    deletedDateTime: null,
    description: def?.description ?? null,
    displayName: def?.displayName ?? null,
    roleTemplateId: templateId,
  };
}

export function directoryObjectPayload(
  tenant: Tenant,
  posture: PostureTenant,
  o: DirectoryObject,
  select: readonly string[] | null,
): Record<string, unknown> {
  const [type, full, defaults] = o.kind === "user"
    ? ["user", o.user.graph, DEFAULT_USER_PROPERTIES as readonly string[]]
    : o.kind === "group"
    ? ["group", groupPayload(tenant, o.group), null]
    : ["directoryRole", rolePayload(posture, o.templateId), null];
  const props = allProperties(graphSchema(), type);
  const names = (select ?? defaults ?? Object.keys(full)).filter((n) => props.has(n));
  return { "@odata.type": `#microsoft.graph.${type}`, ...project(full, names, [], type) };
}
