"""The coverage benchmark's city in shapely: 2,000 zones in an STRtree, every demand point
queried with the `within` predicate (the point inside the zone), counted by how many zones hold it.
Reads the files the o2o benchmark writes (zones.wkt, points.csv) and prints the time of the
query and the counts, so the answers can be compared with o2o's."""
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
print(f"shapely {shapely.__version__}: {len(points)} points x {len(zones)} zones: "
      f"tree {1000 * (built - start):.0f} ms, query {1000 * (done - built):.0f} ms, total {done - start:.2f} s")
print(f"shapely: points in >= 1 zone {int((counts >= 1).sum())}, in >= 2 zones {int((counts >= 2).sum())}")
