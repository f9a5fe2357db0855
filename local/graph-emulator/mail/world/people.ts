// Who writes to the help desks: external customers at consumer and company domains (with the mail
// client they use, which decides their reply prefixes), and people of the other emulated tenants.
import type { Random } from "../../core/random.ts";
import { GIVEN_NAMES, SURNAMES } from "../../world/names.ts";
import type { Mailbox } from "../model.ts";

export type MailClient = "outlook" | "gmail" | "other";

export interface Party {
  name: string;
  address: string;
  locale: string;
  client: MailClient;
  /** Set when the party is an emulated mailbox: its copies are kept there. */
  mailbox: Mailbox | null;
}

const CONSUMER: Record<string, { locale?: string; client: MailClient }> = {
  "gmail.com": { client: "gmail" },
  "outlook.com": { client: "outlook" },
  "yahoo.com": { client: "other" },
  "gmx.de": { locale: "de-DE", client: "other" },
  "web.de": { locale: "de-DE", client: "other" },
  "orange.fr": { locale: "fr-FR", client: "other" },
};

const COMPANIES = [
  "adventure-works.com",
  "wingtiptoys.com",
  "litwareinc.com",
  "alpineskihouse.com",
  "proseware.com",
  "woodgrovebank.com",
  "lucernepublishing.com",
  "treyresearch.net",
];

const ascii = (s: string) => s.normalize("NFD").replace(/[^A-Za-z]/g, "").toLowerCase();

export function customer(random: Random, tenantLocale: string): Party {
  const given = random.pick(GIVEN_NAMES);
  const surname = random.pick(SURNAMES);
  const consumer = random.chance(0.6);
  const domain = consumer ? random.pick(Object.keys(CONSUMER)) : random.pick(COMPANIES);
  const info = CONSUMER[domain] ?? { client: random.chance(0.7) ? "outlook" : "other" };
  const locale = info.locale ??
    (random.chance(0.85) ? tenantLocale : random.pick(["en-US", "de-DE", "fr-FR", "es-ES", "nl-NL"]));
  const local = random.chance(0.5)
    ? `${ascii(given)}.${ascii(surname)}`
    : `${ascii(given)[0]}${ascii(surname)}${random.int(1, 99)}`;
  return {
    name: `${given} ${surname}`,
    address: `${local}@${domain}`,
    locale,
    client: info.client as MailClient,
    mailbox: null,
  };
}

export function partyOf(mbx: Mailbox): Party {
  return { name: mbx.displayName, address: mbx.address, locale: mbx.locale, client: "outlook", mailbox: mbx };
}
