// Links from mail to work orders, end to end against Fabrikam's support mailbox: the sync links
// WO-12345 and #12345 on its own, agents link and unlink by hand through link-email, a mailbox's
// own patterns change what the sync links, and everyone else is refused without learning anything.
import assert from "node:assert/strict";
import { connect, emulator, freshAccount, invoke, sessionFor } from "./support/stack.ts";
import { syncUntilDone, watchMailbox } from "./support/mail.ts";
import { canonicalReference, workOrderRefs } from "../supabase/functions/_shared/mail/work-orders.ts";

const sql = connect();
const SUPPORT = "support@fabrikam.com";
const ADMIN = "admin@fabrikam.onmicrosoft.com";

/** A member of `accountId` with `role`, signed in. */
async function member(accountId: string, role: "agent" | "viewer") {
  const user = { id: crypto.randomUUID(), email: `${role}-${crypto.randomUUID().slice(0, 6)}@tests.test` };
  await sql`insert into auth.users (id, email, aud, role) values (${user.id}, ${user.email}, 'authenticated', 'authenticated')`;
  await sql`insert into public.account_members (account_id, user_id, role) values (${accountId}, ${user.id}, ${role})`;
  return await sessionFor(user);
}

// Work-order numbers of this run: the emulator's mailbox keeps every earlier run's mail.
const number = () => String(100_000 + Math.floor(Math.random() * 900_000));

const DEFAULT_PATTERNS = [String.raw`\bWO-(\d{3,})\b`, String.raw`(?<![\w&])#(\d{3,})\b`];

Deno.test("a work order typed by hand is the reference the sync links", () => {
  for (const typed of ["WO-4711", "wo-4711", "WO4711", "#4711", "#004711", "WO-0004711"]) {
    assert.equal(canonicalReference(typed), "WO-4711", typed);
  }
  assert.deepEqual(workOrderRefs("see #004711 and WO-4711", DEFAULT_PATTERNS), ["WO-4711"]);
  for (const other of ["PO-4711", "WO-", "#", "4711", "WO-47a", "INV/2026/7"]) {
    assert.equal(canonicalReference(other), other, "anything else stays as written");
  }
});

