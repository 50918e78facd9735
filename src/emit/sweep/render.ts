/**
 * A sweep rendered for a scheduler: a Slurm job array, a SkyPilot task, or a Ray job script. Each run's
 * config is written verbatim (quoted heredoc or a Python string, so the trainer sees exactly what the
 * emitter wrote) and launched with the trainer's command; plus manifest.csv, one row per run, with the
 * column names `lmplan fit` reads (loss left empty for the user to fill from the runs).
 * Built, not concatenated: shell words through shellQuote, the SkyPilot task through toYaml, the Ray
 * script's values through pyLiteral, comments through commentText (src/emit/serialize.ts).
 */
import Papa from "papaparse";
import { commentText, heredocDelimiter, pyLiteral, shellQuote, substituteConfig, toYaml } from "../serialize.js";
import type { SweepRun } from "./grid.js";

export type Scheduler = "slurm" | "skypilot" | "ray";

/** How each trainer is launched on its config ({config}); override with --command. */
export const TRAINER_COMMANDS: Record<string, string> = {
  torchtitan: "torchrun --nproc_per_node=$GPUS -m torchtitan.train --job.config_file {config}",
  megatron: "GPUS_PER_NODE=$GPUS bash {config}",
  "megatron-yaml": "echo 'run {config} with your Megatron-LM functional-test launcher' && false",
  hf: "torchrun --nproc_per_node=$GPUS train.py {config}",
  nanogpt: "torchrun --standalone --nproc_per_node=$GPUS train.py {config}",
  litgpt: "litgpt pretrain --config {config}",
  cerebras: "cszoo fit {config}",
  llmfoundry: "composer scripts/train/train.py {config}",
  nanotron: "torchrun --nproc_per_node=$GPUS run_train.py --config-file {config}",
};

function fileName(run: SweepRun): string {
  const ext = run.config.fileName.slice(run.config.fileName.lastIndexOf("."));
  return `sweep_configs/run_${String(run.id).padStart(3, "0")}${ext}`;
}

/** A bash `case` on $variable (SLURM_ARRAY_TASK_ID, RUN_ID) that writes that run's config and sets CONFIG. */
function caseBlock(runs: SweepRun[], variable: "SLURM_ARRAY_TASK_ID" | "RUN_ID"): string[] {
  const lines = [`case "$${variable}" in`];
  for (const run of runs) {
    // a quoted delimiter: the config is written as it is, no expansion; no line of it may equal the delimiter
    const text = run.config.text.trimEnd();
    const delim = heredocDelimiter(text);
    lines.push(`  ${run.id})`, `    CONFIG=${shellQuote(fileName(run))}`, `    cat > "$CONFIG" <<'${delim}'`, text, delim, "    ;;");
  }
  lines.push(`  *) echo "lmplan sweep: no run with index $${variable}" >&2; exit 2 ;;`, "esac");
  return lines;
}

export interface RenderOptions {
  scheduler: Scheduler;
  trainer: string;
  command: string;
  gpusPerRun: number;
  gpuName: string;
  title: string;
}

/** Slurm's D-HH:MM:SS for a number of seconds, rounded up to the minute. */
export function slurmTime(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const two = (x: number) => String(x).padStart(2, "0");
  return `${d}-${two(h)}:${two(m % 60)}:00`;
}

/** The time limit of one array task: the longest run's predicted time, 25% more and 10 minutes for start-up and the last checkpoint. */
export function runTimeLimit(runs: SweepRun[]): { seconds: number; why: string } {
  const longest = Math.max(0, ...runs.map((r) => r.plan.hardware.seconds.value));
  const seconds = longest * 1.25 + 600;
  return { seconds, why: `the longest run's predicted ${+(longest / 3600).toPrecision(3)} h × 1.25 + 10 min` };
}

