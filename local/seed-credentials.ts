// LOCAL ONLY, run by `./dev db reset` after seed.sql: give the seeded MSP's organizations
// app-only credentials for their emulated tenants, stored through the real code path (sealed with
// TOKEN_ENCRYPTION_KEYS), so a fresh stack can read their posture at once.
import { storeCredentials } from "../supabase/functions/_shared/app-credentials.ts";
import { asService, sql } from "../supabase/functions/_shared/db.ts";
import { DEFAULT_APP, TENANT_IDS } from "./graph-emulator/defaults.ts";

// The MSP uses its multi-tenant app in each client's tenant (consented there), as MSP tools do.
const ORGANIZATIONS: [string, keyof typeof TENANT_IDS][] = [["101", "contoso"], ["102", "fabrikam"], [
  "103",
  "tailspin",
]];
const MSP_ACCOUNT = "a1000000-0000-4000-8000-000000000001";

try {
  for (const [organizationId, tenant] of ORGANIZATIONS) {
    await asService((tx) =>
      storeCredentials(tx, {
        account_id: MSP_ACCOUNT,
        organization_id: organizationId,
        tenant_id: TENANT_IDS[tenant],
        client_id: DEFAULT_APP.clientId,
        client_secret: DEFAULT_APP.clientSecret,
      })
    );
  }
  console.log(`seed: app-only credentials for ${ORGANIZATIONS.length} organizations`);
} finally {
  await sql().end();
}
