// cache-read-users-list: GET ?clientId= — every user of the organization with department, role,
// status and MFA registration, from the cache, with fetched_at, expires_at and stale.
import { serveCacheRead } from "../_shared/posture/read.ts";

serveCacheRead("users");
