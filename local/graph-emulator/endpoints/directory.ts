// The directory feature area: users (with delta), organization and mailbox settings.
import type { EmulatorPlugin } from "../plugin.ts";
import { getMailboxSettings } from "./mailbox-settings.ts";
import { getOrganization, listOrganization } from "./organization.ts";
import { countUsers, getUser, listUsers } from "./users.ts";
import { usersDelta } from "./users-delta.ts";

export const directoryPlugin: EmulatorPlugin = {
  name: "directory",
  // Order matters where paths overlap: /users/$count and /users/delta before /users/{user}.
  endpoints: [
    listUsers,
    countUsers,
    usersDelta,
    getUser,
    getMailboxSettings,
    listOrganization,
    getOrganization,
  ],
};
