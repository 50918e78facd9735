/**
 * lmplan as a library: typed, pure functions over validated values. Plan a pre-training run, fit the
 * published laws to your own runs, write trainer configs and sweeps, trade time against compute, audit a
 * corpus and track a running job — each number traced to the law and paper it came from
 * (docs/science.md). Errors are data: the `…Safe` and `Result` forms answer `{ ok: false, issues }`
 * (each issue with `path`, `code`, `expected`, `received`) instead of throwing.
 *
 * @example
 * ```ts
 * import { plan } from "lmplan";
 * const p = plan({ params: "1.3B", tpp: 20, gpu: "h100", gpus: 64 });
 * p.batch.globalBatchTokens.value; // tokens per optimizer step
 * p.optimizer.weightDecay.derivation; // "λ = B/(η·τ_opt·D) = …"
 * ```
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./units/index.js";
export * from "./model/index.js";
export * from "./hardware/index.js";
export * from "./laws/index.js";
export * from "./parameterization/index.js";
export * as schedules from "./schedules/index.js";
export * from "./schedules/index.js";
export * from "./references.js";
export type * from "./plan/types.js";

// ---- plan ---------------------------------------------------------------------------------------
/**
 * Plan a pre-training run: model shape, tokens, batch, peak LR, weight decay, schedule, time, memory
 * and cost, each a `Num` with its `value`, `unit`, `source` (a law or reference id) and `derivation`.
 *
 * Batch from Power Lines' B_opt(D), weight decay from its timescale τ_opt(TPP) (arXiv 2505.13738), LR
 * by μP transfer (Cerebras/modelzoo), loss from Epoch's Chinchilla refit (arXiv 2404.10102); see
 * docs/science.md for each.
 *
 * @param input request fields, as the CLI flags and POST /api/plan take them ("1.3B", "627B", "14d")
 * @returns the plan
 * @throws LmplanError with `issues` (each naming its field) when the request is invalid or contradictory
 * @example
 * ```ts
 * const p = plan({ params: "1.3B", tpp: 20, gpu: "h100", gpus: 64 });
 * p.budget.tokens.value; // ≈ 2.6e10 tokens (20 × the shaped model's parameters)
 * ```
 */
export { plan } from "./plan/plan.js";
/**
 * {@link plan} without the throw: `{ ok: true, value }` or `{ ok: false, issues }`.
 *
 * @param input any value; it is validated against the request schema
 * @returns the plan, or the issues (path, code, expected, received) that stop it
 * @example
 * ```ts
 * const r = planSafe({ params: "1.3B", tpp: -1 });
 * if (!r.ok) r.issues[0]?.path; // ["tpp"]
 * ```
 */
export { planSafe } from "./plan/plan.js";
/**
 * {@link plan} from an already-parsed request (the output of {@link parsePlanRequest}).
 *
 * @param req the parsed request; defaults are filled by the resolve step
 * @param options how a batch that does not split over the GPUs is treated ("round" with a warning, or "exact")
 * @returns the plan or its issues
 * @example
 * ```ts
 * const req = parsePlanRequest({ params: "1.3B", tpp: 20 });
 * if (req.ok) planFromRequest(req.value);
 * ```
 */
export { planFromRequest } from "./plan/plan.js";
/**
 * The shape template lmplan sizes a model with when no preset is given (d_model ≈ 80·n_layers in
 * multiples of 128; Kaplan et al. arXiv 2001.08361 §3.1 find loss flat across aspect ratios).
 */
export { DEFAULT_TEMPLATE } from "./plan/plan.js";
/**
 * The plan request as one zod schema: the type, the validator, and the source of the CLI flags,
 * OpenAPI and web form.
 */
export { PlanRequestSchema } from "./plan/request.js";
/**
 * Validate a plan request.
 *
 * @param input any value
 * @returns the parsed request, or issues naming each bad field with what it accepts
 * @example
 * ```ts
 * parsePlanRequest({ params: "1.3B", tpp: 20 }).ok; // true
 * ```
 */
export { parsePlanRequest } from "./plan/request.js";
/**
 * One request field's declaration: its description, unit, citation and default rule, as `--help`,
 * OpenAPI and the web form show them.
 *
 * @param key a request field, e.g. "tpp"
 * @returns the field's metadata
 * @example
 * ```ts
 * fieldMeta("tpp").description;
 * ```
 */
export { fieldMeta } from "./plan/request.js";
export type { PlanRequest, PlanRequestInput, FieldMeta } from "./plan/request.js";

