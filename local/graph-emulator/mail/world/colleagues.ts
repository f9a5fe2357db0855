// A little everyday mail in people's own mailboxes: colleagues writing to each other, so user
// mailboxes are not empty and internal mail (no [EXTERNAL] tag, Exchange Message-IDs) exists.
import type { Random } from "../../core/random.ts";
import { escapeHtml } from "../html.ts";
import type { Party } from "./people.ts";
import { htmlBody, type MailWriter, simpleContent } from "./writer.ts";

const TOPICS = [
  ["Team meeting notes", "Here are the notes from today's meeting. Please check your action items."],
  ["Quarterly report draft", "The draft is ready for review. Comments by Friday, please."],
  ["Lunch on Thursday?", "A few of us are going to the new place around the corner. Join us?"],
  ["Customer escalation", "Can you take a look at the ticket from this morning? The customer called twice."],
] as const;

/** At most `people` members each get one or two mails from colleagues. */
export function colleagueMail(
  w: MailWriter,
  random: Random,
  members: Party[],
  start: number,
  end: number,
): void {
  if (members.length < 2) return;
  for (const to of members) {
    for (let i = random.int(1, 2); i > 0; i--) {
      const from = random.pick(members.filter((m) => m !== to));
      const [subject, text] = random.pick(TOPICS);
      const body = htmlBody([
        `Hi ${escapeHtml(to.name.split(" ")[0])},`,
        escapeHtml(text),
        escapeHtml(from.name),
      ]);
      w.send(from, [to], simpleContent(subject, body, [to]), random.int(start, end));
    }
  }
}
