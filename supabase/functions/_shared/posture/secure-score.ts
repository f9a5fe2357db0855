// secure-score: today's Microsoft Secure Score (current, max, percentage, active and licensed users)
// and its controls joined with their profiles (controlName = profile id): improvement actions by
// points still available (maxScore - score, top five first), and completed actions (100 %).
// Deprecated controls are left out. One row per day is kept; reads take the newest.
import { type Dataset, factsOf, saveRow } from "./dataset.ts";
import { required, SourceFailed } from "./failures.ts";
import { percent, round, share } from "./format.ts";
import {
  CONTROL_PROFILES,
  type ControlProfile,
  type ControlScore,
  read,
  SECURE_SCORES,
  type SecureScore,
} from "./sources.ts";

export interface Action {
  controlName: string;
  friendlyName: string;
  points: string;
  impactLevel: string;
  category: string;
  description: string;
  score: number;
  scoreInPercentage: number;
  implementationStatus: string;
  lastSynced: string;
  completed: boolean;
  potentialPoints: number;
}

export interface SecureScoreFacts {
  score_date: string;
  current_score: number;
  max_score: number;
  percentage: number;
  active_user_count: number;
  licensed_user_count: number;
  created_date_time: Date;
  top_improvement_actions: Action[];
  all_improvement_actions: Action[];
  completed_actions: Action[];
}

/** How much a control can move the score, by its full points. */
const impactOf = (maxScore: number) =>
  maxScore >= 8 ? "High Impact" : maxScore >= 4 ? "Medium Impact" : "Low Impact";

export function action(control: ControlScore, profile: ControlProfile | undefined): Action {
  const max = profile?.maxScore ?? control.score;
  const inPercent = control.scoreInPercentage ?? share(control.score, max);
  const completed = inPercent >= 100;
  const available = round(Math.max(max - control.score, 0));
  return {
    controlName: control.controlName,
    friendlyName: profile?.title ?? control.controlName,
    points: `+${completed ? round(control.score) : available} pts`,
    impactLevel: impactOf(max),
    category: control.controlCategory ?? "",
    description: control.description ?? "",
    score: round(control.score),
    scoreInPercentage: round(inPercent),
    implementationStatus: control.implementationStatus ?? "",
    lastSynced: control.lastSynced ?? "",
    completed,
    potentialPoints: available,
  };
}

export function secureScoreFacts(score: SecureScore, profiles: ControlProfile[]): SecureScoreFacts {
  const byId = new Map(profiles.map((p) => [p.id.toLowerCase(), p]));
  const rank = (a: Action) => byId.get(a.controlName.toLowerCase())?.rank ?? Number.MAX_SAFE_INTEGER;
  const actions = score.controlScores
    .filter((c) => !byId.get(c.controlName.toLowerCase())?.deprecated)
    .map((c) => action(c, byId.get(c.controlName.toLowerCase())));
  const improvements = actions
    .filter((a) => !a.completed && a.potentialPoints > 0)
    .sort((a, b) => b.potentialPoints - a.potentialPoints || rank(a) - rank(b));
  const created = new Date(score.createdDateTime);
  return {
    score_date: created.toISOString().slice(0, 10),
    current_score: round(score.currentScore),
    max_score: round(score.maxScore),
    percentage: share(score.currentScore, score.maxScore),
    active_user_count: score.activeUserCount,
    licensed_user_count: score.licensedUserCount,
    created_date_time: created,
    top_improvement_actions: improvements.slice(0, 5),
    all_improvement_actions: improvements,
    completed_actions: actions.filter((a) => a.completed),
  };
}

export function secureScoreView(f: SecureScoreFacts) {
  return {
    scoreData: {
      currentScore: f.current_score,
      maxScore: f.max_score,
      percentage: percent(f.percentage),
      activeUserCount: f.active_user_count,
      licensedUserCount: f.licensed_user_count,
      createdDateTime: f.created_date_time.toISOString(),
    },
    topImprovementActions: f.top_improvement_actions,
    allImprovementActions: f.all_improvement_actions,
    completedActions: f.completed_actions,
  };
}

const TABLE = "public.m365_secure_score_history";

export const secureScore: Dataset<SecureScoreFacts> = {
  name: "secure-score",
  async compute(reads) {
    const [scores, profiles] = await Promise.all([
      read(reads, SECURE_SCORES).then(required),
      read(reads, CONTROL_PROFILES).then(required),
    ]);
    if (!scores.length) {
      throw new SourceFailed({
        status: "error",
        message: "Microsoft has no Secure Score for this tenant yet",
      });
    }
    return { facts: secureScoreFacts(scores[0], profiles), rows: 1 };
  },
  save: (tx, org, facts) => saveRow(tx, TABLE, org, { ...facts }, ["organization_id", "score_date"]),
  async load(tx, organizationId) {
    const [row] = await tx`select * from ${tx(TABLE)}
      where organization_id = ${organizationId} order by score_date desc limit 1`;
    return row ? factsOf<SecureScoreFacts>(row) : null;
  },
  view: secureScoreView,
};
