// The README's library example runs as written: the ```ts block between the two marker comments is
// bundled with esbuild against the sources ("lmplan" resolves to src/index.ts), run, and every
// `console.log(…); // → text` line must print that text. A README without the markers fails: the
// example is part of the product.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { build } from "esbuild";
import { afterEach, describe, expect, it, vi } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const BEGIN = "<!-- library-example:begin (test/readme-example.test.ts runs this) -->";
const END = "<!-- library-example:end -->";

/** The ```ts block between the markers, or why there is none. */
export function extractExample(readme: string): { code: string } | { missing: string } {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) return { missing: `README.md has no ${BEGIN} … ${END} section` };
  const fenced = /```ts\n([\s\S]*?)```/.exec(readme.slice(begin, end));
  if (!fenced?.[1]) return { missing: "the library-example section has no ```ts block" };
  return { code: fenced[1] };
}

/** Each `console.log(…); // → text` line's expected text, in order (undefined where a line has none). */
export function expectedOutputs(code: string): (string | undefined)[] {
  return code
    .split("\n")
    .filter((line) => /\bconsole\.log\(/.test(line))
    .map((line) => /\/\/ → (.*)$/.exec(line)?.[1]?.trim());
}

describe("the public API (src/index.ts)", () => {
  it("documents every named export with a TSDoc block: a summary, and @param/@returns for functions", async () => {
    const text = readFileSync(join(ROOT, "src/index.ts"), "utf8");
    const api = (await import("../src/index.js")) as Record<string, unknown>;
    const lines = text.split("\n");
    const undocumented: string[] = [];
    let named = 0;
    lines.forEach((line, i) => {
      const m = /^export \{ (\w+) \} from /.exec(line);
      if (!m?.[1]) return;
      named++;
      const name = m[1];
      expect(api[name], `${name} is exported`).toBeDefined();
      if (!lines[i - 1]?.trim().endsWith("*/")) return void undocumented.push(`${name}: no doc block`);
      let start = i - 1;
      while (start > 0 && !lines[start]?.trim().startsWith("/**")) start--;
      const block = lines.slice(start, i).join("\n");
      const summary = block.replace(/^\s*\/\*\*\s*/, "").replace(/^\s*\*\s?/gm, "").trim();
      if (summary.length < 10) undocumented.push(`${name}: no summary`);
      if (typeof api[name] === "function" && !/@param|@returns/.test(block) && !/^[A-Z]/.test(name)) undocumented.push(`${name}: no @param/@returns`);
    });
    expect(named).toBeGreaterThan(20);
    expect(undocumented).toEqual([]);
  });
});

describe("README library example", () => {
  afterEach(() => vi.restoreAllMocks());

  it("finds the example, and the expectations in it", () => {
    const r = extractExample(`x\n${BEGIN}\n\`\`\`ts\nconsole.log(1 + 1); // → 2\nconsole.log("a");\n\`\`\`\n${END}\n`);
    expect(r).toEqual({ code: 'console.log(1 + 1); // → 2\nconsole.log("a");\n' });
    expect(expectedOutputs('console.log(1 + 1); // → 2\nconsole.log("a");')).toEqual(["2", undefined]);
    expect(extractExample("no markers here")).toHaveProperty("missing");
  });

  it("runs as written against the sources and prints what its comments say", { timeout: 60_000 }, async () => {
    const readmePath = process.env.LMPLAN_README ?? join(ROOT, "README.md");
    const found = extractExample(readFileSync(readmePath, "utf8"));
    if ("missing" in found) throw new Error(found.missing);
    const outDir = join(ROOT, ".bench-out", "readme-example");
    mkdirSync(outDir, { recursive: true });
    const outfile = join(outDir, `example-${process.pid}.mjs`);
    await build({
      stdin: { contents: found.code, loader: "ts", resolveDir: ROOT, sourcefile: "README.md#library-example" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      alias: { lmplan: join(ROOT, "src/index.ts") },
      outfile,
      logLevel: "silent",
    });
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(format(...args)));
    try {
      await import(pathToFileURL(outfile).href);
    } finally {
      rmSync(outfile, { force: true });
    }
    const expected = expectedOutputs(found.code);
    expect(printed.length).toBe(expected.length);
    expected.forEach((want, i) => {
      if (want !== undefined) expect(printed[i], `console.log #${i + 1} of the README example`).toBe(want);
    });
  });
});
