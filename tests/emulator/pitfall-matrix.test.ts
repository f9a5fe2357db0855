// The README's pitfall matrix stays true: all fifteen pitfalls of the notes' §10 list have a row, and
// every test a row names exists under that name in that file.
import assert from "node:assert/strict";

const README = new URL("../../local/graph-emulator/README.md", import.meta.url);
const TESTS = new URL("./", import.meta.url);

interface Citation {
  pitfall: number;
  file: string;
  name: string;
}

function citations(): Citation[] {
  const text = Deno.readTextFileSync(README);
  const start = text.indexOf("## Pitfalls and the tests that encode them");
  assert.ok(start >= 0, "the README has the pitfall section");
  const section = text.slice(start, text.indexOf("\n## ", start + 1));
  const out: Citation[] = [];
  for (const row of section.split("\n").filter((l) => /^\| \d+ /.test(l))) {
    const [number, , tests] = row.split("|").slice(1, -1).map((cell) => cell.trim());
    for (const cited of tests.split("<br>")) {
      const m = /^`([\w.-]+\.test\.ts)` › (.+)$/.exec(cited.trim());
      assert.ok(m, `row ${number}: cannot read "${cited}"`);
      out.push({ pitfall: Number(number), file: m[1], name: m[2] });
    }
  }
  return out;
}

Deno.test("the README's pitfall matrix covers pitfalls 1-15 with tests that exist under those names", () => {
  const all = citations();
  assert.deepEqual([...new Set(all.map((c) => c.pitfall))], Array.from({ length: 15 }, (_, i) => i + 1));
  for (const { pitfall, file, name } of all) {
    const source = Deno.readTextFileSync(new URL(file, TESTS));
    const titled = [`"${name}"`, `'${name}'`, `\`${name}\``].some((q) => source.includes(q));
    assert.ok(titled, `pitfall ${pitfall}: no test named "${name}" in ${file}`);
  }
});