export function renderSweep(runs: SweepRun[], o: RenderOptions): string {
  const n = runs.length;
  const nodes = Math.max(1, Math.ceil(o.gpusPerRun / 8));
  const perNode = Math.min(8, o.gpusPerRun);
  // {config} becomes the config path wherever it stands in the command, in or out of quotes
  const launch = substituteConfig(o.command);
  const head = commentText(`lmplan sweep: ${o.title} — ${n} runs, ${o.trainer} configs, ${o.gpusPerRun} GPUs each`);
  if (o.scheduler === "slurm") {
    const limit = runTimeLimit(runs);
    return [
      "#!/bin/bash",
      `# ${head}`,
      "# Before you launch:",
      "#   ${SLURM_PARTITION} (--partition) and ${SLURM_ACCOUNT} (--account): your cluster's; sbatch reads these lines literally,",
      "#   so edit them, or export SBATCH_PARTITION and SBATCH_ACCOUNT (sbatch's input variables override #SBATCH lines)",
      `#   --time ${slurmTime(limit.seconds)} per run: ${commentText(limit.why)}`,
      "#SBATCH --job-name=lmplan-sweep",
      `#SBATCH --array=${shellQuote(`0-${n - 1}`)}`,
      `#SBATCH --nodes=${shellQuote(nodes)}`,
      `#SBATCH --gpus-per-node=${shellQuote(perNode)}`,
      `#SBATCH --time=${shellQuote(slurmTime(limit.seconds))}`,
      "#SBATCH --partition=${SLURM_PARTITION}",
      "#SBATCH --account=${SLURM_ACCOUNT}",
      "#SBATCH --output=sweep_logs/%A_%a.out",
      "set -euo pipefail",
      "mkdir -p sweep_configs sweep_logs",
      `GPUS=${shellQuote(perNode)}`,
      ...caseBlock(runs, "SLURM_ARRAY_TASK_ID"),
      launch,
      "",
    ].join("\n");
  }
  if (o.scheduler === "skypilot") {
    const run = ["set -euo pipefail", "mkdir -p sweep_configs", `GPUS=${shellQuote(perNode)}`, ...caseBlock(runs, "RUN_ID"), launch, ""].join("\n");
    const task = { name: "lmplan-sweep", resources: { accelerators: `${o.gpuName.toUpperCase()}:${perNode}` }, num_nodes: nodes, envs: { RUN_ID: "0" }, run };
    return [`# ${head}`, `# launch every run: for i in $(seq 0 ${n - 1}); do sky jobs launch -y -n lmplan-run-$i --env RUN_ID=$i sweep.yaml; done`, toYaml(task)].join("\n");
  }
  const py = pyLiteral;
  return [
    `# ${head}`,
    "# run with: python sweep.py (on a Ray cluster: ray job submit -- python sweep.py)",
    "import os",
    "import shlex",
    "import subprocess",
    "",
    "import ray",
    "",
    `COMMAND = ${py(o.command)}`,
    "RUNS = [",
    ...runs.map((r) => `    ${py({ id: r.id, file: fileName(r), config: r.config.text })},`),
    "]",
    "",
    "",
    `@ray.remote(num_gpus=${py(o.gpusPerRun)})`,
    "def train(run):",
    '    os.makedirs(os.path.dirname(run["file"]), exist_ok=True)',
    '    with open(run["file"], "w", encoding="utf-8") as f:',
    '        f.write(run["config"])',
    `    env = dict(os.environ, GPUS=${py(String(perNode))})`,
    "    # only the exact token {config} is replaced: the command's other braces ({print}, ${HOME}) stay as written",
    '    command = COMMAND.replace("{config}", shlex.quote(run["file"]))',
    "    return subprocess.run(command, shell=True, check=True, env=env).returncode",
    "",
    "",
    'if __name__ == "__main__":',
    "    ray.init()",
    "    print(ray.get([train.remote(r) for r in RUNS]))",
    "",
  ].join("\n");
}

/** The header line of manifest.csv (loss last, so an unfilled row ends with a comma). */
export const MANIFEST_HEADER = "run_id,config,params,non_embedding_params,tokens,tpp,width,layers,d_base,lr,base_lr,wd,tau,batch_tokens,seq_len,init_std,emb_mult,output_alpha,beta1,beta2,eps,loss";

/**
 * manifest.csv: one row per run, in the column names `lmplan fit loss | lr-batch | timescale | mup` read.
 * Besides the swept values each row records what the proxy was trained at — its TPP, batch, width and
 * depth, the μP base width d_base, the AdamW timescale τ it held, β1/β2/ε — so `fit mup` can write a
 * base that says where it was tuned, and a plan can compare the proxy's horizon and batch with the target's.
 */
export function renderManifest(runs: SweepRun[]): string {
  const rows = runs.map((r) => {
    const p = r.plan;
    return {
      run_id: r.id,
      config: fileName(r),
      params: p.model.totalParams.value,
      non_embedding_params: p.model.nonEmbeddingParams.value,
      tokens: p.batch.tokensTrained.value,
      tpp: +(p.batch.tokensTrained.value / p.model.totalParams.value).toPrecision(6),
      width: p.model.spec.dModel,
      layers: p.model.spec.numLayers,
      d_base: p.optimizer.parameterization.kind === "sp" ? "" : +(p.model.spec.dModel / p.optimizer.parameterization.widthMultiplier).toPrecision(12),
      // the hidden-weight LR, which lr-batch and timescale fits read; base_lr is μP's η_base
      lr: +p.optimizer.hiddenLr.value.toPrecision(12),
      base_lr: p.optimizer.baseLr.value,
      wd: +p.optimizer.weightDecay.value.toPrecision(12),
      tau: Number.isFinite(p.optimizer.tau.value) ? +p.optimizer.tau.value.toPrecision(6) : "",
      batch_tokens: p.batch.globalBatchTokens.value,
      seq_len: p.batch.seqLen.value,
      init_std: p.optimizer.parameterization.embedding.initStd ?? "",
      emb_mult: p.optimizer.parameterization.embedding.outputMultiplier,
      // α_out: the output logits are × α_out/m_d (src/parameterization/mup.ts)
      output_alpha: +(p.optimizer.parameterization.outputLogitsScale * p.optimizer.parameterization.widthMultiplier).toPrecision(12),
      beta1: p.optimizer.beta1.value,
      beta2: p.optimizer.beta2.value,
      eps: +(p.optimizer.eps.value / p.optimizer.parameterization.adamEpsMultiplier).toPrecision(12),
      loss: "",
    };
  });
  return Papa.unparse(rows, { newline: "\n", columns: MANIFEST_HEADER.split(",") }) + "\n";
}
