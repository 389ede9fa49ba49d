"""Redis on the data set PeerHarness wrote: the stores in a geo set, each SKU's in-stock stores
in a set, the zones in the client as prepared shapely polygons. A query is GEOSEARCH (every
store within the farthest delivery reach, nearest first), SMISMEMBER on the SKU's set, then the
zone test in the client, keeping the first ten. Timed per query over loopback; the answers are
compared with o2o's; writes redis-timing.json.

usage: redis_peer.py PORT DIR
"""
import csv
import json
import math
import sys
import time

import redis
import shapely
from shapely import wkt as shapely_wkt

from peer_common import read_o2o, read_queries, summary

port, folder = int(sys.argv[1]), sys.argv[2]
r = redis.Redis(host="127.0.0.1", port=port)
r.flushall()

started = time.perf_counter()
pipe = r.pipeline(transaction=False)
position = {}
with open(f"{folder}/stores.csv") as f:
    for n, row in enumerate(csv.DictReader(f)):
        pipe.geoadd("stores", (float(row["lon"]), float(row["lat"]), row["id"]))
        position[int(row["id"])] = (float(row["lat"]), float(row["lon"]))
        if n % 10_000 == 0:
            pipe.execute()
pipe.execute()
# Each SKU's in-stock stores gathered first, then sent in commands of 10,000 members: at
# 100 million rows one command per row would take most of an hour.
carriers = {}
with open(f"{folder}/stock.csv") as f:
    next(f)
    for line in f:
        store, sku, on_hand = line.split(",")
        if int(on_hand) >= 1:
            carriers.setdefault(sku, []).append(store)
for n, (sku, stores) in enumerate(carriers.items()):
    for i in range(0, len(stores), 10_000):
        pipe.sadd(f"sku:{sku}", *stores[i:i + 10_000])
    if n % 100 == 0:
        pipe.execute()
pipe.execute()
del carriers
delivery, exclusion = {}, {}
reach = 0.0
with open(f"{folder}/zones.csv") as f:
    next(f)
    for line in f:
        _, store, kind, text = line.rstrip("\n").split("\t")
        geometry = shapely_wkt.loads(text)
        shapely.prepare(geometry)
        (delivery if kind == "delivery" else exclusion).setdefault(int(store), []).append(geometry)
load_s = time.perf_counter() - started
# Every zone lies within 5 km of its store (the generator's largest radius); a little more
# covers the difference between the plane of the polygons and the sphere of GEOSEARCH.
RADIUS_M = 5_100


def haversine(lat1, lon1, lat2, lon2):
    """o2o's distance: haversine on the WGS84 mean radius, from the stores' exact coordinates."""
    p = math.pi / 180
    a = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1, math.sqrt(a)))


# Redis keeps positions as 52-bit geohashes (about 0.6 m) on its own earth radius, so its order
# can swap stores less than a metre apart. Past the tenth store that passes, the stores within
# this margin of it are tested too, and the survivors are ranked by the exact distance.
MARGIN_M = 2.0


def answer(lat, lon, sku):
    near = r.geosearch("stores", longitude=lon, latitude=lat, radius=RADIUS_M, unit="m", sort="ASC", withdist=True)
    if not near:
        return []
    ids = [int(m) for m, _ in near]
    held = r.smismember(f"sku:{sku}", ids)
    point = shapely.Point(lon, lat)
    out, tenth = [], None
    for (member, distance), has in zip(near, held):
        if tenth is not None and distance > tenth + MARGIN_M:
            break
        if not has:
            continue
        s = int(member)
        if any(z.contains(point) for z in delivery.get(s, [])) and not any(z.contains(point) for z in exclusion.get(s, [])):
            out.append((s, haversine(lat, lon, *position[s])))
            if len(out) == 10:
                tenth = distance
    out.sort(key=lambda x: (x[1], x[0]))
    return out[:10]


queries = [(q["q"], q["lat"], q["lon"], q["sku"]) for q in read_queries(folder)]
expected = {q: [s for s, _ in answers] for q, answers in read_o2o(folder).items()}

latencies, mismatches, details = [], [], []
for rnd in range(2):
    for q, lat, lon, sku in queries:
        t0 = time.perf_counter()
        got = answer(lat, lon, sku)
        t = time.perf_counter() - t0
        if rnd == 1:
            latencies.append(t * 1e6)
            ids = [s for s, _ in got]
            want = expected.get(q, [])
            # Redis rounds distances to 0.1 mm: stores at the same distance may swap places.
            if ids != want and sorted(ids) != sorted(want):
                mismatches.append(q)
                details.append({"query": q, "lat": lat, "lon": lon, "sku": sku, "o2o": want, "redis": got})
result = {"system": "redis", "version": r.info()["redis_version"], "load_s": load_s, **summary(latencies, mismatches),
          "first_mismatches": details[:5]}
print(f"redis: p50 {result['p50_us']:.0f} µs, p99 {result['p99_us']:.0f} µs, {len(mismatches)} of {len(queries)} answers differ from o2o's",
      file=sys.stderr)
json.dump(result, open(f"{folder}/redis-timing.json", "w"), indent=1, sort_keys=True)
sys.exit(0 if not mismatches else 1)
