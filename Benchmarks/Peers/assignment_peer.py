"""scipy's linear_sum_assignment and lap's lapjv on the dense instance PeerHarness wrote: the
optimal cost must equal o2o's; the median of 5 runs is written to assignment-timing.json.

usage: assignment_peer.py DIR
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

folder = sys.argv[1]
o2o = json.load(open(f"{folder}/o2o-assignment.json"))
cost = np.fromfile(f"{folder}/assignment-dense.f64", dtype="<f8").reshape(o2o["rows"], o2o["columns"])

results = {}
times = []
for _ in range(5):
    t0 = time.perf_counter()
    rows, cols = linear_sum_assignment(cost)
    times.append((time.perf_counter() - t0) * 1000)
    total = float(cost[rows, cols].sum())
times.sort()
results["scipy"] = {"version": scipy.__version__, "median_ms": times[2], "cost": total}
try:
    import lap
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        total_lap, x, _ = lap.lapjv(cost, extend_cost=True)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    results["lap"] = {"version": getattr(lap, "__version__", ""), "median_ms": times[2], "cost": float(total_lap)}
except ImportError:
    pass
ok = True
for name, r in results.items():
    r["equal"] = abs(r["cost"] - o2o["cost"]) <= 1e-6 * o2o["cost"]
    ok = ok and r["equal"]
    print(f"{name}: median {r['median_ms']:.1f} ms, cost {r['cost']:.3f} ({'equal to' if r['equal'] else 'DIFFERENT from'} o2o's {o2o['cost']:.3f})",
          file=sys.stderr)
json.dump(results, open(f"{folder}/assignment-timing.json", "w"), indent=1, sort_keys=True)
sys.exit(0 if ok else 1)
