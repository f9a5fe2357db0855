// The pure core of the help desk: base subjects, message ids (and our signed ones), auto-mail
// classification, and the threading decision for every rule and edge case in the note.
import assert from "node:assert/strict";
import { bouncedMessageId, classify, headerMap } from "../supabase/functions/_shared/mail/auto-mail.ts";
import {
  canonicalId,
  idsIn,
  parentId,
  referenceChain,
  signedMessageId,
  verifySignedId,
} from "../supabase/functions/_shared/mail/message-ids.ts";
import { baseSubject, replySubject } from "../supabase/functions/_shared/mail/subject.ts";
import {
  decide,
  DEFAULT_POLICY,
  type IncomingMessage,
  type Knowledge,
  type KnownMessage,
  type Ticket,
} from "../supabase/functions/_shared/mail/threading.ts";

// ---------------------------------------------------------------------------- subjects

Deno.test("base subject: prefixes in many languages, counters, banners, wrappers, hooks", () => {
  const cases: [string, string, boolean][] = [
    ["Question regarding A", "Question regarding A", false],
    ["RE: Question regarding A", "Question regarding A", true],
    ["Re: Re[4]: Re: Question regarding A", "Question regarding A", true],
    ["AW: WG[5]: AW[2]: Question regarding A", "Question regarding A", true],
    ["Fwd: RE: FWD[5]: Question regarding A", "Question regarding A", true],
    ["WG: AW: Wg[5]: Question regarding A", "Question regarding A", true],
    ["SV: Leverans försenad", "Leverans försenad", true],
    ["Antw: Bestelling 4471", "Bestelling 4471", true],
    ["RV: Factura pendiente", "Factura pendiente", true],
    ["TR: Commande en retard", "Commande en retard", true],
    ["Odp: Faktura", "Faktura", true],
    ["回复: 订单问题", "订单问题", true],
    ["Re(2): Printer offline", "Printer offline", true],
    ["RE：Printer offline", "Printer offline", true], // full-width colon (NFKC)
    ["[EXTERNAL] RE: Printer offline", "Printer offline", true],
    ["RE: [EXTERNAL] Printer offline", "Printer offline", true],
    ["*** SPAM *** Printer offline", "Printer offline", false],
    ["[Caution: External] Re: Printer offline", "Printer offline", true],
    ["[fwd: Printer offline]", "Printer offline", true],
    ["Printer offline (fwd)", "Printer offline", true],
    ["[support-list] Re: Printer offline", "Printer offline", true],
    ["[urgent]", "[urgent]", false], // a blob alone is the subject
    ["VS Code: crash on start", "VS Code: crash on start", false], // "VS" with no colon after it
    ["Re:", "Re:", false], // nothing after the prefix: keep it
    ["  Re:\tPrinter \r\n offline  ", "Printer offline", true],
    ["Bug: login fails", "Bug: login fails", false], // not a reply prefix (Zammad's 2-letter rule would strip it)
  ];
  for (const [raw, base, reply] of cases) {
    const result = baseSubject(raw);
    assert.equal(result.base, base, raw);
    assert.equal(result.isReplyOrForward, reply, raw);
  }
});

Deno.test("base subject: ticket hooks are signals, keys compare case-free, generic subjects do not match", () => {
  const hooked = baseSubject("Re: [Ticket#4711] Printer offline");
  assert.deepEqual(hooked.hooks, [4711]);
  assert.equal(hooked.base, "Printer offline");
  assert.deepEqual(baseSubject("[#12] AW: Druckerproblem").hooks, [12]);
  assert.equal(baseSubject("RE: PRINTER Offline").key, baseSubject("printer offline").key);
  for (const generic of ["RE: Invoice", "Re: question", "Re: test", "RE: (no subject)", "Re: hi"]) {
    assert.equal(baseSubject(generic).matchable, false, generic);
  }
  assert.equal(baseSubject("Re: Invoice 2026-0412 overdue").matchable, true);
});

Deno.test("reply subjects come from the latest inbound and never stack prefixes", () => {
  assert.equal(replySubject("AW: RE: [EXTERNAL] Printer offline"), "Re: Printer offline");
  assert.equal(replySubject(""), "Re:");
});

// ---------------------------------------------------------------------------- message ids

