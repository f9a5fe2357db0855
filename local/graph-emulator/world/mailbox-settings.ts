// Exchange mailbox settings for generated users: regional formats follow the user's language.
import type { Random } from "../core/random.ts";

const REGIONAL: Record<string, { name: string; timeZone: string; dateFormat: string; timeFormat: string }> = {
  "en-US": {
    name: "English (United States)",
    timeZone: "Pacific Standard Time",
    dateFormat: "M/d/yyyy",
    timeFormat: "h:mm tt",
  },
  "en-GB": {
    name: "English (United Kingdom)",
    timeZone: "GMT Standard Time",
    dateFormat: "dd/MM/yyyy",
    timeFormat: "HH:mm",
  },
  "de-DE": {
    name: "Deutsch (Deutschland)",
    timeZone: "W. Europe Standard Time",
    dateFormat: "dd.MM.yyyy",
    timeFormat: "HH:mm",
  },
  "fr-FR": {
    name: "français (France)",
    timeZone: "Romance Standard Time",
    dateFormat: "dd/MM/yyyy",
    timeFormat: "HH:mm",
  },
  "es-ES": {
    name: "español (España)",
    timeZone: "Romance Standard Time",
    dateFormat: "dd/MM/yyyy",
    timeFormat: "H:mm",
  },
  "nl-NL": {
    name: "Nederlands (Nederland)",
    timeZone: "W. Europe Standard Time",
    dateFormat: "d-M-yyyy",
    timeFormat: "HH:mm",
  },
  "pt-BR": {
    name: "português (Brasil)",
    timeZone: "E. South America Standard Time",
    dateFormat: "dd/MM/yyyy",
    timeFormat: "HH:mm",
  },
  "ja-JP": {
    name: "日本語 (日本)",
    timeZone: "Tokyo Standard Time",
    dateFormat: "yyyy/MM/dd",
    timeFormat: "H:mm",
  },
};

export function mailboxSettings(
  random: Random,
  locale: string,
  purpose: "user" | "shared" | "room",
  epoch: number,
): Record<string, unknown> {
  const regional = REGIONAL[locale] ?? REGIONAL["en-US"];
  // A few people are away: the mail generator can answer their mail with auto-replies.
  const away = purpose === "user"
    ? random.pick(["disabled", "disabled", "disabled", "disabled", "alwaysEnabled", "scheduled"])
    : "disabled";
  const start = epoch - random.int(1, 5) * 86_400_000;
  const end = start + random.int(7, 21) * 86_400_000;
  const dateTime = (ms: number) => ({
    dateTime: new Date(ms).toISOString().replace("Z", "0000"),
    timeZone: "UTC",
  });
  return {
    automaticRepliesSetting: {
      status: away,
      externalAudience: away === "disabled" ? "none" : "all",
      scheduledStartDateTime: dateTime(start),
      scheduledEndDateTime: dateTime(end),
      internalReplyMessage: away === "disabled"
        ? ""
        : "<html><body><p>I am out of the office and will reply when I return.</p></body></html>",
      externalReplyMessage: away === "disabled"
        ? ""
        : "<html><body><p>Thank you for your message. I am out of the office.</p></body></html>",
    },
    timeZone: regional.timeZone,
    language: { locale, displayName: regional.name },
    workingHours: {
      daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
      startTime: "08:00:00.0000000",
      endTime: "17:00:00.0000000",
      timeZone: { name: regional.timeZone },
    },
    // v1.0 types this as the userPurpose enum; older docs samples show `{ "value": "user" }`.
    userPurpose: purpose,
    dateFormat: regional.dateFormat,
    timeFormat: regional.timeFormat,
    delegateMeetingMessageDeliveryOptions: "sendToDelegateOnly",
  };
}
