// cache-read-user-details: GET ?clientId=&userId= (or /cache-read-user-details/<userId>) — one user's licences, usage, activity, security, groups and devices, from the cache, with fetched_at, expires_at and stale.
import { serveCacheRead } from "../_shared/posture/read.ts";

serveCacheRead("user-details");
