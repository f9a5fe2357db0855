// How Exchange threads: the conversation topic (Thread-Topic, else the subject minus one MAPI
// prefix of up to three letters), conversationId from the topic within a mailbox, Thread-Index,
// and the Message-ID / In-Reply-To / References a reply carries.
import type { Random } from "../core/random.ts";
import { b64url } from "./ids.ts";
import type { MessageContent } from "./model.ts";

/** MAPI's normalized subject: one leading prefix of 1-3 letters and a colon is not part of the
 * topic ("AW: x" → "x"), longer or tagged ones are ("Antw: x", "RE[2]: x", "[EXTERNAL] RE: x"). */
export function conversationTopic(subject: string): string {
  return subject.replace(/^\s*[A-Za-z]{1,3}\s?:\s*/, "").trim();
}

/** References of a reply to `parent`: the parent's chain plus the parent, without repeats. */
export function replyReferences(parent: Pick<MessageContent, "references" | "internetMessageId">): string[] {
  const refs = [...parent.references];
  if (parent.internetMessageId && !refs.includes(parent.internetMessageId)) {
    refs.push(parent.internetMessageId);
  }
  return refs.slice(-20);
}

/** Exchange Online servers by tenant (Message-IDs name the sending server). */
export const EXCHANGE_SERVERS: Record<string, { server: string; region: string }> = {
  contoso: { server: "SN6PR11MB2781", region: "namprd11" },
  fabrikam: { server: "AM9PR04MB8125", region: "eurprd04" },
  northwind: { server: "LO2P265MB5123", region: "GBRP265" },
  tailspin: { server: "PR3PR08MB5812", region: "eurprd08" },
};

const HEX = "0123456789ABCDEF";
const hex = (random: Random, n: number) => Array.from({ length: n }, () => HEX[random.int(0, 15)]).join("");
const alnum = (random: Random, n: number) =>
  b64url(random.bytes(n)).replaceAll("-", "a").replaceAll("_", "Z");

/** Exchange Online's Message-ID: `<SERVER+hex@SERVER.region.prod.outlook.com>`. */
export function exchangeMessageId(random: Random, server: string, region: string): string {
  return `<${server}${hex(random, 24)}@${server}.${region}.prod.outlook.com>`;
}

/** Message-IDs as other mail systems write them, chosen by the sender's domain. */
export function externalMessageId(random: Random, domain: string, at: number): string {
  switch (domain) {
    case "gmail.com":
    case "googlemail.com":
      return `<CA${alnum(random, 30)}${random.pick(["", "+", "="])}${alnum(random, 6)}@mail.gmail.com>`;
    case "outlook.com":
    case "hotmail.com":
      return `<DB9P${random.int(100, 299)}MB${random.int(1000, 9999)}${hex(random, 24)}@DB9P${
        random.int(100, 299)
      }MB${random.int(1000, 9999)}.EURP${random.int(100, 299)}.PROD.OUTLOOK.COM>`;
    case "gmx.de":
    case "web.de":
      return `<trinity-${random.uuid()}-${at}@3c-app-${domain === "gmx.de" ? "gmx" : "webde"}-bs${
        random.int(10, 70)
      }>`;
    case "yahoo.com":
      return `<${random.int(100000000, 999999999)}.${random.int(1000000, 9999999)}.${at}@mail.yahoo.com>`;
    case "orange.fr":
      return `<${random.int(10000, 99999)}.${at}.JavaMail.open-xchange@opme11oxm${random.int(10, 30)}>`;
    default:
      return `<${random.uuid().toUpperCase()}@${domain}>`;
  }
}
