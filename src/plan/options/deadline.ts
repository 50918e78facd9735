/**
 * Deadline and target options for choosing a point on the time/compute frontier (issue 16).
 */
export const DEADLINE_OPTIONS = {};
