// LOCAL ONLY. Microsoft identity platform + Graph emulator (placeholder until issue #3):
// serves HTTPS with the local CA's certificate and answers its own health probe.
function flag(name: string, fallback?: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  const value = i >= 0 ? Deno.args[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(flag("port", "54340")),
  cert: await Deno.readTextFile(flag("cert")),
  key: await Deno.readTextFile(flag("key")),
  onListen: ({ port }) => console.log(`graph emulator (placeholder) on https://localhost:${port}`),
}, (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/_emulator/health") return Response.json({ status: "ok" });
  return Response.json({
    error: { code: "NotImplemented", message: "This operation target is not yet supported." },
  }, {
    status: 501,
  });
});
