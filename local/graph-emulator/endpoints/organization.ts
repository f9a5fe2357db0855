// GET /organization (a one-item collection: the caller's tenant) and /organization/{id}.
import { endpoint } from "../graph/endpoint.ts";
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

export const listOrganization = endpoint({
  method: "GET",
  path: "/organization",
  permissions: PERMISSIONS,
  workload: DIRECTORY,
  query: ["$select"],
  handler(ctx) {
    const select = selectedProperties(ctx, "organization");
    const org = ctx.tenant.organization;
    return {
      status: 200,
      body: {
        "@odata.context": contextUrl(ctx.origin, "organization", select, false),
        value: [project(org, select, Object.keys(org), "organization")],
      },
    };
  },
});

export const getOrganization = endpoint({
  method: "GET",
  path: "/organization/{id}",
  permissions: PERMISSIONS,
  workload: DIRECTORY,
  query: ["$select"],
  handler(ctx) {
    if (ctx.params.id.toLowerCase() !== ctx.tenant.id) throw userNotFound(ctx.params.id);
    const select = selectedProperties(ctx, "organization");
    const org = ctx.tenant.organization;
    return {
      status: 200,
      body: {
        "@odata.context": contextUrl(ctx.origin, "organization", select, true),
        ...project(org, select, Object.keys(org), "organization"),
      },
    };
  },
});
