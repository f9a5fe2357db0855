// Which functions exist and how to run them, read the way the Supabase CLI reads them:
// functions/<slug>/index.ts plus an optional [functions.<slug>] block in config.toml.
import { parse as parseToml } from "smol-toml";

export interface FunctionSpec {
  slug: string;
  verifyJwt: boolean;
  entrypoint: string; // absolute path
  importMap?: string; // absolute path
}

const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;

interface FunctionBlock {
  enabled?: boolean;
  verify_jwt?: boolean;
  import_map?: string;
  entrypoint?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Load every servable function under `supabaseDir` (the folder holding config.toml). */
export async function loadFunctions(supabaseDir: string): Promise<Map<string, FunctionSpec>> {
  const config = parseToml(await Deno.readTextFile(`${supabaseDir}/config.toml`)) as {
    functions?: Record<string, FunctionBlock>;
  };
  const blocks = config.functions ?? {};
  const slugs = new Set(Object.keys(blocks));
  for await (const entry of Deno.readDir(`${supabaseDir}/functions`)) {
    if (entry.isDirectory && await exists(`${supabaseDir}/functions/${entry.name}/index.ts`)) {
      slugs.add(entry.name);
    }
  }

  const specs = new Map<string, FunctionSpec>();
  for (const slug of slugs) {
    if (!SLUG.test(slug)) continue; // `_shared`, `tests`: never functions
    const block = blocks[slug] ?? {};
    if (block.enabled === false) continue;
    const resolve = (p: string) => p.startsWith("/") ? p : `${supabaseDir}/${p}`;
    const own = `${supabaseDir}/functions/${slug}/deno.json`;
    const fallback = `${supabaseDir}/functions/import_map.json`;
    specs.set(slug, {
      slug,
      verifyJwt: block.verify_jwt ?? true,
      entrypoint: resolve(block.entrypoint ?? `functions/${slug}/index.ts`),
      importMap: block.import_map
        ? resolve(block.import_map)
        : await exists(own)
        ? own
        : await exists(fallback)
        ? fallback
        : undefined,
    });
  }
  return specs;
}
