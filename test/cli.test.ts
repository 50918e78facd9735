import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

// The real binary (built by `npm test` before vitest runs): what users run.
const BIN = new URL("../bin/lmplan.js", import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

async function inProcess(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
  return { code, out, err };
}

describe("lmplan plan", () => {
  it("prints a full plan for BTLM-3B-8K with its published recipe beside lmplan's", async () => {
    const r = await inProcess(["plan", "--preset", "btlm-3b-8k", "--gpu", "h100", "--gpus", "64"]);
    expect(r.code).toBe(0);
    for (const s of ["MODEL", "BUDGET", "BATCH", "OPTIMIZER", "SCHEDULE", "TIME AND COST", "MEMORY PER GPU", "WHAT THE LAWS SAY", "BTLM-3B-8K AS PUBLISHED VS LMPLAN"]) expect(r.out).toContain(s);
  });
  it("--explain prints derivations and citations", async () => {
    const r = await inProcess(["plan", "--compute", "3e22", "--gpu", "h100", "--gpus", "64", "--explain"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("arXiv 2505.13738");
    expect(r.out).toContain("= λ = B/(η·τ_opt·D)");
  });
  it("--json is parseable and carries sources", async () => {
    const r = await inProcess(["plan", "--params", "1.3B", "--tpp", "100", "--json"]);
    const p = JSON.parse(r.out);
    expect(p.lmplanPlanVersion).toBe(1);
    expect(p.optimizer.weightDecay.source).toBe("power-lines-tau");
  });
  it("--input reads a JSON request, and rejects NaN", async () => {
    expect((await inProcess(["plan", "--input", "-"])).code).toBe(2);
  });
});

describe("bad input: one line naming the field, exit code 2, no stack trace", () => {
  it.each([
    [["plan", "--params", "-3B"], /^lmplan: params: expected a positive parameter count.*received "-3B"$/],
    [["plan", "--tokens", "abc", "--params", "1B"], /^lmplan: tokens: expected .*received "abc"$/],
    [["plan", "--gpu", "h900", "--params", "1B"], /^lmplan: gpu: expected one of a100, h100.*received "h900"$/],
    [["plan", "--tpp", "0", "--params", "1B"], /^lmplan: tpp: expected a number > 0.*received "0"$/],
    [["plan", "--compute", "3e22", "--params", "3B", "--tokens", "627B"], /^lmplan: compute\.params\.tokens: conflict: --compute, --params, --tokens over-determine/],
    [["plan", "--preset", "gpt-9"], /^lmplan: preset: expected one of cerebras-gpt-111m.*received "gpt-9"$/],
    [["plan", "--params", "3X"], /unknown suffix "X"/],
    [["laws", "show", "nope"], /^lmplan: id: expected a law or source id/],
  ])("%j", (args, pattern) => {
    const r = run(args as string[]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("NaN and Infinity in JSON input", () => {
    const nan = spawnSync(process.execPath, [BIN, "plan", "--input", "-"], { input: '{"params": NaN}', encoding: "utf8" });
    expect(nan.status).toBe(2);
    expect(nan.stderr).toMatch(/^lmplan: input: expected valid JSON/);
    const inf = spawnSync(process.execPath, [BIN, "plan", "--input", "-"], { input: '{"params": 1e999, "tpp": 20}', encoding: "utf8" });
    expect(inf.status).toBe(2);
    expect(inf.stderr.trim()).toMatch(/^lmplan: params: expected a positive parameter count such as 1\.3B or 7e9, received Infinity$/);
  });

  it("an unknown flag exits 2", () => {
    expect(run(["plan", "--parms", "1B"]).status).toBe(2);
  });
});

describe("lmplan laws, verify, --version, --help", () => {
  it("lists every law and shows one", () => {
    const list = execFileSync(process.execPath, [BIN, "laws"], { encoding: "utf8" });
    expect(list).toContain("power-lines-tau");
    expect(list).toContain("unverified");
    const one = execFileSync(process.execPath, [BIN, "laws", "show", "power-lines-tau"], { encoding: "utf8" });
    expect(one).toContain("1.084 · TPP^(−0.527)");
    expect(one).toContain("arXiv 2505.13738");
  });
  it("verify reproduces every published number", () => {
    const r = run(["verify"]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("FAIL");
  });
  it("--version and --help exit 0", () => {
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = run(["plan", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--tpp <ratio>");
    expect(help.stdout).toContain("(default: 0.337");
  });
});

describe("lmplan fit loss", () => {
  const data = new URL("../data/chinchilla_svg_extracted_data.csv", import.meta.url).pathname;
  it("stops on a misnamed column with the columns it has, exit 2", () => {
    const r = run(["fit", "loss", data, "--map", "N=Size"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lmplan: map\.N: expected a column of the file \(x, y, color, Model Size/);
  });
  it("stops on unusable rows unless told to skip them, and lists them", () => {
    const input = "N,D,loss\n1e8,1e9,3.1\n2e8,2e9,NaN\n3e8,3e9,2.9\n4e8,4e9,2.8\n5e8,5e9,2.7\n6e8,6e9,2.65\n7e8,7e9,2.6\n";
    const stop = spawnSync(process.execPath, [BIN, "fit", "loss", "-", "--bootstrap", "0"], { input, encoding: "utf8" });
    expect(stop.status).toBe(2);
    expect(stop.stderr).toContain("lmplan: line 3.loss: expected a positive finite number, received \"NaN\"");
    const skip = spawnSync(process.execPath, [BIN, "fit", "loss", "-", "--bootstrap", "0", "--skip-bad-rows", "--json"], { input, encoding: "utf8" });
    expect(skip.status).toBe(0);
    expect(JSON.parse(skip.stdout).skippedRows[0]).toMatch(/^line 3: loss/);
  });
});

describe("lmplan plan --laws", () => {
  const data = new URL("../data/", import.meta.url).pathname;
  it("plans with laws written by lmplan fit --out, and says so", () => {
    const dir = spawnSync("mktemp", ["-d"], { encoding: "utf8" }).stdout.trim();
    const file = `${dir}/fitted.json`;
    expect(run(["fit", "loss", `${data}chinchilla_svg_extracted_data.csv`, "--map", 'N=Model Size,C=Training FLOP', "--drop-highest", "5", "--bootstrap", "0", "--out", file]).status).toBe(0);
    expect(run(["fit", "lr-batch", `${data}steplaw/dense_lr_bs_loss.csv`, "--loss", "smooth loss", "--bootstrap", "0", "--out", file]).status).toBe(0);
    const r = run(["plan", "--compute", "1e21", "--parameterization", "sp", "--laws", file, "--json"]);
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.budget.predictedLoss.source).toBe("fitted:loss");
    expect(p.budget.tokens.source).toBe("fitted:loss");
    expect(p.optimizer.hiddenLr.source).toBe("fitted:lr-batch");
    expect(p.alternatives.map((a: { source: string }) => a.source)).toContain("fitted:lr-batch");
  });
  it("refuses a file that is not a fitted-laws file", () => {
    const r = run(["plan", "--params", "1B", "--laws", `${data}chinchilla_svg_extracted_data.csv`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lmplan: fittedLaws: expected valid JSON/);
  });
});

describe("lmplan fit --plot", () => {
  it("writes an SVG with the data, the fit and the residuals", () => {
    const dir = spawnSync("mktemp", ["-d"], { encoding: "utf8" }).stdout.trim();
    const curves = new URL("../data/multipowerlaw_loss_curves/csv_25/", import.meta.url).pathname;
    const r = run(["fit", "curves", `${curves}constant_24000.csv`, `${curves}wsdcon_9.csv`, "--predict", "cosine", "--plot", `${dir}/c.svg`]);
    expect(r.status).toBe(0);
    const svg = readFileSync(`${dir}/c.svg`, "utf8");
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain("Relative residuals");
    expect(svg).toContain("predicted cosine");
    expect((svg.match(/<circle/g) ?? []).length).toBeGreaterThan(200);
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(3);
    // every element closes: no figure/HTML wrappers leaked into the SVG
    expect(svg).not.toMatch(/<figure|<h2|<div/);
  });
});

describe("lmplan data and context: bad input exits 2 naming the field", () => {
  it.each([
    [["data", "--sources", "slimpajama-627b", "--mix", "web:-0.2,code:1", "--tokens", "1T"], /^lmplan: mix\.web: expected a weight ≥ 0, received -0\.2$/],
    [["data", "--sources", "slimpajama-627b", "--mix", "web:0,code:0", "--tokens", "1T"], /^lmplan: mix: expected weights that sum to a positive number/],
    [["data", "--sources", "slimpajama-627b", "--mix", "reddit:1", "--tokens", "1T"], /^lmplan: mix\.reddit: expected a source \(commoncrawl, c4/],
    [["data", "--sources", "nope", "--tokens", "1T"], /^lmplan: sources: expected a preset \(slimpajama-627b, redpajama-1t\)/],
    [["context", "--train", "2048:0.5,8192:0.25"], /^lmplan: train: expected stage shares that sum to 1, received "shares summing to 0\.75"$/],
    [["context", "--train", "8192:1", "--position", "alibi", "--heads", "32", "--target", "4096"], /^lmplan: target\.train: conflict: the target length 4096 is shorter than the trained length 8192/],
  ])("%j", (args, pattern) => {
    const r = run(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toMatch(pattern);
  });
  it("prints a mixture and a context plan", () => {
    const d = run(["data", "--sources", "slimpajama-627b", "--mix", "dc-6", "--tokens", "1T"]);
    expect(d.status).toBe(0);
    expect(d.stdout).toContain("[unverified]");
    const c = run(["context", "--train", "2048:0.75,8192:0.25", "--position", "alibi", "--heads", "12", "--target", "16384"]);
    expect(c.status).toBe(0);
    expect(c.stdout).toContain("0.7071");
  });
});

describe("lmplan emit", () => {
  it("writes the config to stdout and notes and the measured schedule deviation to stderr", () => {
    const r = run(["emit", "--format", "megatron", "--preset", "btlm-3b-8k", "--gpus", "64"]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith("#!/usr/bin/env bash")).toBe(true);
    expect(r.stderr).toMatch(/lmplan: schedule: Megatron-LM's own LR formula on this config matches the plan/);
  });
  it("reads a plan from lmplan plan --json on stdin", () => {
    const planJson = run(["plan", "--params", "1.3B", "--tpp", "20", "--gpus", "64", "--json"]).stdout;
    const r = spawnSync(process.execPath, [BIN, "emit", "--format", "torchtitan", "--plan", "-"], { input: planJson, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("[lr_scheduler]");
  });
  it.each([
    [["emit", "--format", "deepspeed", "--params", "1B", "--tpp", "20"], /^lmplan: format: expected one of torchtitan, megatron, megatron-yaml, hf, nanogpt, litgpt, cerebras, llmfoundry, nanotron, received "deepspeed"$/],
    [["emit", "--format", "megatron", "--params", "1B", "--tpp", "20", "--gpus", "7", "--batch-seqs", "1000"], /^lmplan: batchSeqs: expected a global batch that a layout of 7 GPUs splits into data-parallel ranks × micro-batch × accumulation, e\.g\. 994 or 1001 or 1008; or a different --gpus, received 1000$/],
    [["emit", "--format", "litgpt", "--params", "1B", "--tpp", "20", "--strict"], /^lmplan: format: conflict: LitGPT cannot follow the plan's schedule/],
    [["emit", "--format", "nanogpt", "--params", "1B", "--tpp", "20", "--strict"], /^lmplan: format: conflict: nanoGPT cannot follow the plan's schedule/],
  ])("bad input %j exits 2", (args, pattern) => {
    const r = run(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")[0]).toMatch(pattern);
  });
  it("re-splits a saved plan's batch over --gpus, choosing the micro-batch that fits, or refuses a count that does not divide it", () => {
    const planJson = run(["plan", "--params", "1.3B", "--tpp", "20", "--gpus", "64", "--json"]).stdout;
    const global = (JSON.parse(planJson) as { batch: { globalBatchSeqs: { value: number } } }).batch.globalBatchSeqs.value;
    const ok = spawnSync(process.execPath, [BIN, "emit", "--format", "torchtitan", "--plan", "-", "--gpus", "32"], { input: planJson, encoding: "utf8" });
    expect(ok.status).toBe(0);
    const doc = ok.stdout;
    // the layout search re-runs for 32 GPUs: FSDP shards × replicas (HSDP) make up the 32 data-parallel ranks
    const shard = Number(/data_parallel_shard_degree = (\d+)/.exec(doc)?.[1]);
    const replicate = Number(/data_parallel_replicate_degree = (\d+)/.exec(doc)?.[1] ?? 1);
    expect(shard * replicate).toBe(32);
    expect(doc).toContain(`global_batch_size = ${global}`);
    const local = Number(/local_batch_size = (\d+)/.exec(doc)?.[1]);
    expect((global / 32) % local).toBe(0);
    // 7 GPUs: no layout of 7 splits the batch (24 heads and 27 layers take no 7-way split)
    const bad = spawnSync(process.execPath, [BIN, "emit", "--format", "torchtitan", "--plan", "-", "--gpus", "7"], { input: planJson, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^lmplan: gpus: expected a GPU count some layout of which splits the plan's global batch of ${global} sequences .*near 7: [0-9, ]+\\), received 7`));
  });
  it("refuses a plan JSON from another version", () => {
    const r = spawnSync(process.execPath, [BIN, "emit", "--format", "megatron", "--plan", "-"], { input: '{"lmplanPlanVersion": 2}', encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lmplan: plan\.lmplanPlanVersion: expected a plan written by lmplan plan --json/);
  });
});
