// cache-read-mfa: GET ?clientId= — MFA coverage of the organization's enabled member accounts, from the cache, with fetched_at, expires_at and stale.
import { serveCacheRead } from "../_shared/posture/read.ts";

serveCacheRead("mfa");
