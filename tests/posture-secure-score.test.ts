// secure-score through the gateway for every emulated tenant: write then read equals the live
// computation key for key; the figures and actions are Graph's newest score joined with the
// control profiles (points still available, top five first; completed at 100 %); daily history is
// kept and the newest day is read.
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect } from "./support/stack.ts";
import { graphGet, live, postureAccount, read, TENANTS, write } from "./support/posture.ts";

const sql = connect();

interface Control {
  controlName: string;
  score: number;
  scoreInPercentage: number;
}
interface Profile {
  id: string;
  title: string;
  maxScore: number;
  rank: number;
  deprecated: boolean;
}

Deno.test("posture: Secure Score", async (t) => {
  const { session, orgs, app } = await postureAccount(sql, "posture-secure-score");
  try {
    for (const tenant of TENANTS) {
      await t.step(`${tenant}: write then read equals the live computation and Graph's score`, async () => {
        assert.equal((await write("secure-score", session, orgs[tenant])).status, 200);
        const res = await read("secure-score", session, orgs[tenant]);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const { data, fetched_at } = res.body;
        assert.deepEqual(data, await live(orgs[tenant], "secure-score", fetched_at), "cached = live");

        const { value: [score] } = await graphGet<{ value: Record<string, unknown>[] }>(
          app,
          tenant,
          "/security/secureScores?$top=1",
        );
        const { value: profiles } = await graphGet<{ value: Profile[] }>(
          app,
          tenant,
          "/security/secureScoreControlProfiles",
        );
        assert.deepEqual(Object.keys(data), [
          "scoreData",
          "topImprovementActions",
          "allImprovementActions",
          "completedActions",
        ]);
        const current = score.currentScore as number, max = score.maxScore as number;
        assert.deepEqual(data.scoreData, {
          currentScore: current,
          maxScore: max,
          percentage: `${Math.round(current / max * 1000) / 10}%`,
          activeUserCount: score.activeUserCount,
          licensedUserCount: score.licensedUserCount,
          createdDateTime: new Date(score.createdDateTime as string).toISOString(),
        });
        const profile = (c: Control) => profiles.find((p) => p.id === c.controlName)!;
        const controls = (score.controlScores as Control[]).filter((c) => !profile(c).deprecated);
        const open = controls.filter((c) => c.scoreInPercentage < 100 && profile(c).maxScore > c.score)
          .map((c) => ({ name: c.controlName, left: profile(c).maxScore - c.score, rank: profile(c).rank }))
          .sort((a, b) => b.left - a.left || a.rank - b.rank);
        const names = (actions: { controlName: string }[]) => actions.map((a) => a.controlName);
        assert.deepEqual(names(data.allImprovementActions), open.map((o) => o.name));
        assert.deepEqual(names(data.topImprovementActions), open.slice(0, 5).map((o) => o.name));
        assert.deepEqual(
          names(data.completedActions).sort(),
          controls.filter((c) => c.scoreInPercentage >= 100).map((c) => c.controlName).sort(),
        );
        const [top] = data.topImprovementActions;
        assert.equal(
          top.friendlyName,
          profiles.find((p) => p.id === top.controlName)!.title,
          "joined with its profile",
        );
        assert.equal(top.points, `+${top.potentialPoints} pts`);
        assert.deepEqual(Object.keys(top), [
          "controlName",
          "friendlyName",
          "points",
          "impactLevel",
          "category",
          "description",
          "score",
          "scoreInPercentage",
          "implementationStatus",
          "lastSynced",
          "completed",
          "potentialPoints",
        ]);
      });
    }

    await t.step("a day's score is kept as history; reads take the newest day", async () => {
      const org = orgs.contoso;
      const [newest] = await sql`select score_date, current_score from public.m365_secure_score_history
        where organization_id = ${org.id}`;
      await sql`insert into public.m365_secure_score_history (organization_id, score_date, account_id, current_score,
          max_score, percentage, active_user_count, licensed_user_count, created_date_time, top_improvement_actions,
          all_improvement_actions, completed_actions)
        values (${org.id}, ${newest.score_date}::date - 1, ${org.account_id}, 1, 97, 1, 1, 1,
          ${newest.score_date}::date - 1, '[]', '[]', '[]')`;
      assert.equal((await write("secure-score", session, org)).status, 200);
      const days =
        await sql`select score_date from public.m365_secure_score_history where organization_id = ${org.id}`;
      assert.equal(days.length, 2, "yesterday stays, today is written once");
      const res = await read("secure-score", session, org);
      assert.equal(res.body.data.scoreData.currentScore, newest.current_score);
    });
  } finally {
    await sql.end();
    await pool().end();
  }
});
