// Property tests (issue 17): hostile log text and bytes never crash the readers. Every run of
// `fit curves` and `track` on them exits 0 or 2 — never 1 (an internal error) — and a corrupt event
// file is reported with byte offsets, never read silently. Inputs: random text built from fragments of
// each trainer's line format (test/fixtures/logs), control and escape characters, absurd numbers; random
// bytes; and bit flips and cuts of the real TensorFlow 2 event file (data/tfevents).
import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { readRunFiles } from "../src/io/logs/read.js";
import { planSafe } from "../src/plan/plan.js";

const RUNS = Number(process.env.LMPLAN_FUZZ_LOG_RUNS ?? 150);
const dir = mkdtempSync(join(tmpdir(), "lmplan-fuzz-logs-"));
const planned = planSafe({ params: "125M", tokens: "2.5B", gpu: "h100", gpus: 8 } as never);
if (!planned.ok) throw new Error("plan");
const PLAN = join(dir, "plan.json");
writeFileSync(PLAN, JSON.stringify(planned.value));
const TF2 = new Uint8Array(readFileSync(new URL("../data/tfevents/events.out.tfevents.1585499054.tf2-scalars.v2", import.meta.url)));

async function cli(args: string[]) {
  let err = "";
  const code = await main(args, { out: () => undefined, err: (s) => void (err += s), readStdin: () => "", isTTY: false });
  return { code, err };
}

const FRAGMENTS = [
  " iteration       10/    2000 | consumed samples:         2560 | elapsed time per iteration (ms): 1233.4 | learning rate: 3.000000E-05 | global batch size:   256 | lm loss: 3.741641E+00 |",
  " iteration 99999999999/ 1 | lm loss: nan | learning rate: -1E+308 |",
  " validation loss at iteration 100 on validation set | lm loss value: 3.1E+00 | lm loss PPL: 22.1 | ",
  "[titan] 2026-03-01 09:00:01,500 - root - INFO - \u001b[31mstep:  1  \u001b[32mloss:  4.20907  \u001b[34mtps: 6,133  \u001b[35mmfu: 35.52%\u001b[39m",
  "step: 5 loss: inf tps: 1,,,2 mfu: %",
  "03/01 09:00:02 [INFO]: iteration: 1 / 300 | lm_loss: 4.21 | lr: 3e-05 | consumed_tokens: 524K | eta: 0:10:21",
  "iteration: 2 / 300 | lm_loss: 9.9E | lr: 1e999 | tokens_per_sec: -5M",
  "key,value,timestamp,step\ntrain_loss,3.1,1,1\nlearning_rate,1e-4,1,1\n",
  '_step,train/loss,train/learning_rate\n0,3,1e-4\n1,,\n-5,"x",NaN\n',
  '"Step","r - train/loss","r - train/loss__MIN"\n"1","3","3"\n',
  '{"log_history":[{"step":1,"loss":NaN,"learning_rate":1e-4}',
  '{"_step": 1, "train/loss": 3.0}\n{"_step": "x"}\n[1,2',
  "\u0000\u0001\u00ff\u202e\u001b[2J",
  "1e308", "-0", "NaN", "Infinity", "|", ":", " / ", "\r", "\n", "\t",
];
const text = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 40 }), fc.integer().map(String), fc.double().map(String)), { maxLength: 60 }), fc.constantFrom("\n", " ", "", " | "))
  .map(([parts, sep]) => parts.join(sep));

describe("hostile log text and bytes exit 0 or 2", () => {
  it("fit curves and track on random trainer-like text", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom("run.txt", "run.csv", "run.jsonl", "trainer_state.json", "events.out.tfevents.x"), async (body, name) => {
        const f = join(dir, `${n++}-${name}`);
        writeFileSync(f, body);
        for (const args of [["fit", "curves", f], ["track", "--plan", PLAN, f, "--json"]]) {
          const r = await cli(args);
          expect([0, 2], `${args.join(" ")}\n${r.err}`).toContain(r.code);
          expect(r.err).not.toMatch(/internal error|\n\s+at /);
        }
      }),
      { numRuns: RUNS, seed: 17 },
    );
  });

  it("random bytes, framed as TFRecords or not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.boolean(), async (bytes, asTb) => {
        const f = join(dir, asTb ? "events.out.tfevents.rand" : "rand.bin");
        writeFileSync(f, bytes);
        const r = await cli(["fit", "curves", f]);
        expect([0, 2], r.err).toContain(r.code);
        expect(r.err).not.toMatch(/internal error/);
      }),
      { numRuns: RUNS, seed: 3 },
    );
  });

  it("bit flips and cuts of the real event file are reported with byte offsets, never dropped silently", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TF2.length - 1 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: TF2.length }), (at, bit, cut) => {
        const flipped = TF2.slice();
        flipped[at] = (flipped[at] as number) ^ (1 << bit);
        // record boundaries of the intact file: a cut exactly at one is a shorter file, not a corrupt one
        const ends: number[] = [];
        for (let o = 0; o < TF2.length; ) {
          const len = new DataView(TF2.buffer, TF2.byteOffset + o, 8).getUint32(0, true);
          o += 16 + len;
          ends.push(o);
        }
        for (const [bytes, what] of [[flipped, `flip ${at}:${bit}`], [TF2.slice(0, cut), `cut ${cut}`]] as const) {
          const r = readRunFiles([{ name: "ev.tfevents", bytes }], "tensorboard");
          if (!r.ok) continue;
          const n = r.value.series.get("my_metric")?.step.length ?? 0;
          const reported = [...r.value.problems, ...r.value.truncatedTail];
          const whole = what.startsWith("cut") ? ends.filter((e) => e <= cut).length - 1 : 100;
          // every scalar is either read or its record is reported (at a byte offset)
          if (n < whole || (what.startsWith("cut") && !ends.includes(cut))) expect(reported.length, what).toBeGreaterThan(0);
          for (const p of reported) expect(p.path[1]).toMatch(/^byte \d+$/);
          // what is read is right: my_metric = 0.5·step wherever the record's CRC held
          const s = r.value.series.get("my_metric");
          s?.step.forEach((st, i) => expect(s.value[i]).toBe(0.5 * st));
        }
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
