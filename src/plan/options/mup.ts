/**
 * μP-base and optimizer overrides (issue 15: --lr, user bases, warmup in steps or tokens).
 */
export const MUP_OPTIONS = {};