Deno.test("work-order links", async (t) => {
  const { accountId, session: owner } = await freshAccount(sql, "mail-links");
  const desk = await watchMailbox(owner, accountId, ADMIN, SUPPORT);
  const agent = await member(accountId, "agent");
  const viewer = await member(accountId, "viewer");
  const stranger = (await freshAccount(sql, "mail-links-other")).session;
  const tag = crypto.randomUUID().slice(0, 8);

  /** A customer's mail into the support mailbox, synced; its message row id. */
  const mailIn = async (subject: string, text: string) => {
    await emulator("mail/inject", {
      body: { to: SUPPORT, from: `kunde-${tag}@proseware.com`, subject, text },
    });
    await sql`select private.enqueue_mail_sync(${desk.inbox})`;
    await syncUntilDone(sql, desk.inbox);
    const [row] = await sql`select id from public.email_messages where mailbox_id = ${desk.inbox}
      and subject = ${subject}`;
    assert.ok(row, `"${subject}" synced`);
    return row.id as string;
  };
  const links = (as: string, query: Record<string, string>) => invoke("link-email", { session: as, query });
  const linkBody = (as: string, method: "POST" | "DELETE", body: unknown) =>
    invoke("link-email", { session: as, method, body });

  const [wo, hash] = [number(), number()];
  let messageId = "";
  try {
    await t.step("the sync links WO- and #-numbers on its own", async () => {
      messageId = await mailIn(
        `Heizung defekt (${tag})`,
        `Guten Tag, es geht um WO-${wo}, siehe auch Auftrag #${hash}. Nicht gemeint: &#${number()}; WO-12.`,
      );
      const res = await links(viewer, { message_id: messageId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.data.map((l: { reference: string; source: string }) => [l.reference, l.source]).sort(),
        [[`WO-${hash}`, "auto"], [`WO-${wo}`, "auto"]].sort(),
        "both patterns, stored as WO-<number>",
      );
      const byRef = await links(viewer, { reference: `WO-${wo}` });
      assert.equal(byRef.status, 200);
      assert.deepEqual(byRef.body.data.map((l: { message_id: string }) => l.message_id), [messageId]);
      assert.equal(byRef.body.data[0].subject, `Heizung defekt (${tag})`);
      assert.ok(byRef.body.data[0].ticket_id, "the message's ticket comes along");
    });

    await t.step("an agent links by hand; linking again changes nothing", async () => {
      const reference = `PO-${tag}/7`;
      const first = await linkBody(agent, "POST", { message_id: messageId, reference: ` ${reference} ` });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.reference, reference, "trimmed");
      assert.equal(first.body.data.source, "manual");
      const again = await linkBody(agent, "POST", { message_id: messageId, reference });
      assert.equal(again.status, 200);
      assert.equal(again.body.data.id, first.body.data.id, "the same link");
      const byRef = await links(agent, { reference });
      assert.equal(byRef.body.data.length, 1);
      assert.equal(byRef.body.data[0].message_id, messageId);

      // The work order the sync linked, written another way by hand, is the same link: the agent's now.
      const auto = (await links(agent, { reference: `WO-${wo}` })).body.data[0];
      const adopted = await linkBody(agent, "POST", { message_id: messageId, reference: `wo-0${wo}` });
      assert.equal(adopted.status, 200);
      assert.deepEqual(
        [adopted.body.data.id, adopted.body.data.reference, adopted.body.data.source],
        [auto.id, `WO-${wo}`, "manual"],
      );
      const all = await links(agent, { message_id: messageId });
      assert.equal(all.body.data.length, 3, "no second spelling of the same work order");
      for (const spelling of [`#${wo}`, `wo${wo}`]) {
        const found = await links(agent, { reference: spelling });
        assert.deepEqual(found.body.data.map((l: { id: string }) => l.id), [auto.id], spelling);
      }
    });

    await t.step("unlinking removes the link once; a second time there is nothing to remove", async () => {
      const gone = await linkBody(agent, "DELETE", { message_id: messageId, reference: `WO-${hash}` });
      assert.equal(gone.status, 200, JSON.stringify(gone.body));
      assert.deepEqual(gone.body.data, { message_id: messageId, reference: `WO-${hash}`, removed: true });
      const twice = await linkBody(agent, "DELETE", { message_id: messageId, reference: `WO-${hash}` });
      assert.equal(twice.status, 404);
      assert.equal(twice.body.error, "no such link");
      assert.deepEqual((await links(agent, { reference: `WO-${hash}` })).body.data, []);
    });

    await t.step("bad input is a 400 that names the field", async () => {
      const cases: [unknown, RegExp][] = [
        [{ message_id: "42", reference: "WO-1" }, /message_id/],
        [{ message_id: messageId, reference: "" }, /reference/],
        [{ message_id: messageId, reference: "   " }, /reference/],
        [{ message_id: messageId, reference: "x".repeat(101) }, /reference/],
        [
          { message_id: messageId, reference: "WO-1; drop table" },
          /reference: letters, digits and # \. _ \/ - only/,
        ],
        [{ message_id: messageId }, /reference/],
      ];
      for (const [body, message] of cases) {
        const res = await linkBody(agent, "POST", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error_code, "invalid_input");
        assert.match(res.body.error, message);
      }
      const neither = await links(agent, {});
      assert.equal(neither.status, 400);
      assert.match(neither.body.error, /give message_id or reference/);
      const badQuery = await links(agent, { message_id: "not-a-uuid" });
      assert.equal(badQuery.status, 400);
      assert.match(badQuery.body.error, /message_id/);
    });

    await t.step("a viewer reads but may not link; other accounts learn nothing", async () => {
      const asViewer = await linkBody(viewer, "POST", { message_id: messageId, reference: "WO-999" });
      assert.equal(asViewer.status, 403);
      assert.match(
        asViewer.body.error,
        /only an agent or above may link mail to work orders \(you are viewer\)/,
      );
      const unlinkAsViewer = await linkBody(viewer, "DELETE", {
        message_id: messageId,
        reference: `WO-${wo}`,
      });
      assert.equal(unlinkAsViewer.status, 403);

      // Another account's message looks exactly like one that does not exist.
      const theirs = await linkBody(stranger, "POST", { message_id: messageId, reference: "WO-999" });
      const nobodys = await linkBody(stranger, "POST", {
        message_id: crypto.randomUUID(),
        reference: "WO-999",
      });
      assert.equal(theirs.status, 404);
      assert.deepEqual(theirs.body, nobodys.body);
      assert.equal(
        (await linkBody(stranger, "DELETE", { message_id: messageId, reference: `WO-${wo}` })).status,
        404,
      );
      assert.deepEqual((await links(stranger, { message_id: messageId })).body.data, []);
      assert.deepEqual((await links(stranger, { reference: `WO-${wo}` })).body.data, []);

      const anonymous = await invoke("link-email", { query: { message_id: messageId } });
      assert.equal(anonymous.status, 401);
      const [{ count }] =
        await sql`select count(*)::int from public.email_links where message_id = ${messageId}`;
      assert.equal(count, 2, "nothing was linked or unlinked by them");
    });

    await t.step("a mailbox's own patterns decide what the sync links", async () => {
      const save = (link_patterns?: unknown) =>
        invoke("mailboxes", {
          session: owner,
          body: {
            account_id: accountId,
            connection_id: desk.readConnection,
            send_connection_id: desk.writeConnection,
            address: SUPPORT,
            folder: "inbox",
            ...(link_patterns === undefined ? {} : { link_patterns }),
          },
        });
      const broken = await save(["\\bJOB-\\d+"]);
      assert.equal(broken.status, 400);
      assert.match(
        broken.body.error,
        /link_patterns\.0: must be a JavaScript regular expression with a group/,
      );
      assert.equal((await save(["(unclosed"])).status, 400);

      const custom = String.raw`\bAuftrag (\d{4,})\b`;
      assert.equal((await save([custom])).status, 200);
      assert.equal((await save()).status, 200, "saved again without patterns");
      const listed = await invoke("mailboxes", { session: owner, query: { account_id: accountId } });
      assert.deepEqual(listed.body.data[0].link_patterns, [custom], "the patterns were kept");

      const [job, order] = [number(), number()];
      const id = await mailIn(`Wartung (${tag})`, `Auftrag ${job} ist fertig; WO-${order} war der alte.`);
      const found = await links(agent, { message_id: id });
      assert.deepEqual(
        found.body.data.map((l: { reference: string; source: string }) => [l.reference, l.source]),
        [[`WO-${job}`, "auto"]],
        "the custom pattern only: WO- is no longer one of them",
      );
    });
  } finally {
    await sql.end();
  }
});