// ---- fitters ------------------------------------------------------------------------------------
/**
 * Fit the Chinchilla loss L = E + A/N^α + B/D^β to your runs, the way Hoffmann et al. do (App. D.2):
 * Huber (δ = 1e-3) on log loss, L-BFGS from their grid of starts, bootstrap intervals, the frontier.
 *
 * @see Hoffmann et al., arXiv 2203.15556 App. D.2; Besiroglu et al., arXiv 2404.10102
 * @param points runs as `{ N, D, L }` (parameters, tokens, final loss in nats/token)
 * @param o `dropHighest` (Epoch drops 5), `bootstrap` resamples, `seed`
 * @returns the fitted parameters, intervals and frontier, or issues
 * @example
 * ```ts
 * const r = fitLoss(points, { dropHighest: 0, bootstrap: 0, seed: 1 });
 * if (r.ok) r.value.fit.params.alpha;
 * ```
 */
export { fitLoss } from "./fit/loss.js";
export type { LossFitReport, LossFitOptions } from "./fit/loss.js";
/**
 * Fit Chinchilla's form from every start and keep the best (the numerical core of {@link fitLoss}).
 *
 * @see Hoffmann et al., arXiv 2203.15556 App. D.2
 * @param points runs as `{ N, D, L }`
 * @returns the best parameters and the objective
 * @example
 * ```ts
 * fitChinchilla(points).params; // { E, A, B, alpha, beta }
 * ```
 */
export { fitChinchilla } from "./fit/chinchilla.js";
export type { LossPoint } from "./fit/chinchilla.js";
/**
 * Fit learning-rate and batch power laws η = c·N^a·D^b and B = k·D^m to a sweep, in Step Law's form
 * (arXiv 2503.04715 Eq. 1–2), over the runs within `threshold` of each group's best loss.
 *
 * @param runs0 `{ N, D, lr, batchTokens, loss }` per run (and `Na`, the active count, for an MoE grid)
 * @param o `threshold` (relative loss band), `bootstrap`, `seed`
 * @returns the fitted law with intervals, or issues
 * @example
 * ```ts
 * const r = fitLrBatch(runs, { threshold: 0.005, bootstrap: 0, seed: 1 });
 * ```
 */
export { fitLrBatch } from "./fit/lr-batch.js";
export type { SweepRun as LrBatchRun, LrBatchReport } from "./fit/lr-batch.js";
/**
 * Fit the AdamW timescale law τ_opt = c·TPP^m (Power Lines' form, arXiv 2505.13738) to a weight-decay
 * sweep: τ = B/(η·λ·D) of each (N, D) group's best run.
 *
 * @param runs `{ N, D, batchTokens, lr, weightDecay, loss }` per run
 * @param o `bootstrap`, `seed`
 * @returns c and m with intervals, or issues
 * @example
 * ```ts
 * const r = fitTimescale(runs, { bootstrap: 0, seed: 1 });
 * ```
 */
export { fitTimescale } from "./fit/timescale.js";
export type { WdRun, TimescaleReport } from "./fit/timescale.js";
/**
 * Calibrate the critical batch from steps-to-target runs: McCandlish's S(B) = S_min(1 + B_crit/B) per
 * group (arXiv 1812.06162 §2), then B_crit = k·D^b across groups.
 *
 * @param runs `{ group, batchTokens, steps }` per run (N optional)
 * @param o `bootstrap`, `seed`, `withN`
 * @returns per-group fits and the power law, or issues
 * @example
 * ```ts
 * const r = fitBcrit(runs, { bootstrap: 0, seed: 1 });
 * ```
 */
export { fitBcrit } from "./fit/bcrit.js";
export type { BatchRun, BcritReport } from "./fit/bcrit.js";
/**
 * Fit the multi-power law to whole loss curves (Luo et al., arXiv 2503.12811), as the authors' code does.
 *
 * @param curves per-step LRs and logged losses
 * @returns the seven parameters [L0, A, α, B, C, β, γ] and the fit's errors
 * @example
 * ```ts
 * const fit = fitMultiPower(curves);
 * ```
 */
export { fitMultiPower } from "./fit/curves.js";
export type { CurveData, CurveFit } from "./fit/curves.js";
/**
 * Find a μP base (η_base, σ_base, m_emb, α_out) from a proxy sweep and test that it transfers across
 * widths (Dey, Anthony, Hestness 2024; Cerebras/modelzoo).
 *
 * @param runs proxy runs with their widths, swept values and losses
 * @param o fit options (bootstrap, seed, …)
 * @returns the base and the transfer test, or issues
 */