Deno.test("message ids: tolerant extraction and one canonical spelling", () => {
  assert.equal(
    canonicalId("<ABC.123@Mail.Contoso.COM>"),
    "ABC.123@mail.contoso.com",
    "the local part keeps its case",
  );
  assert.equal(canonicalId('<"abc.123"@x.test>'), "abc.123@x.test", "quoted plain local parts unquoted");
  assert.equal(canonicalId("no-at-sign"), null);
  assert.equal(parentId("Your message of Tue, 3 Mar <orig@x.test> was received"), "orig@x.test");
  assert.equal(parentId("<a@x.test> <b@x.test>"), "a@x.test", "In-Reply-To names one parent");
  assert.deepEqual(idsIn("<a@x.test>\r\n <b@x.test>,<a@x.test>"), ["a@x.test", "b@x.test"]);
  assert.deepEqual(idsIn("bare@x.test"), ["bare@x.test"]);
  assert.deepEqual(idsIn("garbage without ids"), []);
  const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x.test>`).join(" ");
  const chain = referenceChain(`${long} <self@x.test>`, "self@x.test");
  assert.equal(chain.length, 20, "capped to the nearest 20 ancestors");
  assert.equal(chain.at(-1), "m29@x.test");
  assert.ok(!chain.includes("self@x.test"), "no self-reference");
});

Deno.test("signed message ids name their ticket, and a forged or altered one is refused", async () => {
  const ticket = crypto.randomUUID();
  const message = crypto.randomUUID();
  const id = await signedMessageId(ticket, message, "Support.Contoso.com", "secret-1");
  assert.match(id, /^<t\.[0-9a-f]{32}\.[0-9a-f]{32}\.[a-z2-7]{26}@support\.contoso\.com>$/);
  assert.deepEqual(await verifySignedId(id, "secret-1"), { ticketId: ticket, messageId: message });
  assert.equal(await verifySignedId(id, "another-secret"), null);
  const otherTicket = crypto.randomUUID().replace(/-/g, "");
  assert.equal(await verifySignedId(id.replace(/t\.[0-9a-f]{32}/, `t.${otherTicket}`), "secret-1"), null);
  assert.equal(await verifySignedId("<random@contoso.com>", "secret-1"), null);
});

// ---------------------------------------------------------------------------- auto mail

Deno.test("auto mail: Exchange out-of-office, auto-replies, bounces, bulk, and people", () => {
  const h = (pairs: Record<string, string>) =>
    headerMap(Object.entries(pairs).map(([name, value]) => ({ name, value })));
  assert.equal(
    classify(
      h({ "X-Auto-Response-Suppress": "All", "X-MS-Exchange-Inbox-Rules-Loop": "amy@x.test" }),
      "amy@x.test",
    ).kind,
    "out_of_office",
  );
  assert.equal(
    classify(h({ "Auto-Submitted": "auto-replied" }), "a@x.test", "Automatic reply: Away").kind,
    "out_of_office",
  );
  assert.equal(classify(h({ "Auto-Submitted": "vacation" }), "a@x.test").kind, "out_of_office");
  assert.equal(
    classify(h({ "Auto-Submitted": "auto-generated" }), "a@x.test", "Order received").kind,
    "auto_reply",
  );
  assert.equal(classify(h({ "X-Autoreply": "yes" }), "a@x.test").kind, "auto_reply");
  assert.equal(
    classify(
      h({ "Content-Type": 'multipart/report; report-type="delivery-status"; boundary=x' }),
      "postmaster@x.test",
    )
      .kind,
    "bounce",
  );
  assert.equal(
    classify(h({ "X-MS-Exchange-Message-Is-Ndr": "" }), "MicrosoftExchange329e71ec88ae@x.test").kind,
    "bounce",
  );
  assert.equal(classify(h({ "Precedence": "bulk" }), "news@shop.test").kind, "bulk");
  assert.equal(classify(h({ "List-Unsubscribe": "<mailto:u@shop.test>" }), "news@shop.test").kind, "bulk");
  assert.equal(classify(h({}), "noreply@vendor.test").kind, "bulk");
  assert.equal(classify(h({ "Auto-Submitted": "no" }), "jane@customer.test").kind, null);
  assert.equal(
    classify(h({ "X-Auto-Response-Suppress": "All" }), "jane@customer.test").kind,
    "auto_reply",
    "Outlook sets Suppress: All on some mail; without the rules-loop header it is not out-of-office",
  );
  assert.equal(
    bouncedMessageId("Received: from x\r\nMessage-ID: <orig-42@contoso.com>\r\nSubject: Re: Printer\r\n"),
    "orig-42@contoso.com",
  );
});

// ---------------------------------------------------------------------------- threading

const T0 = new Date("2026-11-01T10:00:00Z");
const days = (n: number) => new Date(T0.getTime() + n * 86_400_000);

interface Held extends Partial<KnownMessage> {
  id: string;
  ticketId: string | null;
  inReplyTo?: string;
  references?: string[];
  conversationId?: string;
}

function knowledge(tickets: Partial<Ticket>[], held: Held[]): Knowledge {
  const byId = new Map(tickets.map((t) => {
    const full: Ticket = {
      id: t.id!,
      status: t.status ?? "open",
      mergedInto: t.mergedInto ?? null,
      desk: t.desk ?? "mb1",
      customer: t.customer ?? "jane@customer.test",
      participants: t.participants ?? [t.customer ?? "jane@customer.test", "support@contoso.com"],
      subjectKey: t.subjectKey ?? "printer offline",
      lastActivityAt: t.lastActivityAt ?? T0,
      closedAt: t.closedAt ?? null,
    };
    return [full.id, full];
  }));
  const known = (m: Held): KnownMessage => ({
    ticketId: m.ticketId,
    direction: m.direction ?? "inbound",
    recipients: m.recipients ?? [],
    broadcast: m.broadcast ?? false,
    contentHash: m.contentHash ?? `hash-${m.id}`,
  });
  return {
    ticket: (id) => byId.get(id),
    messages: (id) => held.filter((m) => m.id === id).map(known),
    referencing: (id) =>
      held.filter((m) => m.inReplyTo === id || m.references?.includes(id)).flatMap((m) =>
        m.ticketId ? [m.ticketId] : []
      ),
    conversation: (id) =>
      held.filter((m) => m.conversationId === id).flatMap((m) => m.ticketId ? [m.ticketId] : []),
    subject: (key) => [...byId.values()].filter((t) => t.subjectKey === key).map((t) => t.id),
  };
}

function incoming(m: Partial<IncomingMessage>): IncomingMessage {
  return {
    internetMessageId: m.internetMessageId === undefined ? "new@customer.test" : m.internetMessageId,
    inReplyTo: m.inReplyTo ?? null,
    references: m.references ?? [],
    conversationId: m.conversationId ?? null,
    subject: m.subject ?? "Re: Printer offline",
    from: m.from ?? "jane@customer.test",
    recipients: m.recipients ?? ["support@contoso.com"],
    desk: m.desk ?? "mb1",
    receivedAt: m.receivedAt ?? days(1),
    auto: m.auto ?? { kind: null, reasons: [] },
    contentHash: m.contentHash ?? "hash-new",
    signedTicketId: m.signedTicketId ?? null,
    bouncedMessageId: m.bouncedMessageId ?? null,
  };
}

Deno.test("threading: In-Reply-To, then References nearest first, then replies that came first", () => {
  const k = knowledge([{ id: "T1" }, { id: "T2" }], [
    { id: "root@x.test", ticketId: "T1" },
    { id: "other@x.test", ticketId: "T2" },
  ]);
  assert.deepEqual(decide(incoming({ inReplyTo: "root@x.test" }), k), {
    kind: "attach",
    ticketId: "T1",
    rule: "in-reply-to",
    status: null,
  });
  const byRefs = decide(incoming({ references: ["root@x.test", "other@x.test"] }), k);
  assert.equal(byRefs.kind === "attach" && byRefs.ticketId, "T2", "the nearest ancestor (last) wins");
  assert.equal(byRefs.kind === "attach" && byRefs.rule, "references");
  const brokenIrt = decide(incoming({ inReplyTo: "unknown@x.test", references: ["root@x.test"] }), k);
  assert.equal(
    brokenIrt.kind === "attach" && brokenIrt.ticketId,
    "T1",
    "an unknown In-Reply-To falls through to References",
  );
});

Deno.test("threading: a reply that arrives before its parent makes one ticket, not two", () => {
  // The reply came first and opened T1; now the parent arrives.
  const k = knowledge([{ id: "T1" }], [{ id: "reply@x.test", ticketId: "T1", inReplyTo: "parent@x.test" }]);
  const parent = decide(incoming({ internetMessageId: "parent@x.test", subject: "Printer offline" }), k);
  assert.deepEqual(parent, { kind: "attach", ticketId: "T1", rule: "answered-by", status: null });
});

Deno.test("threading: an ancestor we never saw still joins messages that share it (phantom root)", () => {
  const k = knowledge([{ id: "T1" }], [{
    id: "first-reply@x.test",
    ticketId: "T1",
    references: ["never-seen@x.test"],
  }]);
  const d = decide(incoming({ references: ["never-seen@x.test"] }), k);
  assert.equal(d.kind === "attach" && d.ticketId, "T1");
});

Deno.test("threading: cycles and self-references neither loop nor match themselves", () => {
  const k = knowledge([{ id: "T1", mergedInto: "T2" }, { id: "T2", mergedInto: "T1" }], [
    { id: "a@x.test", ticketId: "T1", references: ["b@x.test"] },
    { id: "b@x.test", ticketId: "T1", references: ["a@x.test"] },
  ]);
  const cyclic = decide(incoming({ references: ["a@x.test", "b@x.test", "a@x.test"] }), k);
  assert.equal(cyclic.kind, "attach");
  const self = decide(
    incoming({
      internetMessageId: "self@x.test",
      inReplyTo: "self@x.test",
      references: ["self@x.test"],
      subject: "Hello there",
    }),
    knowledge([], []),
  );
  assert.equal(self.kind, "create");
});

Deno.test("threading: a signed id of ours wins, even against other headers", () => {
  const k = knowledge([{ id: "T1" }, { id: "T9" }], [{ id: "root@x.test", ticketId: "T1" }]);
  const d = decide(incoming({ inReplyTo: "root@x.test", signedTicketId: "T9" }), k);
  assert.deepEqual(d, { kind: "attach", ticketId: "T9", rule: "signed", status: null });
});

Deno.test("threading: the same message again joins its ticket; a reused Message-ID with other content does not", () => {
  const k = knowledge([{ id: "T1" }], [{ id: "dhl-42@dhl.test", ticketId: "T1", contentHash: "parcel-A" }]);
  const again = decide(
    incoming({ internetMessageId: "dhl-42@dhl.test", contentHash: "parcel-A", subject: "Your parcel" }),
    k,
  );
  assert.equal(again.kind === "attach" && again.rule, "same-message");
  const reused = decide(
    incoming({
      internetMessageId: "dhl-42@dhl.test",
      contentHash: "parcel-B",
      subject: "Your parcel",
      from: "noreply@dhl.test",
    }),
    k,
  );
  assert.equal(reused.kind, "create", "different content under a reused id is a new message");
});

Deno.test("threading: merges are followed and active tickets preferred", () => {
  const k = knowledge(
    [
      { id: "OLD", status: "closed", closedAt: days(-30), lastActivityAt: days(-30) },
      { id: "MERGED", mergedInto: "TARGET" },
      { id: "TARGET", lastActivityAt: days(-2) },
    ],
    [
      { id: "m-old@x.test", ticketId: "OLD" },
      { id: "m-merged@x.test", ticketId: "MERGED" },
    ],
  );
  // References are read nearest first: m-old (the last one) names the closed ticket, which reopens.
  assert.deepEqual(decide(incoming({ references: ["m-merged@x.test", "m-old@x.test"] }), k), {
    kind: "attach",
    ticketId: "OLD",
    rule: "references",
    status: "open",
  });
  const both = decide(incoming({ inReplyTo: "m-merged@x.test" }), k);
  assert.equal(
    both.kind === "attach" && both.ticketId,
    "TARGET",
    "a merged ticket's mail goes to its successor",
  );
});

Deno.test("threading: a person's reply to a closed ticket follows the mailbox policy", () => {
  const k = knowledge([{ id: "T1", status: "closed", closedAt: days(-20) }], [{
    id: "root@x.test",
    ticketId: "T1",
  }]);
  const msg = incoming({ inReplyTo: "root@x.test" });
  assert.deepEqual(decide(msg, k, { ...DEFAULT_POLICY, closed: "reopen" }), {
    kind: "attach",
    ticketId: "T1",
    rule: "in-reply-to",
    status: "open",
  });
  assert.deepEqual(decide(msg, k, { ...DEFAULT_POLICY, closed: "new_ticket" }), {
    kind: "create",
    linkedTo: "T1",
    reason: "the ticket is closed",
  });
  const within = { ...DEFAULT_POLICY, closed: "reopen_within_days" as const, reopenWithinDays: 30 };
  assert.equal(decide(msg, k, within).kind, "attach", "closed 20 days ago: within 30");
  assert.equal(
    decide(msg, k, { ...within, reopenWithinDays: 7 }).kind,
    "create",
    "closed 20 days ago: beyond 7",
  );
});

Deno.test("threading: a pending ticket opens again when the customer answers; machines change nothing", () => {
  const k = knowledge([{ id: "T1", status: "pending" }, { id: "T2", status: "closed", closedAt: days(-1) }], [
    { id: "p@x.test", ticketId: "T1" },
    { id: "c@x.test", ticketId: "T2" },
  ]);
  assert.equal((decide(incoming({ inReplyTo: "p@x.test" }), k) as { status: string }).status, "open");
  const oof = { kind: "out_of_office" as const, reasons: ["out-of-office"] };
  assert.deepEqual(decide(incoming({ inReplyTo: "c@x.test", auto: oof }), k), {
    kind: "attach",
    ticketId: "T2",
    rule: "in-reply-to",
    status: null,
  }, "an out-of-office reply never reopens a ticket");
  assert.equal(
    (decide(incoming({ inReplyTo: "p@x.test", auto: oof }), k) as { status: unknown }).status,
    null,
  );
});

Deno.test("threading: out-of-office replies and bounces about nothing of ours are parked", () => {
  const oof = decide(
    incoming({ subject: "Automatic reply: Hello", auto: { kind: "out_of_office", reasons: [] } }),
    knowledge([], []),
  );
  assert.equal(oof.kind, "park");
  const bounce = decide(
    incoming({ subject: "Undeliverable: Hello", auto: { kind: "bounce", reasons: [] } }),
    knowledge([], []),
  );
  assert.equal(bounce.kind, "park");
  const bulk = decide(
    incoming({ subject: "Our newsletter", auto: { kind: "bulk", reasons: [] } }),
    knowledge([], []),
  );
  assert.equal(bulk.kind, "create", "bulk mail is kept (and never auto-answered), not parked");
});

Deno.test("threading: a bounce joins the ticket of the message that bounced", () => {
  const k = knowledge([{ id: "T1" }], [{
    id: "our-reply@contoso.com",
    ticketId: "T1",
    direction: "outbound",
  }]);
  const d = decide(
    incoming({
      from: "postmaster@contoso.com",
      subject: "Undeliverable: Re: Printer offline",
      auto: { kind: "bounce", reasons: [] },
      bouncedMessageId: "our-reply@contoso.com",
    }),
    k,
  );
  assert.deepEqual(d, { kind: "attach", ticketId: "T1", rule: "bounce", status: null });
});

Deno.test("threading: replies to a broadcast belong to their senders, not to one shared ticket", () => {
  const k = knowledge([{ id: "NEWS" }], [{
    id: "newsletter@contoso.com",
    ticketId: "NEWS",
    direction: "outbound",
    broadcast: true,
    recipients: ["ann@a.test", "bob@b.test"],
  }]);
  assert.equal(
    (decide(incoming({ from: "ann@a.test", inReplyTo: "newsletter@contoso.com" }), k) as { ticketId: string })
      .ticketId,
    "NEWS",
  );
  assert.equal(
    decide(incoming({ from: "eve@e.test", inReplyTo: "newsletter@contoso.com", subject: "Re: News" }), k)
      .kind,
    "create",
  );
});

Deno.test("threading: conversationId links only within the mailbox, to active tickets, among participants", () => {
  const held = [{ id: "c1@x.test", ticketId: "T1", conversationId: "CONV" }];
  const active = knowledge([{ id: "T1" }], held);
  assert.equal(
    (decide(incoming({ conversationId: "CONV", subject: "Hello" }), active) as { rule: string }).rule,
    "conversation",
  );
  assert.equal(
    decide(
      incoming({ conversationId: "CONV", subject: "Hello", from: "stranger@s.test", recipients: [] }),
      active,
    ).kind,
    "create",
    "same subject-derived conversation, different people: not the same ticket",
  );
  assert.equal(
    decide(incoming({ conversationId: "CONV", subject: "Hello", desk: "mb2" }), active).kind,
    "create",
  );
  const closed = knowledge([{ id: "T1", status: "closed", closedAt: days(-1) }], held);
  assert.equal(decide(incoming({ conversationId: "CONV", subject: "Hello" }), closed).kind, "create");
  const stale = knowledge([{ id: "T1", lastActivityAt: days(-60) }], held);
  assert.equal(decide(incoming({ conversationId: "CONV", subject: "Hello" }), stale).kind, "create");
});

Deno.test("threading: subject is the last resort, for replies, specific subjects and the same customer", () => {
  const k = knowledge([
    { id: "T1", customer: "jane@customer.test", subjectKey: "printer offline" },
    { id: "GEN", customer: "jane@customer.test", subjectKey: "invoice" },
    { id: "GMAIL", customer: "ann@gmail.com", subjectKey: "refund for order 4471" },
  ], []);
  assert.equal((decide(incoming({ subject: "AW: Printer offline" }), k) as { rule: string }).rule, "subject");
  assert.equal(
    (decide(incoming({ subject: "RE: Printer offline", from: "tom@customer.test" }), k) as {
      ticketId: string;
    }).ticketId,
    "T1",
    "a colleague at the same company",
  );
  assert.equal(
    decide(incoming({ subject: "Printer offline" }), k).kind,
    "create",
    "not a reply: a new request",
  );
  assert.equal(
    decide(incoming({ subject: "RE: Printer offline", from: "eve@other.test" }), k).kind,
    "create",
  );
  assert.equal(
    decide(incoming({ subject: "Re: Invoice" }), k).kind,
    "create",
    "a generic subject is never matched",
  );
  assert.equal(
    decide(incoming({ subject: "Re: Refund for order 4471", from: "bob@gmail.com" }), k).kind,
    "create",
    "two people at gmail.com are not colleagues",
  );
});

Deno.test("threading: a new subject in an old thread is a new request, linked to the old ticket", () => {
  for (const status of ["open", "archived"] as const) {
    const k = knowledge(
      [{ id: "OLD", status, closedAt: status === "open" ? null : days(-3), subjectKey: "printer offline" }],
      [{ id: "old@x.test", ticketId: "OLD", conversationId: "CONV" }],
    );
    // (conversationId only ever links active tickets)
    const ways = [{ inReplyTo: "old@x.test" }, { references: ["old@x.test"] }];
    for (const via of status === "open" ? [...ways, { conversationId: "CONV" }] : ways) {
      assert.deepEqual(decide(incoming({ ...via, subject: "Re: New laptop request" }), k), {
        kind: "create",
        linkedTo: "OLD",
        reason: "a new subject in an old thread",
      }, `${status} ${JSON.stringify(via)}`);
    }
    assert.equal(
      decide(incoming({ inReplyTo: "old@x.test", subject: "Re: Printer offline" }), k).kind,
      "attach",
      "the same subject stays (or reopens, by the default policy)",
    );
    assert.equal(
      decide(incoming({ inReplyTo: "old@x.test", subject: "AW: URGENT printer offline again" }), k).kind,
      "attach",
      "the same words with more around them are the same topic",
    );
    assert.equal(
      decide(incoming({ inReplyTo: "old@x.test", subject: "Re: Question" }), k).kind,
      "attach",
      "a generic subject names no new topic",
    );
    assert.equal(
      decide(
        incoming({
          inReplyTo: "old@x.test",
          subject: "New laptop request",
          from: "support@contoso.com",
          desk: "support@contoso.com",
        }),
        k,
      ).kind,
      "attach",
      "our own reply under another subject stays on the ticket",
    );
  }
});

Deno.test("threading: a message with no ids threads only by what it has", () => {
  const k = knowledge([{ id: "T1" }], []);
  const d = decide(incoming({ internetMessageId: null, subject: "RE: Printer offline" }), k);
  assert.equal((d as { rule: string }).rule, "subject");
  assert.equal(decide(incoming({ internetMessageId: null, subject: "Printer offline" }), k).kind, "create");
});
