/**
 * A real corpus with real near-duplicates: the license files of the installed npm packages (MIT, ISC,
 * BSD and Apache texts that differ in names and years) and Debian's /usr/share/common-licenses, audited
 * through the CLI with the SlimPajama preset and exact-Jaccard verification.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { AuditResult } from "../src/mixture/audit/run.js";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
  return { code, out, err };
}

const DEBIAN = "/usr/share/common-licenses";

describe("license files: npm packages and Debian", () => {
  it("finds the MIT, ISC, BSD and Apache clusters; npm's Apache-2.0 copies join Debian's under global dedup only", async () => {
    // Debian first: its files are kept, and --max-files (over all paths) leaves room for it
    const args = ["data", "audit", ...(existsSync(DEBIAN) ? [`debian=${DEBIAN}`] : []), "npm=node_modules", "--include", "LICENSE*,LICENCE*,Apache-2.0,BSD,GPL-*,LGPL-*,MPL-*", "--max-files", "160", "--verify", "--threads", "1", "--clusters", "8", "--json"];
    const r = await run(args);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out) as AuditResult;
    const clusters = a.numbers.clusters.largest;
    const summary = clusters.map((c) => `${c.size} docs (${Object.entries(c.sources).map(([k, v]) => `${k} ${v}`).join(", ")}): ${c.examples[0]?.snippet.slice(0, 60)}`);
    console.info(`license clusters (of ${a.input.documents} files):\n  ${summary.join("\n  ")}`);
    expect(a.input.documents).toBeGreaterThan(100);
    // the MIT text: "Permission is hereby granted, free of charge"; the largest cluster
    const mit = clusters.find((c) => c.examples.some((e) => /permission is hereby granted, free of charge/i.test(e.snippet)));
    expect(mit?.size).toBeGreaterThan(20);
    expect(a.candidates.verification?.checked).toBeGreaterThan(0);
    // near (not exact) duplicates dominate: the texts differ in names and years
    expect(a.numbers.overall.near.documents).toBeGreaterThan(a.numbers.overall.exact.documents);
    if (existsSync(`${DEBIAN}/Apache-2.0`)) {
      const npm = a.numbers.sources.find((s) => s.name === "npm");
      const debian = a.numbers.sources.find((s) => s.name === "debian");
      expect(debian?.removedGlobal.documents).toBe(0);
      // what only global dedup removes from npm: copies of texts Debian holds
      expect(npm?.removedGlobal.documents).toBeGreaterThan(npm?.removedLocal.documents ?? 0);
      expect(a.numbers.removedBy?.documents[1]?.[0]).toBeGreaterThan(0);
    }
  });
});