export { fitMup } from "./fit/mup.js";
export type { MupRun } from "./fit/mup.js";

// ---- emit and sweep -------------------------------------------------------------------------------
/**
 * Write a plan as a trainer config (TorchTitan, Megatron-LM, Hugging Face, nanoGPT, litgpt, Cerebras,
 * llm-foundry, nanotron), with notes where the trainer cannot express a setting.
 *
 * @param req `format`, and a saved `plan` or a plan `request`; `gpus`, `strict`, `allowOom`
 * @returns the config text, its file name, notes and warnings, or issues
 * @example
 * ```ts
 * const r = emitPlan({ format: "torchtitan", request: { params: "1.3B", tpp: 20, gpus: 8 } });
 * if (r.ok) r.value.text; // TOML
 * ```
 */
export { emitPlan } from "./emit/run.js";
export type { EmitRequest, EmitOutcome } from "./emit/run.js";
/** Every trainer format lmplan writes. */
export { EMITTERS } from "./emit/index.js";
/**
 * The emitter for a format id.
 *
 * @param id e.g. "torchtitan", "megatron"
 * @returns the emitter, or undefined for an unknown id
 */
export { findEmitter } from "./emit/index.js";
/**
 * Validate a saved plan (`lmplan plan --json`) in full before using it.
 *
 * @param input any value
 * @returns the plan or its issues
 */
export { parsePlan } from "./emit/index.js";
/**
 * Build a μP proxy sweep: the cross product of the swept axes, each point planned and written as a
 * trainer config; λ follows η so τ stays at τ_opt unless told otherwise (Power Lines, arXiv 2505.13738).
 *
 * @param base plan request fields shared by every run
 * @param axes `[axis, values]` pairs (lr, wd, batchSeqs, width, …)
 * @param emitter the trainer format
 * @param o what the sweep holds fixed
 * @returns one run per grid point, or issues
 * @example
 * ```ts
 * const r = buildSweep({ params: "111M", tpp: 20 }, [["lr", [1e-3, 2e-3]]], findEmitter("torchtitan")!);
 * ```
 */
export { buildSweep } from "./emit/sweep/grid.js";
export type { SweepRun, SweepOptions, AxisKey } from "./emit/sweep/grid.js";
/**
 * A sweep as a cluster job: a Slurm array, a SkyPilot or a Ray job list.
 *
 * @param runs the sweep's runs
 * @param o scheduler, trainer command, GPUs per run
 * @returns the script text
 */
export { renderSweep } from "./emit/sweep/render.js";
/**
 * The sweep's manifest: one CSV row per run with its hyperparameters, to join with the losses later.
 *
 * @param runs the sweep's runs
 * @returns CSV text
 */
export { renderManifest } from "./emit/sweep/render.js";

// ---- time against compute ---------------------------------------------------------------------------
/**
 * The time–compute Pareto frontier at a target loss: McCandlish's steps/data trade-off (arXiv
 * 1812.06162 §2) with a calibrated critical batch, over model sizes and batches.
 *
 * @param input a pareto request (`lmplan pareto` fields): target, GPU, critical-batch source, …
 * @returns the frontier, its marked points and each point's plan inputs, or issues
 * @example
 * ```ts
 * const r = paretoFromRequest({ compute: "1e22", gpu: "h100" });
 * ```
 */
export { paretoFromRequest } from "./plan/pareto-request.js";
export type { ParetoAnswer } from "./plan/pareto-request.js";
/**
 * The frontier itself, from validated inputs (the core of {@link paretoFromRequest}).
 *
 * @param input loss law, critical-batch calibration, hardware and grid
 * @returns the frontier or issues
 */
export { paretoFrontier } from "./plan/pareto.js";
export type { Frontier, FrontierPoint } from "./plan/pareto.js";
/**
 * Plan under a deadline: with a loss target (or --compute with deadlineBy "frontier"), the cheapest
 * frontier point that meets the deadline, planned in full, with a `deadline` section saying what each
 * step along the frontier trades; without one, exactly planSafe.
 *
 * @param input plan request fields plus lossTarget, days, maxGpus, bcrit
 * @returns the plan (with `deadline` when a target was given), or issues
 * @example
 * ```ts
 * const r = planWithDeadline({ lossTarget: 2.1, days: "12h" });
 * ```
 */
