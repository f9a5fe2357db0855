// Directory role template ids (identical in every tenant): the `wids` claim and role membership.
export const ROLE = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  exchangeAdministrator: "29232cdf-9323-42fd-ade2-1d097af3e4de",
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  securityAdministrator: "194ae4cb-b126-40b2-bd5b-6091b380977d",
  globalReader: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
  intuneAdministrator: "3a2c62db-5318-420d-8d74-23affee5d9d5",
  billingAdministrator: "b0f54661-2d74-4c50-afa3-1ec803f12efe",
  /** Implicitly held by every member user in real tokens. */
  defaultUser: "b79fbf4d-3ef9-4689-8143-76b194e85509",
} as const;

/** Roles that may grant tenant-wide (admin) consent. */
export const CONSENT_ADMIN_ROLES: readonly string[] = [ROLE.globalAdministrator];
