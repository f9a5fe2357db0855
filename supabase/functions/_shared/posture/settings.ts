// The posture cache's settings (function secrets), parsed once: how long data stays fresh, and how
// long a read waits for a first fetch.
import { z } from "zod";
import { ServerMisconfigured } from "../errors.ts";

const Settings = z.object({
  /** Microsoft 365 data is fresh for a week. */
  POSTURE_TTL_HOURS: z.coerce.number().positive().max(24 * 365).default(168),
  /** The clients list, for two weeks. */
  POSTURE_CLIENTS_TTL_HOURS: z.coerce.number().positive().max(24 * 365).default(336),
  /** A read of data never fetched fetches it first, for at most this long. */
  POSTURE_READ_WAIT_SECONDS: z.coerce.number().positive().max(140).default(25),
});

let cached: z.infer<typeof Settings> | undefined;

export function postureSettings(): z.infer<typeof Settings> {
  if (cached) return cached;
  const parsed = Settings.safeParse(Deno.env.toObject());
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new ServerMisconfigured(`environment variables invalid: ${names}`);
  }
  return cached = parsed.data;
}
