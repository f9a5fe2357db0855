// mailFolders: the root's children (hidden ones with includeHiddenFolders=true), a folder by id or
// well-known name, childFolders. Display names are localized; clients must use well-known names.
import type { EndpointContext, GraphResult } from "../../graph/endpoint.ts";
import { option, selectedProperties } from "../../graph/odata.ts";
import { linkWith } from "../../graph/paging.ts";
import { findFolder, openMailbox, userContext } from "../access.ts";
import type { Folder } from "../model.ts";
import { folderJson } from "../serialize.ts";
import { MAIL_READ, mailEndpoint } from "./declare.ts";

function folderList(
  ctx: EndpointContext,
  parentOf: (m: ReturnType<typeof openMailbox>) => Folder,
  path: string,
): GraphResult {
  const m = openMailbox(ctx);
  const parent = parentOf(m);
  const hidden = option(ctx.url, "includehiddenfolders")?.toLowerCase() === "true";
  const select = selectedProperties(ctx, "mailFolder");
  const all = parent.children.filter((f) => hidden || !f.hidden);
  const top = Number(option(ctx.url, "$top") ?? 10);
  const skip = Number(option(ctx.url, "$skip") ?? 0);
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.origin}/v1.0/$metadata#${userContext(m)}/${path.replace("{id}", parent.id)}${
      select ? `(${select.join(",")})` : ""
    }`,
    value: all.slice(skip, skip + top).map((f) => folderJson(f, select)),
  };
  if (skip + top < all.length) body["@odata.nextLink"] = linkWith(ctx.url, "$skip", String(skip + top));
  return { status: 200, body };
}

export const folderEndpoints = [
  mailEndpoint(
    "GET",
    "/users/{user}/mailFolders",
    MAIL_READ,
    ["$select", "$top", "$skip"],
    (ctx) => folderList(ctx, (m) => m.mbx.root, "mailFolders"),
  ),
  mailEndpoint("GET", "/users/{user}/mailFolders/{folder}", MAIL_READ, ["$select"], (ctx) => {
    const m = openMailbox(ctx);
    const select = selectedProperties(ctx, "mailFolder");
    return {
      status: 200,
      body: {
        "@odata.context": `${ctx.origin}/v1.0/$metadata#${userContext(m)}/mailFolders${
          select ? `(${select.join(",")})` : ""
        }/$entity`,
        ...folderJson(findFolder(m, ctx.params.folder), select),
      },
    };
  }),
  mailEndpoint("GET", "/users/{user}/mailFolders/{folder}/childFolders", MAIL_READ, [
    "$select",
    "$top",
    "$skip",
  ], (ctx) => folderList(ctx, (m) => findFolder(m, ctx.params.folder), "mailFolders('{id}')/childFolders")),
];
