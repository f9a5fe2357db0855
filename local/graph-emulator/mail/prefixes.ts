// Subject prefixes as mail clients in different languages write them: replies, forwards,
// Exchange's automatic replies and non-delivery reports. Help-desk threading must see through all.

export interface ClientPrefixes {
  reply: readonly string[];
  forward: readonly string[];
  autoReply: string;
  undeliverable: string;
}

export const PREFIXES: Record<string, ClientPrefixes> = {
  en: {
    reply: ["RE: ", "Re: ", "RE[2]: "],
    forward: ["FW: ", "Fwd: "],
    autoReply: "Automatic reply: ",
    undeliverable: "Undeliverable: ",
  },
  de: {
    reply: ["AW: ", "Re: ", "Antw: "],
    forward: ["WG: ", "Fwd: "],
    autoReply: "Automatische Antwort: ",
    undeliverable: "Unzustellbar: ",
  },
  fr: {
    reply: ["RE : ", "Re: "],
    forward: ["TR : ", "Fwd: "],
    autoReply: "Réponse automatique : ",
    undeliverable: "Non remis : ",
  },
  es: {
    reply: ["RE: ", "Re: "],
    forward: ["RV: ", "Fwd: "],
    autoReply: "Respuesta automática: ",
    undeliverable: "No se puede entregar: ",
  },
  nl: {
    reply: ["Antw: ", "RE: "],
    forward: ["Doorst: ", "FW: "],
    autoReply: "Automatisch antwoord: ",
    undeliverable: "Onbestelbaar: ",
  },
  sv: {
    reply: ["SV: ", "Sv: "],
    forward: ["VB: ", "Fwd: "],
    autoReply: "Automatiskt svar: ",
    undeliverable: "Kan inte levereras: ",
  },
  pt: {
    reply: ["RE: ", "Re: "],
    forward: ["ENC: ", "Fwd: "],
    autoReply: "Resposta automática: ",
    undeliverable: "Não é possível entregar: ",
  },
  ja: {
    reply: ["RE: ", "Re: "],
    forward: ["FW: ", "Fwd: "],
    autoReply: "自動応答: ",
    undeliverable: "配信不能: ",
  },
};

export function prefixesFor(locale: string): ClientPrefixes {
  return PREFIXES[locale.slice(0, 2)] ?? PREFIXES.en;
}
