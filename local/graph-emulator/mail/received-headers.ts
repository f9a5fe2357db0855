// The transport headers a received message carries (what `internetMessageHeaders` lists and `/$value`
// starts with): Received hops into the tenant's Exchange Online server, authentication results for
// mail from outside, the message's own headers, its MIME type, Exchange's organization stamps.
import { domainOf } from "./content.ts";
import type { Header, StoredMessage } from "./model.ts";
import { contentTypeOf, messageHeaders, rfc2822Date } from "./mime-write.ts";
import { isInternal } from "./transport.ts";
import { EXCHANGE_SERVERS } from "./threading.ts";

export function receivedHops(msg: StoredMessage): Header[] {
  const { server, region } = EXCHANGE_SERVERS[msg.mailbox.tenant.profile.key];
  const host = `${server}.${region}.prod.outlook.com`;
  const date = rfc2822Date(msg.receivedAt);
  const from = msg.from ? domainOf(msg.from) : "unknown";
  const internal = isInternal(msg.mailbox, msg.from);
  const hops = [
    `from ${host} ([::1]) by ${host} ([fe80::1%4]) with mapi id 15.20.8293.000; ${date}`,
    internal
      ? `from ${host} (2603:10b6:a03:2d2::8) by ${host} with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8293.17; ${date}`
      : `from mail.${from} (198.51.100.${msg.item % 250}) by ${
        server.slice(0, 4)
      }EUR03FT021.mail.protection.outlook.com (10.152.20.36) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8293.17 via Frontend Transport; ${date}`,
  ];
  const out: Header[] = hops.map((value) => ({ name: "Received", value }));
  if (!internal) {
    out.push({
      name: "Authentication-Results",
      value: `spf=pass (sender IP is 198.51.100.${
        msg.item % 250
      }) smtp.mailfrom=${from}; dkim=pass (signature was verified) header.d=${from};dmarc=pass action=none header.from=${from};compauth=pass reason=100`,
    });
  }
  return out;
}

/** Graph's internetMessageHeaders: only for mail that came through transport. */
export function internetMessageHeaders(msg: StoredMessage): Header[] {
  if (!msg.transported) return [];
  return [
    ...receivedHops(msg),
    ...messageHeaders(msg, msg.receivedAt),
    { name: "Content-Language", value: msg.mailbox.locale },
    { name: "X-MS-Has-Attach", value: msg.attachments.some((a) => !a.isInline) ? "yes" : "" },
    { name: "X-MS-Exchange-Organization-SCL", value: "1" },
    {
      name: "X-MS-Exchange-Organization-AuthAs",
      value: isInternal(msg.mailbox, msg.from) ? "Internal" : "Anonymous",
    },
    { name: "Content-Type", value: contentTypeOf(msg) },
    { name: "MIME-Version", value: "1.0" },
  ];
}
