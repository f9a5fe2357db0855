// Microsoft 365 usage reports: 302 to a short-lived pre-authenticated CSV on another origin (the
// Authorization header stays behind), the exact header rows after a UTF-8 BOM, concealed names,
// expired links, and the per-report throttles (14 per 10 minutes per app, 40 per tenant).
import assert from "node:assert/strict";
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { appToken, graph, type Harness, statusOf, withEmulator } from "./harness.ts";
import { getJson, postureToken, summary, type TenantKey } from "./posture-support.ts";

const MAILBOX_HEADER =
  "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Created Date,Last Activity Date,Item Count,Storage Used (Byte),Issue Warning Quota (Byte),Prohibit Send Quota (Byte),Prohibit Send/Receive Quota (Byte),Deleted Item Count,Deleted Item Size (Byte),Deleted Item Quota (Byte),Has Archive,Report Period";

interface Downloads {
  downloads: { report: string; status: number; authorization: boolean }[];
}

/** An app consented in every tenant for User.Read.All only: [clientId, secret]. */
async function userReadOnlyApp(h: Harness): Promise<[string, string]> {
  const app = await h.control<{ clientId: string; clientSecret: string }>("apps", {
    displayName: "Directory reader",
    permissions: { application: ["User.Read.All"] },
    adminConsent: "all",
  });
  return [app.clientId, app.clientSecret];
}

/** The report's CSV (fetch follows the redirect), split into rows of cells; BOM checked. */
async function download(h: Harness, token: string, report: string): Promise<string[][]> {
  const r = await graph(h, `/reports/${report}`, token);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("Content-Type"), "application/octet-stream");
  const bytes = new Uint8Array(await r.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte order mark");
  const text = new TextDecoder().decode(bytes.slice(3));
  return text.trimEnd().split("\r\n").map((line) => line.split(","));
}

async function mailboxUpns(h: Harness, tenant: TenantKey): Promise<string[]> {
  const world = await h.control<
    { tenants: { id: string; users: { userPrincipalName: string; mailbox: string | null }[] }[] }
  >(
    "world",
  );
  return world.tenants.find((t) => t.id === TENANT_IDS[tenant])!.users.filter((u) => u.mailbox).map((u) =>
    u.userPrincipalName
  );
}

Deno.test(
  "a usage report is a 302 to a pre-authenticated CSV on another origin; fetch leaves the token behind",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const redirect = await graph(h, "/reports/getMailboxUsageDetail(period='D30')", token, {
      redirect: "manual",
    });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get("Content-Type"), "text/plain");
    const location = new URL(redirect.headers.get("Location")!);
    assert.notEqual(location.origin, h.origin, "the download host is another origin");
    await redirect.body?.cancel();
    const rows = await download(h, token, "getMailboxUsageDetail(period='D30')");
    assert.equal(rows[0].join(","), MAILBOX_HEADER);
    assert.deepEqual(rows.slice(1).map((r) => r[1]), await mailboxUpns(h, "contoso"));
    assert.ok(rows.slice(1).every((r) => r[16] === "30" && /^\d{4}-\d{2}-\d{2}$/.test(r[0])));
    const log = await h.control<Downloads>("posture/report-downloads");
    assert.deepEqual(log.downloads.map((d) => [d.status, d.authorization]), [[200, false]]);
  }),
);

Deno.test(
  "the official Graph SDK follows the redirect and does not send its bearer token to the download host",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const client = Client.initWithMiddleware({
      authProvider: { getAccessToken: () => Promise.resolve(token) },
      baseUrl: h.origin,
      customHosts: new Set(["localhost"]),
      fetchOptions: { client: h.client } as RequestInit,
    });
    const csv: string = await client.api("/reports/getTeamsUserActivityUserDetail(period='D7')")
      .responseType(ResponseType.TEXT).get();
    const header = csv.replace(/^\uFEFF/, "").split("\r\n")[0].split(",");
    assert.deepEqual(header.slice(0, 5), [
      "Report Refresh Date",
      "Tenant Display Name",
      "Shared Channel Tenant Display Names",
      "User Id",
      "User Principal Name",
    ]);
    assert.equal(header.at(-1), "Report Period");
    const log = await h.control<Downloads>("posture/report-downloads");
    assert.deepEqual(log.downloads.map((d) => [d.report, d.authorization]), [[
      "getTeamsUserActivityUserDetail",
      false,
    ]]);
  }),
);

