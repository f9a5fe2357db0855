// Ids as callers send them. Organizations have numeric ids (the seeds' dashboards call them
// `clientId`); Postgres bigints come back from postgres.js as strings, so they travel as strings.
import { z } from "zod";

export const OrganizationId = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^[1-9]\d{0,17}$/, "must be a positive whole number"),
]).transform(String);
