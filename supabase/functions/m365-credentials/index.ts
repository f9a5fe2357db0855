// m365-credentials: an organization's app-only credentials. GET status; POST save or rotate (the
// secret is sealed and never returned; saving validates); POST /validate, or
// /test-token-generation to also read the tenant with the token; DELETE removes them.
import {
  credentialStatus,
  OrganizationQuery,
  removeCredentials,
  SaveCredentials,
  saveCredentials,
} from "../_shared/app-credentials.ts";
import { testTokenGeneration, validateCredentials } from "../_shared/credential-check.ts";
import { NotFound } from "../_shared/errors.ts";
import { serve } from "../_shared/http.ts";

serve(
  { auth: { GET: "user", POST: "user", DELETE: "user" } },
  async ({ method, route, query, body, user }) => {
    if (method === "GET") return await credentialStatus(user(), query(OrganizationQuery).organization_id);
    if (method === "DELETE") return await removeCredentials(user(), query(OrganizationQuery).organization_id);
    switch (route) {
      case "": {
        const input = await body(SaveCredentials);
        await saveCredentials(user(), input);
        return await validateCredentials(user(), input.organization_id);
      }
      case "validate":
        return await validateCredentials(user(), (await body(OrganizationQuery)).organization_id);
      case "test-token-generation":
        return await testTokenGeneration(user(), (await body(OrganizationQuery)).organization_id);
      default:
        throw new NotFound(`no such action: ${route}`);
    }
  },
);
