import { describe, expect, it } from "vitest";
import { lbfgs } from "../src/fit/lbfgs.js";

describe("L-BFGS", () => {
  it("minimises the Rosenbrock function to (1, 1)", () => {
    const r = lbfgs((x, g) => {
      const a = x[0] as number;
      const b = x[1] as number;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, [-1.2, 1], { gtol: 1e-9, ftol: 0 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });
  it("solves an ill-conditioned quadratic in 20 dimensions", () => {
    const n = 20;
    const r = lbfgs((x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        const c = 10 ** ((4 * i) / (n - 1));
        const xi = (x[i] as number) - i;
        f += 0.5 * c * xi * xi;
        g[i] = c * xi;
      }
      return f;
    }, new Array(n).fill(0), { gtol: 1e-8, ftol: 0 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(i, 5);
  });
  it("reports a non-finite start instead of looping", () => {
    const r = lbfgs((_x, _g) => NaN, [0]);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe("non-finite");
  });
});
