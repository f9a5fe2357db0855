// The directory feature area: users, organization and mailbox settings.
import type { EmulatorPlugin } from "../plugin.ts";
import { getMailboxSettings } from "./mailbox-settings.ts";
import { getOrganization, listOrganization } from "./organization.ts";
import { countUsers, getUser, listUsers } from "./users.ts";

export const directoryPlugin: EmulatorPlugin = {
  name: "directory",
  // Order matters where paths overlap: /users/$count before /users/{user}.
  endpoints: [listUsers, countUsers, getUser, getMailboxSettings, listOrganization, getOrganization],
};