export { planWithDeadline } from "./plan/deadline.js";
/**
 * Parallel layouts: the ranked layouts (TP/SP/PP/VPP/CP/EP/FSDP) of a model on a GPU count, with memory
 * per GPU by component (Korthikanti et al., arXiv 2205.05198 Table 2) and time per step.
 *
 * @param input the model spec, sequence length, batch target, GPUs, accelerator and pins
 * @returns the layouts that fit, best first, or issues naming what does not fit
 * @example
 * ```ts
 * const r = searchLayouts({ spec, seqLen: 8192, batchTargetTokens: 4e6, gpus: 64, accel, pins: {}, options: {} });
 * ```
 */
export { searchLayouts } from "./layout/index.js";
/**
 * Memory per GPU of one layout, by component: weights, gradients, master weights, optimizer states,
 * activations (Korthikanti et al., arXiv 2205.05198 Table 2), logits, the ZeRO-3 working set and a reserve.
 *
 * @param spec the model; @param seqLen tokens per sequence; @param layout the layout; @param opts dtypes, loss, convention
 * @returns bytes by component and their total
 * @example
 * ```ts
 * const m = layoutMemory(plan.model.spec, 8192, plan.layout!);
 * ```
 */
export { layoutMemory } from "./layout/index.js";
/**
 * Time per step of one layout: compute at an efficiency, recompute, the pipeline bubble (p−1)/(m·v) and the
 * collectives that cannot overlap.
 *
 * @param spec the model; @param seqLen tokens per sequence; @param l the layout; @param accel the accelerator; @param o efficiency and options
 * @returns seconds by term, throughput and achieved MFU
 * @example
 * ```ts
 * const t = layoutTime(plan.model.spec, 8192, plan.layout!, accel, { efficiency: 0.4 });
 * ```
 */
export { layoutTime } from "./layout/index.js";
export type { Layout } from "./layout/types.js";
/**
 * Turn the architecture request fields (--arch and the block overrides) into a block and the shape
 * chooser's rules.
 *
 * @param req the architecture fields of a plan request
 * @returns the template, shape options, explicit spec and notes, or issues naming the field
 * @example
 * ```ts
 * const r = resolveArch({ arch: "llama3", width: 4096, layers: 32 });
 * ```
 */
export { resolveArch, ARCH_TEMPLATES } from "./model/arch.js";

// ---- data audit ---------------------------------------------------------------------------------------
/**
 * Audit a corpus for near-duplicates the way SlimPajama does (MinHash over character 13-grams, LSH 9×13,
 * Jaccard 0.8; Cerebras/modelzoo data_processing/slimpajama), within and across sources, with unique
 * tokens for the mixture planner. Reads files: give it paths.
 *
 * @param o paths, reader options, dedup config, threads, limits
 * @returns counts, clusters, candidate pairs and (for a sample) a corpus estimate
 */
export { runAudit } from "./mixture/audit/run.js";
export type { AuditOptions, AuditResult } from "./mixture/audit/run.js";
/**
 * The dedup configuration with every default filled (SlimPajama's), or issues naming each bad override.
 *
 * @param o overrides (n-gram size, permutations, bands, rows, threshold, …)
 * @returns the configuration or issues
 */
export { resolveDedupConfig } from "./mixture/audit/config.js";

// ---- track a running job -----------------------------------------------------------------------------
/**
 * Compare a running job's logs with its plan: loss against the predicted band, LR against the
 * schedule, throughput against the plan's time; alerts once a deviation persists.
 *
 * @param plan the plan the job runs
 * @param run the logged series (loss, LR, tokens/s, …)
 * @param opts `now` (milliseconds) and alert thresholds
 * @returns the comparison and its alerts
 */
export { track } from "./track/track.js";
export type { TrackReport } from "./track/track.js";
export type { TrackRun } from "./track/types.js";

// ---- verify ---------------------------------------------------------------------------------------------
/** Every published number and law evaluation `lmplan verify` reproduces, with its source. */
export { GOLDENS } from "./verify.js";
/**
 * Check every row: published numbers and law re-evaluations, kept apart.
 *
 * @returns the rows of each kind, each with its computed value and relative error, and whether all pass
 * @example
 * ```ts
 * runGoldens().allPass; // true
 * ```
 */
export { runGoldens } from "./verify.js";
export type { Golden, VerifyRow } from "./verify.js";
/**
 * The law catalogue as Markdown (docs/science.md carries it): formula, coefficients, fitted range and
 * source of every law, printed from the laws.
 *
 * @param laws the laws to list (default: every published law, LAWS)
 * @returns a Markdown table between the catalogue's marker comments
 * @example
 * ```ts
 * renderLawCatalog().includes("`power-lines-batch`"); // true
 * ```
 */
export { renderLawCatalog } from "./laws/catalog.js";
