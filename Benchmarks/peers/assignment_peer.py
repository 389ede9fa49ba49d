"""scipy and lap on the assignment instances PeerHarness wrote: dense 1,000 × 2,000 with
scipy's linear_sum_assignment and lap's lapjv; sparse 20,000 × 40,000 with scipy's
min_weight_full_bipartite_matching (every order matched, as o2o's solve does). The optimal
costs must equal o2o's; the median of 5 runs is written to assignment-timing.json.

usage: assignment_peer.py DIR
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

folder = sys.argv[1]
o2o = json.load(open(f"{folder}/o2o-assignment.json"))


def median_ms(solve):
    times, answer = [], None
    for _ in range(5):
        t0 = time.perf_counter()
        answer = solve()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[2], answer


results = {}
dense = o2o["dense"]
cost = np.fromfile(f"{folder}/assignment-dense.f64", dtype="<f8").reshape(dense["rows"], dense["columns"])
ms, (rows, cols) = median_ms(lambda: linear_sum_assignment(cost))
results["dense/scipy"] = {"version": scipy.__version__, "median_ms": ms, "cost": float(cost[rows, cols].sum()), "o2o": dense["cost"]}
try:
    import lap
    ms, answer = median_ms(lambda: lap.lapjv(cost, extend_cost=True))
    results["dense/lap"] = {"version": getattr(lap, "__version__", ""), "median_ms": ms, "cost": float(answer[0]), "o2o": dense["cost"]}
except ImportError:
    pass

sparse = o2o["sparse"]
rows = np.fromfile(f"{folder}/assignment-sparse-rows.i32", dtype="<i4")
columns = np.fromfile(f"{folder}/assignment-sparse-columns.i32", dtype="<i4")
weights = np.fromfile(f"{folder}/assignment-sparse.f64", dtype="<f8")
graph = csr_matrix((weights, (rows, columns)), shape=(sparse["rows"], sparse["columns"]))
ms, (r, c) = median_ms(lambda: min_weight_full_bipartite_matching(graph))
results["sparse/scipy"] = {"version": scipy.__version__, "median_ms": ms, "cost": float(graph[r, c].sum()), "o2o": sparse["cost"],
                           "assigned": int(len(r))}

ok = sparse["assigned"] == sparse["rows"]
for name, r in results.items():
    r["equal"] = abs(r["cost"] - r["o2o"]) <= 1e-6 * r["o2o"]
    ok = ok and r["equal"]
    print(f"  … {name}: median {r['median_ms']:.1f} ms, cost {r['cost']:.3f} "
          f"({'equal to' if r['equal'] else 'DIFFERENT from'} o2o's {r['o2o']:.3f})", file=sys.stderr)
json.dump(results, open(f"{folder}/assignment-timing.json", "w"), indent=1, sort_keys=True)
sys.exit(0 if ok else 1)
