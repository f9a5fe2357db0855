// LOCAL ONLY (`./dev demo`): the story told against the running local stack, printed as it goes.
import postgres from "postgres";
import { connectionsChapter } from "./demo/connections.ts";
import { mailChapter } from "./demo/mail.ts";
import { show, summary, title } from "./demo/narrate.ts";
import { postureChapter } from "./demo/posture.ts";
import { schedulingChapter } from "./demo/scheduling.ts";

const env = (name: string) => {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set (run ./dev demo)`);
  return value;
};
const sql = postgres(env("SUPABASE_DB_URL"), { max: 2, onnotice: () => {} });

try {
  title("The local stack");
  show(`functions gateway  ${env("SUPABASE_URL")}/functions/v1/<slug>`);
  show(`postgres           ${env("SUPABASE_DB_URL").replace(/:[^:@/]+@/, ":***@")}`);
  show(`Microsoft (emulated) ${env("EMULATOR_URL")}`);

  await connectionsChapter(sql);
  await postureChapter(sql);
  await schedulingChapter(sql, { waitForCron: true });
  await mailChapter(sql);

  title("Summary");
  for (const [what, ok, detail] of summary) {
    show(`${(ok ? "ok" : "FAILED").padEnd(7)} ${what}${detail ? ` (${detail})` : ""}`);
  }
  if (summary.some(([, ok]) => !ok)) Deno.exitCode = 1;
} finally {
  await sql.end();
}
