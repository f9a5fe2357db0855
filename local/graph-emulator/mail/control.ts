// /_emulator/mail/…: inject inbound mail, answer as a customer, act as the mailbox owner (read,
// move, delete), expire delta tokens, change settings, trigger lifecycle events, read the outbound
// and notification logs (README "Mail control API").
import type { Hono } from "hono";
import { z } from "zod";
import { InputError, readJson } from "../control/input.ts";
import { Random } from "../core/random.ts";
import type { Runtime } from "../runtime.ts";
import { htmlDocument, prefixed } from "./compose.ts";
import { effectiveTopic, newContent } from "./content.ts";
import { threadIndexChild } from "./ids.ts";
import type { Address, Mailbox, MessageContent } from "./model.ts";
import { scheduleReauthorization } from "./reauthorization.ts";
import { LEGACY_SUBSCRIPTION_MINUTES } from "./settings.ts";
import { MAIL, mailOf, MailState } from "./state.ts";
import { externalMessageId, replyReferences } from "./threading.ts";
import { deliverCopy } from "./transport.ts";
import { fillMailbox, generateMail } from "./world/generate.ts";

const AddressInput = z.union([z.string(), z.object({ name: z.string().optional(), address: z.string() })]);
const toAddress = (a: z.infer<typeof AddressInput>): Address =>
  typeof a === "string" ? { name: a, address: a } : { name: a.name ?? a.address, address: a.address };
const list = <T>(v: T | T[] | undefined) => v === undefined ? [] : Array.isArray(v) ? v : [v];

const Inject = z.object({
  to: z.union([AddressInput, z.array(AddressInput)]),
  cc: z.union([AddressInput, z.array(AddressInput)]).optional(),
  from: AddressInput,
  subject: z.string().optional(),
  text: z.string().optional(),
  html: z.string().optional(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  attachments: z.array(z.object({
    name: z.string(),
    contentType: z.string().default("application/octet-stream"),
    contentBase64: z.string(),
    inline: z.boolean().default(false),
    contentId: z.string().optional(),
  })).default([]),
  messageId: z.string().optional(),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()).optional(),
  /** Thread onto a message of a mailbox: subject, In-Reply-To, References, Thread-Index follow it. */
  replyTo: z.object({ mailbox: z.string(), id: z.string() }).optional(),
  delaySeconds: z.number().nonnegative().default(0),
});

const Settings = z.object({
  sentItemsDelaySeconds: z.number().nonnegative(),
  deliveryDelaySeconds: z.number().nonnegative(),
  notificationDelaySeconds: z.number().nonnegative(),
  timeScale: z.number().positive(),
  notificationTimeoutMs: z.number().int().positive(),
  validationTimeoutMs: z.number().int().positive(),
  subscriptionMaxMinutes: z.number().int().positive(),
  subscriptionLifetime: z.enum(["current", "legacy"]),
  subscriptionsPerMailbox: z.number().int().positive(),
  deltaUpdates: z.enum(["partial", "full"]),
  deltaTokenCacheSize: z.number().int().positive(),
  deltaTokenMaxAgeMinutes: z.number().positive().nullable(),
  deltaExpiredResponse: z.enum(["syncStateNotFound", "reset"]),
  reauthorizationGraceMinutes: z.number().nonnegative(),
}).partial();

function mailbox(state: MailState, key: string): Mailbox {
  const lower = key.toLowerCase();
  for (const m of state.store.mailboxes.values()) {
    if (m.user.id === key || m.address === lower || m.user.graph.userPrincipalName.toLowerCase() === lower) {
      return m;
    }
  }
  const byAlias = state.store.byAddress.get(lower);
  if (byAlias) return byAlias;
  throw new InputError(`no mailbox '${key}'`);
}

function message(state: MailState, mbx: Mailbox, id: string) {
  const m = state.store.message(mbx, id);
  if (!m) throw new InputError(`no message '${id}' in ${mbx.address}`);
  return m;
}

/** Delivers to every emulated recipient now or after a delay; returns where copies landed. */
function deliver(state: MailState, content: MessageContent, delaySeconds: number) {
  const targets = new Set(
    [...content.to, ...content.cc].map((a) => state.store.byAddress.get(a.address.toLowerCase())).filter((
      m,
    ): m is Mailbox => !!m),
  );
  if (!targets.size) throw new InputError("no recipient is an emulated mailbox");
  const placed: Record<string, unknown>[] = [];
  for (const target of targets) {
    const run = () => {
      const copy = deliverCopy(state.store, target, content, state.now());
      placed.push({
        mailbox: target.address,
        id: copy.immutableId,
        restId: copy.restId,
        conversationId: copy.conversationId,
      });
    };
    if (delaySeconds > 0) state.jobs.after(delaySeconds * 1000, run);
    else run();
  }
  return {
    internetMessageId: content.internetMessageId,
    delivered: placed,
    scheduled: delaySeconds > 0 ? targets.size : 0,
  };
}

