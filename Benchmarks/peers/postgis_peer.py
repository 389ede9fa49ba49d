"""PostGIS on the data set PeerHarness wrote: load it, index it, answer the same queries, time
each (client-side, over loopback, with the prepared statement), compare the answers with o2o's,
and write postgis-timing.json and postgis-plan.txt.

usage: postgis_peer.py DSN DIR
"""
import re
import json
import sys
import time

import psycopg

from peer_common import read_o2o, read_queries, time_shapes

dsn, folder = sys.argv[1], sys.argv[2]

# The query shapes tried; the fastest whose answers equal o2o's is kept.
SHAPES = {
    # Zones first: the GiST index finds the delivery zones holding the point; the stock primary
    # key checks the SKU; the survivors are sorted by distance.
    "zones-first": """
        SELECT s.id, ST_Distance(s.geog, q.g, false) AS d
        FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS p,
                     ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g) q
        JOIN zones z ON z.kind = 'delivery' AND ST_Intersects(z.area, q.p)
        JOIN stores s ON s.id = z.store_id
        JOIN stock k ON k.store_id = s.id AND k.sku_id = %(sku)s AND k.on_hand >= 1
        WHERE NOT EXISTS (SELECT 1 FROM zones x WHERE x.store_id = s.id AND x.kind = 'exclusion' AND ST_Intersects(x.area, q.p))
        GROUP BY s.id, s.geog, q.g
        ORDER BY d, s.id
        LIMIT 10""",
    # KNN first: the GiST index on the stores' geography walks outward by distance (<->) and
    # each store is checked for stock and zone until ten pass.
    "knn-first": """
        SELECT s.id, ST_Distance(s.geog, q.g, false) AS d
        FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS p,
                     ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g) q, stores s
        WHERE EXISTS (SELECT 1 FROM stock k WHERE k.store_id = s.id AND k.sku_id = %(sku)s AND k.on_hand >= 1)
          AND EXISTS (SELECT 1 FROM zones z WHERE z.store_id = s.id AND z.kind = 'delivery' AND ST_Intersects(z.area, q.p))
          AND NOT EXISTS (SELECT 1 FROM zones x WHERE x.store_id = s.id AND x.kind = 'exclusion' AND ST_Intersects(x.area, q.p))
        ORDER BY s.geog <-> q.g, s.id
        LIMIT 10""",
}


def load(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cur.execute("DROP TABLE IF EXISTS stock, zones, stores")
        cur.execute("CREATE TABLE stores (id bigint PRIMARY KEY, lat double precision, lon double precision, geog geography(Point, 4326))")
        cur.execute("CREATE TABLE zones (id bigint PRIMARY KEY, store_id bigint NOT NULL, kind text NOT NULL, area geometry(MultiPolygon, 4326))")
        # The key comes after the load: built once from sorted rows, not row by row in the file's order.
        cur.execute("CREATE TABLE stock (store_id bigint NOT NULL, sku_id bigint NOT NULL, on_hand int NOT NULL)")
        started = time.perf_counter()
        with cur.copy("COPY stores (id, lat, lon) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, open(f"{folder}/stores.csv") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        cur.execute("UPDATE stores SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography")
        with cur.copy("COPY zones (id, store_id, kind, area) FROM STDIN WITH (FORMAT text, HEADER true)") as copy, open(f"{folder}/zones.csv") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        with cur.copy("COPY stock (store_id, sku_id, on_hand) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, open(f"{folder}/stock.csv") as f:
            while chunk := f.read(1 << 22):
                copy.write(chunk)
        cur.execute("ALTER TABLE stock ADD PRIMARY KEY (sku_id, store_id)")
        cur.execute("CREATE INDEX stores_geog ON stores USING gist (geog)")
        cur.execute("CREATE INDEX zones_area ON zones USING gist (area)")
        cur.execute("CREATE INDEX zones_store ON zones (store_id, kind)")
        cur.execute("ANALYZE")
        conn.commit()
        return time.perf_counter() - started


conn = psycopg.connect(dsn, autocommit=False)
load_s = load(conn)
conn.autocommit = True
queries, expected = read_queries(folder), read_o2o(folder)
with conn.cursor() as cursor:
    def run(sql, q):
        # psycopg prepares the statement on the server at its first use.
        cursor.execute(sql, {"lon": q["lon"], "lat": q["lat"], "sku": q["sku"]}, prepare=True)
        return cursor.fetchall()
    results, best = time_shapes("postgis", SHAPES, queries, expected, run)
# The server's own execution time of the kept shape (no client, no loopback): EXPLAIN ANALYZE's
# "Execution Time", timing per node off so it adds little.
server = []
with conn.cursor() as cur:
    for q in queries:
        cur.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + SHAPES[best], {"lon": q["lon"], "lat": q["lat"], "sku": q["sku"]})
        server.append(cur.fetchone()[0][0]["Execution Time"] * 1000)
server.sort()
results[best]["server_p50_us"] = server[len(server) // 2]
results[best]["server_p99_us"] = server[int(len(server) * 0.99)]
print(f"postgis {best} on the server: p50 {server[len(server) // 2]:.0f} µs, p99 {server[int(len(server) * 0.99)]:.0f} µs", file=sys.stderr)
q = queries[0]
with conn.cursor() as cur:
    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + SHAPES[best], {"lon": q["lon"], "lat": q["lat"], "sku": q["sku"]})
    plan = "\n".join(r[0] for r in cur.fetchall())
    cur.execute("SELECT version(), postgis_full_version()")
    version = cur.fetchone()
with open(f"{folder}/postgis-plan.txt", "w") as f:
    f.write(f"-- shape: {best}\n{SHAPES[best].strip()}\n\n{plan}\n")
json.dump({"system": "postgis", "shape": best, "shapes": results, "load_s": load_s, "version": version[0],
           "postgis": (re.search(r'POSTGIS="([^ "]+)', version[1] or "") or [None, ""])[1], **results[best]},
          open(f"{folder}/postgis-timing.json", "w"), indent=1, sort_keys=True)
sys.exit(0 if results[best]["mismatches"] == 0 else 1)
