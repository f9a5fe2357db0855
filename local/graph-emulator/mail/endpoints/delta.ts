// GET …/mailFolders/{folder}/messages/delta (listed before the {message} routes it would shadow).
import { deltaPage } from "../delta.ts";
import { MAIL_READ, mailEndpoint } from "./declare.ts";

export const deltaEndpoints = [
  mailEndpoint("GET", "/users/{user}/mailFolders/{folder}/messages/delta", MAIL_READ, [
    "$select",
    "$filter",
    "$top",
    "$skiptoken",
    "$deltatoken",
  ], deltaPage),
];