Deno.test(
  "concealed names: hashes instead of UPNs until an admin turns displayConcealedNames off",
  withEmulator(async (h) => {
    const token = await postureToken(h, "fabrikam");
    assert.deepEqual(await getJson(h, "/admin/reportSettings", token), {
      "@odata.context": `${h.origin}/v1.0/$metadata#admin/reportSettings`,
      displayConcealedNames: true,
    });
    const upns = await mailboxUpns(h, "fabrikam");
    const concealed = (await download(h, token, "getMailboxUsageDetail(period='D7')")).slice(1);
    assert.equal(concealed.length, upns.length);
    assert.ok(concealed.every((r) => /^[0-9A-F]{32}$/.test(r[1]) && r[2] === r[1]), "UPN and name hashed");
    const drive = (await download(h, token, "getOneDriveUsageAccountDetail(period='D7')")).slice(1);
    assert.ok(
      drive.every((r) => /^[0-9A-F]{32}$/.test(r[1]) && /^[0-9A-F]{32}$/.test(r[9])),
      "site and owner hashed",
    );
    const patch = await graph(h, "/admin/reportSettings", token, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ displayConcealedNames: false }),
    });
    assert.equal(await statusOf(patch), 204);
    const named = (await download(h, token, "getMailboxUsageDetail(period='D7')")).slice(1);
    assert.deepEqual(named.map((r) => r[1]), upns);
    assert.equal((await summary(h, "fabrikam")).reportSettings.displayConcealedNames, false);
  }),
);

Deno.test(
  "a download link expires after a few minutes; an expired one is refused",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const location = async () => {
      const r = await graph(h, "/reports/getEmailActivityUserDetail(period='D90')", token, {
        redirect: "manual",
      });
      await r.body?.cancel();
      return r.headers.get("Location")!;
    };
    const stale = await location();
    await h.control("clock", { minutes: 6 });
    assert.equal(await statusOf(await h.fetch(stale)), 401);
    const fresh = await location();
    await h.control("posture/report-downloads/expire", {});
    assert.equal(await statusOf(await h.fetch(fresh)), 401);
    const csv = await h.fetch(await location());
    assert.equal(csv.status, 200);
    const header =
      new TextDecoder().decode(new Uint8Array(await csv.arrayBuffer()).slice(3)).split("\r\n")[0];
    assert.equal(
      header,
      "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Last Activity Date,Send Count,Receive Count,Read Count,Meeting Created Count,Meeting Interacted Count,Assigned Products,Report Period",
    );
  }),
);

Deno.test(
  "periods are D7, D30, D90 and D180; reports need Reports.Read.All",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const r = await graph(h, "/reports/getMailboxUsageDetail(period='D8')", token, { redirect: "manual" });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.code, "BadRequest");
    const noReports = await appToken(h, TENANT_IDS.contoso, ...(await userReadOnlyApp(h)));
    const denied = await graph(h, "/reports/getMailboxUsageDetail(period='D7')", noReports, {
      redirect: "manual",
    });
    assert.equal(denied.status, 403);
    const err = (await denied.json()).error;
    assert.equal(err.code, "UnknownError");
    assert.deepEqual(JSON.parse(err.message), {
      error: { code: "S2SUnauthorized", message: "Invalid permission." },
    });
  }),
);

Deno.test(
  "usage reports: the 15th call in ten minutes gets 429 with Retry-After; each report has its own budget",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const call = async (report = "getMailboxUsageDetail") =>
      await statusOf(await graph(h, `/reports/${report}(period='D7')`, token, { redirect: "manual" }));
    for (let i = 0; i < 14; i++) assert.equal(await call(), 302, `call ${i + 1}`);
    const over = await graph(h, "/reports/getMailboxUsageDetail(period='D7')", token, { redirect: "manual" });
    assert.equal(over.status, 429);
    assert.ok(Number(over.headers.get("Retry-After")) > 0);
    assert.equal((await over.json()).error.code, "TooManyRequests");
    assert.equal(await call("getOneDriveUsageAccountDetail"), 302, "another report API is counted apart");
    await h.control("clock", { minutes: 10, seconds: 1 });
    assert.equal(await call(), 302, "the window moved on");
    const c = await h.control<{ throttled: { byClass: Record<string, number> } }>("counters");
    assert.deepEqual(c.throttled.byClass, { usageReports: 1 });
  }),
);

Deno.test(
  "usage reports: 40 calls per ten minutes per tenant across apps",
  withEmulator(async (h) => {
    const apps = [await appToken(h)];
    for (const name of ["Second MSP tool", "Third MSP tool"]) {
      const app = await h.control<{ clientId: string; clientSecret: string }>("apps", {
        displayName: name,
        permissions: { application: ["Reports.Read.All"] },
        adminConsent: "all",
      });
      apps.push(await appToken(h, TENANT_IDS.contoso, app.clientId, app.clientSecret));
    }
    const call = async (token: string) =>
      await statusOf(
        await graph(h, "/reports/getMailboxUsageDetail(period='D7')", token, { redirect: "manual" }),
      );
    const budget = [14, 14, 12];
    for (const [i, n] of budget.entries()) {
      for (let k = 0; k < n; k++) assert.equal(await call(apps[i]), 302);
    }
    assert.equal(await call(apps[2]), 429, "the tenant's 41st");
    const c = await h.control<{ throttled: { byClass: Record<string, number> } }>("counters");
    assert.deepEqual(c.throttled.byClass, { usageReportsTenant: 1 });
  }),
);
