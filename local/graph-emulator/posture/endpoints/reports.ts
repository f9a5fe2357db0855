// Microsoft 365 usage reports on v1.0: GET /reports/<report>(period='D7'|'D30'|'D90'|'D180') answers
// 302 Found to a short-lived, pre-authenticated CSV download (reports/downloads.ts). Each report API
// has its own 14-per-10-minutes budget per app and tenant and 40 per tenant. Also
// GET/PATCH /admin/reportSettings (displayConcealedNames).
import { endpoint } from "../../graph/endpoint.ts";
import { badRequest } from "../../graph/errors.ts";
import { REPORTS as REPORTS_WORKLOAD } from "../../graph/workloads.ts";
import { type ThrottleClass, USAGE_REPORTS, USAGE_REPORTS_TENANT } from "../../throttle/classes.ts";
import { renderCsv } from "../reports/csv.ts";
import { REPORT_PERIODS, type ReportDefinition, reportRows, REPORTS } from "../reports/definitions.ts";
import { offerDownload } from "../reports/downloads.ts";
import { entity } from "./collections.ts";
import { posture } from "./context.ts";

/** The usage-report classes, counted per report API (Microsoft applies the limits to each one). */
function perReport(c: ThrottleClass, report: string): ThrottleClass {
  return {
    ...c,
    key: (s) => {
      const key = c.key(s);
      return key === null ? null : `${key}|${report}`;
    },
  };
}

function reportEndpoint(report: ReportDefinition) {
  return endpoint({
    method: "GET",
    path: `/reports/${report.name}(period='{period}')`,
    permissions: { delegated: ["Reports.Read.All"], application: ["Reports.Read.All"] },
    workload: REPORTS_WORKLOAD,
    throttle: [perReport(USAGE_REPORTS, report.name), perReport(USAGE_REPORTS_TENANT, report.name)],
    handler(ctx) {
      const days = REPORT_PERIODS[ctx.params.period.toUpperCase()];
      if (!days) {
        throw badRequest(
          `Invalid value '${ctx.params.period}' for the period parameter. Supported values: D7, D30, D90, D180.`,
        );
      }
      const { columns, rows } = reportRows(report, ctx.tenant, posture(ctx), days, ctx.runtime.world.epoch);
      const location = offerDownload(ctx.runtime, ctx.origin, {
        tenantId: ctx.tenant.id,
        report: report.name,
        csv: renderCsv(columns, rows),
      });
      return { status: 302, text: { contentType: "text/plain", value: "" }, headers: { Location: location } };
    },
  });
}

export const usageReports = REPORTS.map(reportEndpoint);

export const getReportSettings = endpoint({
  method: "GET",
  path: "/admin/reportSettings",
  permissions: {
    delegated: ["ReportSettings.Read.All", "ReportSettings.ReadWrite.All"],
    application: ["ReportSettings.Read.All", "ReportSettings.ReadWrite.All"],
  },
  workload: REPORTS_WORKLOAD,
  handler: (ctx) =>
    entity(ctx, "admin/reportSettings", { displayConcealedNames: posture(ctx).concealedNames }, {
      singleton: true,
    }),
});

export const updateReportSettings = endpoint({
  method: "PATCH",
  path: "/admin/reportSettings",
  permissions: { delegated: ["ReportSettings.ReadWrite.All"], application: ["ReportSettings.ReadWrite.All"] },
  workload: REPORTS_WORKLOAD,
  handler(ctx) {
    const value = (ctx.body as { displayConcealedNames?: unknown } | undefined)?.displayConcealedNames;
    if (typeof value !== "boolean") {
      throw badRequest("The request body must set displayConcealedNames to true or false.");
    }
    posture(ctx).concealedNames = value;
    return { status: 204 };
  },
});