function injected(state: MailState, input: z.infer<typeof Inject>): MessageContent {
  const now = state.now();
  const from = toAddress(input.from);
  const parent = input.replyTo
    ? message(state, mailbox(state, input.replyTo.mailbox), input.replyTo.id)
    : null;
  const html = input.html ?? (input.text === undefined ? undefined : null);
  const c = newContent({
    subject: input.subject ?? (parent ? prefixed(parent.subject, "RE: ") : ""),
    body: html
      ? { contentType: "html", content: html.includes("<html") ? html : htmlDocument(html) }
      : { contentType: "text", content: input.text ?? "" },
    from,
    sender: from,
    to: list(input.to).map(toAddress),
    cc: list(input.cc).map(toAddress),
    internetMessageId: input.messageId ??
      externalMessageId(state.random, from.address.split("@")[1] ?? "example.com", now),
    inReplyTo: input.inReplyTo ?? parent?.internetMessageId ?? null,
    references: input.references ?? (parent ? replyReferences(parent) : []),
    threadIndex: parent?.threadIndex ? threadIndexChild(parent.threadIndex, parent.receivedAt, now) : "",
    extraHeaders: input.headers,
    attachments: input.attachments.map((a) => ({
      kind: "file" as const,
      name: a.name,
      contentType: a.contentType,
      isInline: a.inline,
      lastModified: now,
      bytes: Uint8Array.from(atob(a.contentBase64), (ch) => ch.charCodeAt(0)),
      contentId: a.contentId ?? null,
    })),
    sentAt: now,
  });
  return { ...c, topic: effectiveTopic(c) };
}

