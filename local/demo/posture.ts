// LOCAL ONLY. Demo chapter: an MSP refreshes its clients' Microsoft 365 posture (cache-write-all,
// as the nightly schedule does) and reads it back as its dashboard does (cache-read-*), one
// summary per organization: MFA coverage, Secure Score, licences, compliance.
import type postgres from "postgres";
import { call, clientFor, MSP } from "./connections.ts";
import { outcome, show, title } from "./narrate.ts";

type Client = Awaited<ReturnType<typeof clientFor>>;

/** A cache read as the dashboard makes it: the envelope, with the data's freshness beside it. */
async function readCache(client: Client, slug: string, clientId: string) {
  const { data, error } = await client.functions.invoke(`${slug}?clientId=${clientId}`, { method: "GET" });
  if (error) throw new Error(`${slug}: ${error.message}`);
  return data;
}

interface Written {
  total_success: number;
  total_failed: number;
  statuses: Record<string, { status: string; error: string | null }>;
}

interface License {
  friendlyName: string;
  assigned: number;
  available: string;
  overused: boolean;
}

export async function postureChapter(sql: postgres.Sql) {
  title("An MSP refreshes its clients' Microsoft 365 posture and reads it back (Adatum MSP)");
  const olivia = await clientFor(MSP.owner);
  for (const [name, clientId] of Object.entries(MSP.organizations)) {
    const written = await call<Written>(olivia, "cache-write-all", { body: { clientId } });
    const notes = Object.entries(written.statuses).filter(([, s]) => s.status !== "ok")
      .map(([dataset, s]) => `${dataset} ${s.status}`);
    show(
      `${name}: cache-write-all saved ${written.total_success} datasets${
        notes.length ? ` (${notes.join(", ")})` : ""
      }`,
    );

    const mfa = await readCache(olivia, "cache-read-mfa", clientId);
    const [coverage] = mfa.data;
    const score = (await readCache(olivia, "cache-read-secure-score", clientId)).data.scoreData;
    const licenses = (await readCache(olivia, "cache-read-licenses", clientId)).data;
    const compliance = (await readCache(olivia, "cache-read-compliance", clientId)).data.compliance_summary;
    const skus = licenses.licenseDetails.map((l: License) =>
      `${l.friendlyName} ${l.assigned}/${l.available}${l.overused ? " OVERUSED" : ""}`
    );
    show(
      `  MFA          ${coverage.percentage} of ${coverage.total_users} enabled members must use MFA (${coverage.status}); ` +
        `${coverage.enabled_by_method.mfa_registered} registered`,
    );
    show(`  Secure Score ${score.currentScore} / ${score.maxScore} (${score.percentage})`);
    show(`  licences     ${skus.join("; ")}`);
    show(
      `  compliance   ${compliance.status}, ${compliance.score_percentage} over ${compliance.total_policies} checks`,
    );
    show(
      `  cached at ${mfa.fetched_at}, fresh until ${mfa.expires_at}${
        mfa.sync.status === "ok" ? "" : `; ${mfa.sync.error}`
      }`,
    );
    outcome(
      `${name}: posture refreshed and read back`,
      written.total_failed === 0,
      `${written.total_success} datasets`,
    );
  }
  const [schedule] = await sql<
    { schedule: string }[]
  >`select schedule from cron.job where jobname = 'refresh-posture'`;
  show(
    `every night (pg_cron '${schedule?.schedule}') cache-write-all is queued per organization, spread over 3 hours`,
  );
}
