"""What every peer script shares: the queries and o2o's answers as PeerHarness wrote them, the
comparison of answers, and the latency summary."""
import csv


def read_queries(folder):
    """[{"q", "lat", "lon", "sku"}] in file order."""
    with open(f"{folder}/queries.csv") as f:
        return [{"q": int(r["query"]), "lat": float(r["lat"]), "lon": float(r["lon"]), "sku": int(r["sku_id"])} for r in csv.DictReader(f)]


def read_o2o(folder):
    """query → [(store_id, distance_m)] in rank order."""
    answers = {}
    with open(f"{folder}/o2o-answers.csv") as f:
        for r in csv.DictReader(f):
            answers.setdefault(int(r["query"]), []).append((int(r["store_id"]), float(r["distance_m"])))
    return answers


def same(o2o, peer, tolerance_m=1e-3):
    """Equal store lists; stores at the same distance (within the tolerance) may swap places."""
    if len(o2o) != len(peer):
        return False
    if [s for s, _ in o2o] == [s for s, _ in peer]:
        return True
    return sorted(s for s, _ in o2o) == sorted(s for s, _ in peer) and all(abs(a - b) < tolerance_m for (_, a), (_, b) in zip(o2o, peer))


def summary(latencies_us, mismatches):
    """p50, p99 and mean of per-query latencies, and the mismatching queries."""
    ordered = sorted(latencies_us)
    return {"p50_us": ordered[len(ordered) // 2], "p99_us": ordered[int(len(ordered) * 0.99)],
            "mean_us": sum(ordered) / len(ordered), "mismatches": len(mismatches), "first_mismatches": mismatches[:5]}


def time_shapes(system, shapes, queries, expected, run):
    """Times every query shape: two rounds over the queries (the first warms caches and
    prepares statements), the second timed per query and its answers compared with o2o's.
    `run(sql, query)` returns [(store_id, distance_m)]. Returns (results by shape, the fastest
    shape whose answers all equal o2o's, or the fastest of all when none does)."""
    import sys
    import time
    results = {}
    for name, sql in shapes.items():
        mismatches, latencies = [], []
        for rnd in range(2):
            for q in queries:
                t0 = time.perf_counter()
                rows = run(sql, q)
                t = time.perf_counter() - t0
                if rnd == 1:
                    latencies.append(t * 1e6)
                    if not same(expected.get(q["q"], []), [(int(s), float(d)) for s, d in rows]):
                        mismatches.append(q["q"])
        results[name] = summary(latencies, mismatches)
        print(f"{system} {name}: p50 {results[name]['p50_us']:.0f} µs, p99 {results[name]['p99_us']:.0f} µs, "
              f"{len(mismatches)} of {len(queries)} answers differ from o2o's", file=sys.stderr)
    correct = {k: v for k, v in results.items() if v["mismatches"] == 0}
    best = min(correct or results, key=lambda k: (correct or results)[k]["p50_us"])
    return results, best
