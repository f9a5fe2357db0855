// GET /organization (a one-item collection: the caller's tenant) and /organization/{id}.
import { endpoint, type EndpointContext, type GraphResult } from "../graph/endpoint.ts";
import { userNotFound } from "../graph/errors.ts";
import { contextUrl, project, selectedProperties } from "../graph/odata.ts";
import { DIRECTORY } from "../graph/workloads.ts";

const PERMISSIONS = {
  delegated: [
    "User.Read",
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  application: [
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
};

function organization(ctx: EndpointContext, single: boolean): GraphResult {
  const select = selectedProperties(ctx, "organization");
  const org = ctx.tenant.organization;
  const entity = project(org, select, Object.keys(org), "organization");
  const context = contextUrl(ctx.origin, "organization", select, single);
  return {
    status: 200,
    body: single ? { "@odata.context": context, ...entity } : { "@odata.context": context, value: [entity] },
  };
}

export const listOrganization = endpoint({
  method: "GET",
  path: "/organization",
  permissions: PERMISSIONS,
  workload: DIRECTORY,
  query: ["$select"],
  handler: (ctx) => organization(ctx, false),
});

export const getOrganization = endpoint({
  method: "GET",
  path: "/organization/{id}",
  permissions: PERMISSIONS,
  workload: DIRECTORY,
  query: ["$select"],
  handler(ctx) {
    if (ctx.params.id.toLowerCase() !== ctx.tenant.id) throw userNotFound(ctx.params.id);
    return organization(ctx, true);
  },
});
