"""The coverage benchmark's city in shapely: 2,000 zones in an STRtree, every demand point
queried with the `within` predicate (the point inside the zone), counted by how many zones hold it.
Reads the files PeerHarness writes (zones.wkt, points.csv), times the tree and the query, and
writes coverage-shapely.json with the counts, which must equal o2o's.

usage: coverage_shapely.py DIR"""
import json
import sys
import time

import numpy as np
import shapely
from shapely import STRtree

folder = sys.argv[1]
zones = []
with open(f"{folder}/zones.wkt") as f:
    for line in f:
        _, wkt = line.rstrip("\n").split("\t")
        zones.append(shapely.from_wkt(wkt))
coords = np.loadtxt(f"{folder}/points.csv", delimiter=",", skiprows=1)
points = shapely.points(coords)

start = time.perf_counter()
tree = STRtree(zones)
built = time.perf_counter()
# Pairs (point index, zone index) with the point within the zone.
pairs = tree.query(points, predicate="within")
done = time.perf_counter()
counts = np.bincount(pairs[0], minlength=len(points))
result = {"system": "shapely", "version": shapely.__version__, "points": len(points), "zones": len(zones), "tree_s": built - start,
          "query_s": done - built, "seconds": done - start, "covered": int((counts >= 1).sum()), "covered_twice": int((counts >= 2).sum())}
json.dump(result, open(f"{folder}/coverage-shapely.json", "w"), indent=1)
print(f"  … shapely {shapely.__version__}: {len(points)} points × {len(zones)} zones in {done - start:.2f} s "
      f"(tree {1000 * (built - start):.0f} ms); in ≥ 1 zone {result['covered']}, in ≥ 2 zones {result['covered_twice']}", file=sys.stderr)
o2o = json.load(open(f"{folder}/coverage-o2o.json"))
if (o2o["covered"], o2o["covered_twice"]) != (result["covered"], result["covered_twice"]):
    print(f"  … shapely's counts differ from o2o's ({o2o['covered']}, {o2o['covered_twice']})", file=sys.stderr)
    sys.exit(1)
