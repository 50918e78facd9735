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
export { chinchillaHoffmann, HOFFMANN_PARAMS } from "./chinchilla-hoffmann.js";
export { dataConstrained, effectiveData, lossFromEffectiveData } from "./data-constrained.js";
export { deepseek, deepseekFlopsPerToken } from "./deepseek.js";
export { kaplanBcrit } from "./kaplan-bcrit.js";
export { kaplanLoss } from "./kaplan-loss.js";
export { mccandlish } from "./mccandlish.js";
export { porian } from "./porian.js";
export { powerLinesBatch } from "./power-lines-batch.js";
export { powerLinesBcrit } from "./power-lines-bcrit.js";
export { powerLinesTau } from "./power-lines-tau.js";
export { powerScheduler, POWER_SCHEDULER_CHOSEN, POWER_SCHEDULER_EQ5 } from "./power-scheduler.js";
export { stepLaw } from "./step-law.js";
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
