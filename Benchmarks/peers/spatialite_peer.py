"""SQLite + SpatiaLite on the data set PeerHarness wrote, in process (no server, no loopback):
load it into a database file, index it (R*Tree on the stores and on the zones, primary key on
stock), answer the same queries, time each, compare the answers with o2o's, and write
spatialite-timing.json and spatialite-plan.txt.

Run with the system's Python (Debian's is built with extension loading; a pyenv build may not be).

usage: spatialite_peer.py DATABASE DIR
"""
import csv
import json
import sqlite3
import sys
import time

from peer_common import read_o2o, read_queries, time_shapes

database, folder = sys.argv[1], sys.argv[2]

# Haversine metres on the same sphere as o2o's (mean Earth radius 6,371,008.8 m), in SQL.
HAVERSINE = """2 * 6371008.8 * Asin(Min(1, Sqrt(
      Sin(Radians(s.lat - :lat) / 2) * Sin(Radians(s.lat - :lat) / 2)
      + Cos(Radians(:lat)) * Cos(Radians(s.lat)) * Sin(Radians(s.lon - :lon) / 2) * Sin(Radians(s.lon - :lon) / 2))))"""

# After the zone's bounding box: the exact zone test, the stock, no exclusion, the ten nearest.
CHECKS = """AND ST_Contains(z.area, MakePoint(:lon, :lat, 4326))
          AND EXISTS (SELECT 1 FROM stock k WHERE k.sku_id = :sku AND k.store_id = s.id AND k.on_hand >= 1)
          AND NOT EXISTS (SELECT 1 FROM zones x WHERE x.store_id = s.id AND x.kind = 'exclusion'
                          AND ST_Contains(x.area, MakePoint(:lon, :lat, 4326)))
        GROUP BY s.id
        ORDER BY d, s.id
        LIMIT 10"""

# The query shapes tried; the fastest whose answers equal o2o's is kept. SpatiaLite 5.0 has no
# fast k-nearest (its KNN virtual table takes milliseconds), so both start from the zones.
SHAPES = {
    # The zones' R*Tree read directly: bounding boxes holding the point, then the exact test
    # (CROSS JOIN keeps SQLite from starting at the zones table).
    "rtree-zones": f"""
        SELECT s.id, {HAVERSINE} AS d
        FROM idx_zones_area r
        CROSS JOIN zones z ON z.id = r.pkid AND z.kind = 'delivery'
        CROSS JOIN stores s ON s.id = z.store_id
        WHERE r.xmin <= :lon AND r.xmax >= :lon AND r.ymin <= :lat AND r.ymax >= :lat
          {CHECKS}""",
    # The same through SpatiaLite's SpatialIndex virtual table, as its manual writes it.
    "spatialindex-zones": f"""
        SELECT s.id, {HAVERSINE} AS d
        FROM zones z
        JOIN stores s ON s.id = z.store_id
        WHERE z.kind = 'delivery'
          AND z.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'zones' AND f_geometry_column = 'area'
                          AND search_frame = MakePoint(:lon, :lat, 4326))
          {CHECKS}""",
}


def connect():
    conn = sqlite3.connect(database, isolation_level=None)
    conn.enable_load_extension(True)
    conn.load_extension("mod_spatialite")
    conn.execute("PRAGMA cache_size = -1048576")  # 1 GiB, as PostgreSQL's shared_buffers
    return conn


def batches(path, convert, delimiter=","):
    with open(path, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        next(reader)
        batch = []
        for row in reader:
            batch.append(convert(row))
            if len(batch) == 100_000:
                yield batch
                batch = []
        if batch:
            yield batch


def load(conn):
    started = time.perf_counter()
    # A read benchmark: the load need not be durable.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("SELECT InitSpatialMetadata(1)")  # outside a transaction
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE stores (id INTEGER PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL)")
    conn.execute("SELECT AddGeometryColumn('stores', 'location', 4326, 'POINT', 'XY')")
    conn.execute("CREATE TABLE zones (id INTEGER PRIMARY KEY, store_id INTEGER NOT NULL, kind TEXT NOT NULL)")
    conn.execute("SELECT AddGeometryColumn('zones', 'area', 4326, 'MULTIPOLYGON', 'XY')")
    # Keyed in the file's order (store, then SKU): at 100 million rows an insert out of key order
    # would take hours; a lookup by both columns finds the row either way.
    conn.execute("CREATE TABLE stock (store_id INTEGER NOT NULL, sku_id INTEGER NOT NULL, on_hand INTEGER NOT NULL,"
                 " PRIMARY KEY (store_id, sku_id)) WITHOUT ROWID")
    for batch in batches(f"{folder}/stores.csv", lambda r: (int(r[0]), float(r[1]), float(r[2]))):
        conn.executemany("INSERT INTO stores (id, lat, lon, location) VALUES (?, ?, ?, MakePoint(?3, ?2, 4326))", batch)
    for batch in batches(f"{folder}/zones.csv", lambda r: (int(r[0]), int(r[1]), r[2], r[3]), delimiter="\t"):
        conn.executemany("INSERT INTO zones (id, store_id, kind, area) VALUES (?, ?, ?, ST_GeomFromText(?, 4326))", batch)
    for batch in batches(f"{folder}/stock.csv", lambda r: (int(r[0]), int(r[1]), int(r[2]))):
        conn.executemany("INSERT INTO stock (store_id, sku_id, on_hand) VALUES (?, ?, ?)", batch)
    conn.execute("SELECT CreateSpatialIndex('stores', 'location')")
    conn.execute("SELECT CreateSpatialIndex('zones', 'area')")
    conn.execute("CREATE INDEX zones_store ON zones (store_id, kind)")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    return time.perf_counter() - started


conn = connect()
load_s = load(conn)
conn.close()
conn = connect()  # a fresh connection reads the statistics ANALYZE wrote
queries, expected = read_queries(folder), read_o2o(folder)
# sqlite3 keeps the prepared statements in its cache, as a service would.
results, best = time_shapes("spatialite", SHAPES, queries, expected, lambda sql, q: conn.execute(sql, q).fetchall())
plan = "\n".join(f"{r[0]}|{r[1]}|{r[3]}" for r in conn.execute("EXPLAIN QUERY PLAN " + SHAPES[best], queries[0]).fetchall())
versions = conn.execute("SELECT sqlite_version(), spatialite_version()").fetchone()
with open(f"{folder}/spatialite-plan.txt", "w") as f:
    f.write(f"-- shape: {best}\n{SHAPES[best].strip()}\n\n{plan}\n")
json.dump({"system": "spatialite", "shape": best, "shapes": results, "load_s": load_s, "sqlite": versions[0],
           "version": versions[1], **results[best]},
          open(f"{folder}/spatialite-timing.json", "w"), indent=1, sort_keys=True)
sys.exit(0 if results[best]["mismatches"] == 0 else 1)
