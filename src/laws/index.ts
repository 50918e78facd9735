/** Every published law lmplan implements, one file each. Adding a law is adding a file and a line here. */
import { zhangBcrit } from "./bcrit-zhang.js";
import { chinchillaEpoch } from "./chinchilla-epoch.js";
import { chinchillaHoffmann } from "./chinchilla-hoffmann.js";
import { dataConstrained } from "./data-constrained.js";
import { deepseek } from "./deepseek.js";
import { kaplanBcrit } from "./kaplan-bcrit.js";
import { kaplanLoss } from "./kaplan-loss.js";
import { mccandlish } from "./mccandlish.js";
import { porian } from "./porian.js";
import { powerLinesBatch } from "./power-lines-batch.js";
import { powerLinesBcrit } from "./power-lines-bcrit.js";
import { powerLinesTau } from "./power-lines-tau.js";
import { powerScheduler } from "./power-scheduler.js";
import { stepLaw } from "./step-law.js";
import type { AnyLaw } from "./types.js";

export * from "./types.js";
export * from "./chinchilla-form.js";
export { chinchillaEpoch, EPOCH_PARAMS } from "./chinchilla-epoch.js";
export { chinchillaHoffmann, HOFFMANN_PARAMS, HOFFMANN_PRINTED } from "./chinchilla-hoffmann.js";
export { dataConstrained, effectiveData, lossFromEffectiveData, DATA_CONSTRAINED } from "./data-constrained.js";
export { deepseek, deepseekFlopsPerToken, DEEPSEEK, DEEPSEEK_M } from "./deepseek.js";
export { kaplanBcrit, KAPLAN_BCRIT } from "./kaplan-bcrit.js";
export { kaplanLoss, KAPLAN_LOSS } from "./kaplan-loss.js";
export { mccandlish } from "./mccandlish.js";
export { porian, porianBeta2, PORIAN } from "./porian.js";
export { powerLinesBatch, POWER_LINES_BATCH } from "./power-lines-batch.js";
export { powerLinesBcrit, POWER_LINES_BCRIT, POWER_LINES_BCRIT_TERM } from "./power-lines-bcrit.js";
export { powerLinesTau, POWER_LINES_TAU, POWER_LINES_TAU_TERM } from "./power-lines-tau.js";
export { powerScheduler, POWER_SCHEDULER_CHOSEN, POWER_SCHEDULER_EQ5, POWER_SCHEDULER_TERM } from "./power-scheduler.js";
export { stepLaw, STEP_LAW, STEP_LAW_TERMS } from "./step-law.js";
export { zhangBcrit, ZHANG_BCRIT } from "./bcrit-zhang.js";

export const LAWS: readonly AnyLaw[] = [
  powerLinesTau,
  powerLinesBatch,
  powerLinesBcrit,
  mccandlish,
  kaplanBcrit,
  zhangBcrit,
  kaplanLoss,
  chinchillaEpoch,
  chinchillaHoffmann,
  dataConstrained,
  stepLaw,
  deepseek,
  porian,
  powerScheduler,
];

export function findLaw(id: string): AnyLaw | undefined {
  return LAWS.find((l) => l.id === id);
}
