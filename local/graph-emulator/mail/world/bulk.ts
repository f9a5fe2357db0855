// `options.mail.messages`: fills one mailbox's Inbox with exactly N customer messages in threads of
// up to four (agents' answers in between go to Sent Items), spread over the year before the epoch.
// Benchmarks use 10,000+; everything here is linear and allocation-light.
import type { HelpDesk } from "./help-desk.ts";
import type { Random } from "../../core/random.ts";
import { customer } from "./people.ts";
import { textsFor } from "./texts.ts";

const HOUR = 3_600_000;

export function fillInbox(
  desk: HelpDesk,
  random: Random,
  n: number,
  locale: string,
  start: number,
  end: number,
): void {
  let left = n;
  const threads = Math.ceil(n / 2.5);
  for (let i = 0; left > 0; i++) {
    const who = customer(random, locale);
    const t = textsFor(who.locale);
    let at = start + Math.floor(((end - start) * Math.min(i, threads - 1)) / threads);
    let last = desk.request(who, desk.fill(random.pick(t.subjects), ""), at);
    left--;
    for (let k = Math.min(left, random.int(0, 3)); k > 0; k--, left--) {
      const answer = desk.answer(last, who, at += random.int(1, 12) * HOUR);
      last = desk.followUp(answer, who, at += random.int(1, 24) * HOUR);
    }
  }
}