export function mailControl(app: Hono, rt: Runtime): void {
  const state = () => mailOf(rt);

  app.get("/settings", (c) => c.json(state().settings));
  app.patch("/settings", async (c) => {
    const { subscriptionLifetime, ...input } = await readJson(c, Settings);
    const s = state().settings;
    Object.assign(s, input);
    if (subscriptionLifetime) {
      s.subscriptionMaxMinutes = subscriptionLifetime === "legacy" ? LEGACY_SUBSCRIPTION_MINUTES : 10_080;
    }
    return c.json(s);
  });

  app.get("/mailboxes", (c) =>
    c.json([...state().store.mailboxes.values()].map((m) => ({
      id: m.user.id,
      address: m.address,
      tenantId: m.tenant.id,
      kind: m.user.kind,
      locale: m.locale,
      fullAccess: [...m.fullAccess],
      folders: [...m.folders.values()].map((f) => ({
        id: f.id,
        wellKnownName: f.wellKnownName,
        displayName: f.displayName,
        total: f.items.size,
      })),
    }))));
  app.get("/fixtures", (c) => c.json(state().world.fixtures));

  app.post("/inject", async (c) => {
    const s = state();
    const input = await readJson(c, Inject);
    return c.json(deliver(s, injected(s, input), input.delaySeconds), 201);
  });

  app.post("/customer-reply", async (c) => {
    const s = state();
    const input = await readJson(
      c,
      z.object({
        outboundId: z.string().optional(),
        internetMessageId: z.string().optional(),
        text: z.string().default("Thanks, that answers my question."),
        delaySeconds: z.number().nonnegative().default(0),
      }),
    );
    const sent = [...s.outbound].reverse().find((o) =>
      (!input.outboundId || o.id === input.outboundId) &&
      (!input.internetMessageId || o.internetMessageId === input.internetMessageId)
    );
    if (!sent) throw new InputError("no such outbound message");
    const customer = sent.to[0] ?? sent.cc[0];
    return c.json(
      deliver(
        s,
        injected(s, {
          to: sent.from ? [sent.from] : [sent.mailbox],
          from: customer,
          subject: prefixed(sent.subject, "Re: "),
          text: input.text,
          headers: [],
          attachments: [],
          inReplyTo: sent.internetMessageId,
          references: [...sent.references, sent.internetMessageId].slice(-20),
          delaySeconds: input.delaySeconds,
        }),
        input.delaySeconds,
      ),
      201,
    );
  });

  // A big mailbox for one test or benchmark, without regenerating (and so without disturbing) the
  // rest of the world. Repeatable: each fill of the same mailbox draws the next seeded stream.
  app.post("/mailboxes/:mailbox/fill", async (c) => {
    const s = state();
    const { messages } = await readJson(c, z.object({ messages: z.number().int().min(1).max(200_000) }));
    const target = mailbox(s, c.req.param("mailbox"));
    const inbox = s.store.wellKnown(target, "inbox");
    const before = inbox.items.size;
    fillMailbox(rt.world, s.store, s.random.fork(`fill/${target.user.id}/${before}`), target, messages);
    return c.json(
      { mailbox: target.address, inbox: inbox.items.size, added: inbox.items.size - before },
      201,
    );
  });
  app.post("/mailboxes/:mailbox/messages/:id/read", async (c) => {
    const s = state();
    const { isRead } = await readJson(c, z.object({ isRead: z.boolean().default(true) }));
    const m = message(s, mailbox(s, c.req.param("mailbox")), c.req.param("id"));
    s.store.update(m, { isRead }, s.now());
    return c.json({ id: m.immutableId, isRead });
  });
  app.post("/mailboxes/:mailbox/messages/:id/move", async (c) => {
    const s = state();
    const { destination } = await readJson(c, z.object({ destination: z.string() }));
    const mbx = mailbox(s, c.req.param("mailbox"));
    const m = message(s, mbx, c.req.param("id"));
    const folder = s.store.folder(mbx, destination);
    if (!folder) throw new InputError(`no folder '${destination}'`);
    s.store.move(m, folder, s.now());
    return c.json({ id: m.immutableId, restId: m.restId, parentFolderId: folder.id });
  });
  app.delete("/mailboxes/:mailbox/messages/:id", (c) => {
    const s = state();
    s.store.purge(message(s, mailbox(s, c.req.param("mailbox")), c.req.param("id")));
    return c.body(null, 204);
  });

  app.post("/delta/expire", async (c) => {
    const s = state();
    const input = await readJson(
      c,
      z.object({ mailbox: z.string().optional(), folder: z.string().optional() }),
    );
    const boxes = input.mailbox ? [mailbox(s, input.mailbox)] : [...s.store.mailboxes.values()];
    let expired = 0;
    for (const m of boxes) {
      expired += m.syncStates.expire(
        input.folder ? s.store.folder(m, input.folder)?.id ?? input.folder : undefined,
      );
    }
    return c.json({ expired });
  });

  app.get("/outbound", (c) => c.json(state().outbound));
  app.delete("/outbound", (c) => {
    state().outbound.length = 0;
    return c.body(null, 204);
  });
  app.get("/notifications", (c) => {
    const { subscriptionId, kind } = c.req.query();
    return c.json(
      state().notifier.log.filter((a) =>
        (!subscriptionId || a.subscriptionIds.includes(subscriptionId)) && (!kind || a.kind === kind)
      ),
    );
  });
  app.delete("/notifications", (c) => {
    state().notifier.log.length = 0;
    return c.body(null, 204);
  });
  app.get(
    "/subscriptions",
    (c) =>
      c.json(
        state().notifier.live().map((s) => ({
          ...s,
          folder: s.folder?.id ?? null,
          changeTypes: [...s.changeTypes],
        })),
      ),
  );
  app.post("/subscriptions/:id/lifecycle", async (c) => {
    const s = state();
    const { event } = await readJson(
      c,
      z.object({ event: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]) }),
    );
    const sub = s.notifier.subscriptions.get(c.req.param("id"));
    if (!sub) throw new InputError("no such subscription");
    s.notifier.lifecycle(sub, event);
    // subscriptionRemoved: Graph removed it (password reset, revoked grant); reauthorization is pending otherwise.
    if (event === "subscriptionRemoved") s.notifier.subscriptions.delete(sub.id);
    if (event === "reauthorizationRequired") scheduleReauthorization(s, sub);
    return c.json({ sent: sub.lifecycleUrl !== null });
  });
  app.post("/settle", (c) => c.json({ pending: state().jobs.pending }));
  app.post("/reset", (c) => {
    const old = MAIL.get(rt.world);
    old.stop();
    MAIL.set(
      rt.world,
      new MailState(
        generateMail(
          rt.world,
          new Random(`m365-edge/${rt.world.seed}`).fork("generator/mail"),
          old.world.options,
        ),
        rt.world.seed,
      ),
    );
    return c.json({ ok: true });
  });
}
