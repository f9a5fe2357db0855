// cache-read-secure-score: GET ?clientId= — the organization's newest Secure Score with its improvement and completed actions, from the cache, with fetched_at, expires_at and stale.
import { serveCacheRead } from "../_shared/posture/read.ts";

serveCacheRead("secure-score");
