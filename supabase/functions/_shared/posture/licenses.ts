// licenses: per SKU the units in use, bought and left (negative when overused), with Microsoft's
// product name; and units in use per Basic/Standard/Premium/Others bucket, classified by SKU GUID.
// Free and trial SKUs are left out; so are SKUs Microsoft deleted.
import { type Dataset, factsOf, saveRow } from "./dataset.ts";
import { users } from "./directory.ts";
import { required } from "./failures.ts";
import { share } from "./format.ts";
import { type GraphSku, read, SKUS } from "./sources.ts";
import { type LicenseCategory, skuInfo } from "./sku-catalogue.ts";

export interface LicenseDetail {
  skuId: string;
  skuPartNumber: string;
  friendlyName: string;
  category: LicenseCategory;
  /** Units in use. */
  assigned: number;
  /** Units bought and enabled, as the seeds show them ("Unlimited" for viral pools). */
  available: string;
  /** available - assigned: negative when more are in use than were bought. */
  unassigned: number;
  /** assigned / available, percent; over 100 when overused. */
  utilization: number;
  overused: boolean;
}

export interface LicenseFacts {
  total_users: number;
  basic_count: number;
  standard_count: number;
  premium_count: number;
  others_count: number;
  license_details: LicenseDetail[];
  snapshot_date: Date;
}

/** Pools this large are viral or self-service: "Unlimited". */
const UNLIMITED = 10_000;

export function licenseDetail(sku: GraphSku): LicenseDetail {
  const info = skuInfo(sku.skuId, sku.skuPartNumber);
  const total = sku.prepaidUnits.enabled;
  return {
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    friendlyName: info.name,
    category: info.category,
    assigned: sku.consumedUnits,
    available: total >= UNLIMITED ? "Unlimited" : String(total),
    unassigned: total - sku.consumedUnits,
    utilization: total >= UNLIMITED ? 0 : share(sku.consumedUnits, total),
    overused: sku.consumedUnits > total,
  };
}

export function licenseFacts(skus: GraphSku[], totalUsers: number, now: Date): LicenseFacts {
  const details = skus
    .filter((s) => s.capabilityStatus !== "Deleted" && !skuInfo(s.skuId, s.skuPartNumber).free)
    .map(licenseDetail)
    .sort((a, b) => b.assigned - a.assigned || a.friendlyName.localeCompare(b.friendlyName, "en"));
  const inUse = (category: LicenseCategory) =>
    details.filter((d) => d.category === category).reduce((n, d) => n + d.assigned, 0);
  return {
    total_users: totalUsers,
    basic_count: inUse("Basic"),
    standard_count: inUse("Standard"),
    premium_count: inUse("Premium"),
    others_count: inUse("Others"),
    license_details: details,
    snapshot_date: now,
  };
}

export function licenseView(f: LicenseFacts) {
  return {
    totalUsers: f.total_users,
    licenseDistribution: {
      Others: f.others_count,
      Standard: f.standard_count,
      Premium: f.premium_count,
      Basic: f.basic_count,
    },
    licenseDetails: f.license_details,
  };
}

const TABLE = "public.m365_license_snapshots";

export const licenses: Dataset<LicenseFacts> = {
  name: "licenses",
  async compute(reads, now) {
    const [skus, everyone] = await Promise.all([read(reads, SKUS).then(required), users(reads)]);
    return { facts: licenseFacts(skus, everyone.length, now), rows: 1 };
  },
  save: (tx, org, facts) => saveRow(tx, TABLE, org, { ...facts }, ["organization_id"]),
  async load(tx, organizationId) {
    const [row] = await tx`select * from ${tx(TABLE)} where organization_id = ${organizationId}`;
    return row ? factsOf<LicenseFacts>(row) : null;
  },
  view: licenseView,
};
