// Role-based access: GET /roleManagement/directory/roleDefinitions (and /{id}) and roleAssignments
// (with $expand=principal). Conditional access names roles by template id; for built-in roles the
// definition id is the template id, while activated directoryRole objects (memberOf) have their own.
import { endpoint, type EndpointContext } from "../../graph/endpoint.ts";
import { userNotFound } from "../../graph/errors.ts";
import { option } from "../../graph/odata.ts";
import { DIRECTORY } from "../../graph/workloads.ts";
import { ROLE_DEFINITIONS, type RoleDefinition } from "../catalogue/directory-roles.ts";
import { collection, DIRECTORY_PAGE, entity } from "./collections.ts";
import { posture } from "./context.ts";
import { directoryObjectPayload } from "./directory-objects.ts";
import { unsupported } from "./unsupported.ts";

const READ = {
  delegated: ["RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All"],
  application: [
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
};

function definitionPayload(r: RoleDefinition): Record<string, unknown> {
  return {
    id: r.templateId,
    description: r.description,
    displayName: r.displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ["/"],
    templateId: r.templateId,
    version: "1",
    rolePermissions: [{ allowedResourceActions: r.actions, condition: null, excludedResourceActions: [] }],
  };
}

export const listRoleDefinitions = endpoint({
  method: "GET",
  path: "/roleManagement/directory/roleDefinitions",
  permissions: READ,
  workload: DIRECTORY,
  query: ["$select", "$filter"],
  handler: (ctx) =>
    collection(ctx, ROLE_DEFINITIONS, {
      contextPath: "roleManagement/directory/roleDefinitions",
      type: "unifiedRoleDefinition",
      filterable: ["displayName", "templateId", "id", "isBuiltIn"],
      render: definitionPayload,
    }),
});

export const getRoleDefinition = endpoint({
  method: "GET",
  path: "/roleManagement/directory/roleDefinitions/{id}",
  permissions: READ,
  workload: DIRECTORY,
  query: ["$select"],
  handler(ctx) {
    const r = ROLE_DEFINITIONS.find((d) => d.templateId === ctx.params.id.toLowerCase());
    if (!r) throw userNotFound(ctx.params.id);
    return entity(ctx, "roleManagement/directory/roleDefinitions", definitionPayload(r), {
      type: "unifiedRoleDefinition",
    });
  },
});

/** Assignment ids as Entra makes them: the role's and the principal's GUID bytes, base64url. */
export function assignmentId(templateId: string, principalId: string): string {
  return `${guidBase64Url(templateId)}${guidBase64Url(principalId)}-1`;
}

function guidBase64Url(guid: string): string {
  const hex = guid.replace(/-/g, "");
  // .NET's Guid byte order: the first three groups little-endian.
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const bytes = order.map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

function expandsPrincipal(ctx: EndpointContext): boolean {
  const raw = option(ctx.url, "$expand");
  if (raw === null) return false;
  if (raw.trim().toLowerCase() !== "principal") throw unsupported(`$expand=${raw}`);
  return true;
}

export const listRoleAssignments = endpoint({
  method: "GET",
  path: "/roleManagement/directory/roleAssignments",
  permissions: READ,
  workload: DIRECTORY,
  query: ["$filter", "$expand", "$top", "$skiptoken"],
  handler(ctx) {
    const expand = expandsPrincipal(ctx);
    const p = posture(ctx);
    const assignments = ctx.tenant.users.flatMap((user) =>
      user.roles.map((templateId) => ({ user, templateId }))
    );
    return collection(ctx, assignments, {
      contextPath: `roleManagement/directory/roleAssignments${expand ? "(principal())" : ""}`,
      page: DIRECTORY_PAGE,
      filterable: ["principalId", "roleDefinitionId", "directoryScopeId"],
      render: ({ user, templateId }) => ({
        id: assignmentId(templateId, user.id),
        principalId: user.id,
        principalOrganizationId: ctx.tenant.id,
        roleDefinitionId: templateId,
        directoryScopeId: "/",
        appScopeId: null,
        condition: null,
        ...(expand ? { principal: directoryObjectPayload(ctx.tenant, p, { kind: "user", user }, null) } : {}),
      }),
    });
  },
});
