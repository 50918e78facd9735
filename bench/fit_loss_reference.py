"""Reference for `npm run bench`: the same Chinchilla fit as lmplan's `fit loss`, in scipy.

Hoffmann et al. App. D.2 as replicated by Epoch AI (arXiv 2404.10102; epoch-research/analyzing-chinchilla):
sum of Huber(δ=1e-3) of LSE(a − α log N, b − β log D, e) − log L over the 240 points left after dropping the
5 highest losses, scipy.optimize.minimize(method="L-BFGS-B") with an analytic gradient from each of the
4,500 grid points, keep the best. Prints JSON: parameters, objective, seconds for the fit (interpreter
start-up and data loading excluded), and seconds for bootstrap refits warm-started from the optimum.
"""
import csv, itertools, json, sys, time
import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

path = sys.argv[1]
n_boot = int(sys.argv[2]) if len(sys.argv) > 2 else 0
rows = list(csv.DictReader(open(path)))
N = np.array([float(r["Model Size"]) for r in rows])
C = np.array([float(r["Training FLOP"]) for r in rows])
L = np.array([float(r["loss"]) for r in rows])
keep = np.argsort(-L)[5:]
logN, logD, logL = np.log(N[keep]), np.log(C[keep] / (6 * N[keep])), np.log(L[keep])
DELTA = 1e-3

def objective(x, ln, ld, ll):
    a, b, e, alpha, beta = x
    t = np.stack([a - alpha * ln, b - beta * ld, np.full_like(ln, e)])
    lse = logsumexp(t, axis=0)
    r = lse - ll
    w = np.exp(t - lse)
    h = np.where(np.abs(r) <= DELTA, r, DELTA * np.sign(r))
    g = np.array([np.sum(h * w[0]), np.sum(h * w[1]), np.sum(h * w[2]), -np.sum(h * w[0] * ln), -np.sum(h * w[1] * ld)])
    return np.sum(huber(DELTA, r)), g

grid = list(itertools.product([0, 5, 10, 15, 20, 25], [0, 5, 10, 15, 20, 25], [-1, -.5, 0, .5, 1], [0, .5, 1, 1.5, 2], [0, .5, 1, 1.5, 2]))
t0 = time.perf_counter()
best = None
for a, b, e, alpha, beta in grid:
    res = minimize(objective, [a, b, e, alpha, beta], args=(logN, logD, logL), jac=True, method="L-BFGS-B")
    if best is None or res.fun < best.fun:
        best = res
fit_s = time.perf_counter() - t0

rng = np.random.default_rng(1)
t1 = time.perf_counter()
for _ in range(n_boot):
    idx = rng.integers(0, len(logN), len(logN))
    minimize(objective, best.x, args=(logN[idx], logD[idx], logL[idx]), jac=True, method="L-BFGS-B", options={"ftol": 1e-12, "gtol": 1e-9})
boot_s = time.perf_counter() - t1
a, b, e, alpha, beta = best.x
print(json.dumps({"A": float(np.exp(a)), "B": float(np.exp(b)), "E": float(np.exp(e)), "alpha": float(alpha), "beta": float(beta),
                  "objective": float(best.fun), "fit_seconds": fit_s, "bootstrap_seconds": boot_s, "bootstrap": n_boot}))
