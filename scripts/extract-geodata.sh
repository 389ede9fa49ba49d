#!/usr/bin/env bash
# Derives the demo city's files in GeoData/porto from the shared OpenStreetMap extract.
# Needs osmium (Debian: osmium-tool). The outputs are committed; run this only to refresh them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${O2O_SHARED_DATA:-$here/../shared/data}
out=$here/GeoData/porto
mkdir -p "$out"
command -v osmium >/dev/null || { apt-get update -qq && apt-get install -y -qq osmium-tool; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# The shops, as extracted with the extract (osm_type,osm_id,name,shop,lat,lon,brand,opening_hours).
cp "$shared/osm/porto_osm_shops.csv" "$out/shops.csv"

# The centre line of the Douro (waterway=river, name=Rio Douro): the delivery-zone rule uses it
# to keep riders on their own bank.
osmium tags-filter "$shared/osm/porto_center_2020.osm.pbf" w/waterway=river -o "$tmp/river.osm.pbf" --overwrite
osmium export "$tmp/river.osm.pbf" -f geojsonseq --geometry-types=linestring -o "$tmp/river.geojsonseq" --overwrite
python3 - "$tmp/river.geojsonseq" "$out/douro.geojson" <<'PY'
import json, sys
features = []
for line in open(sys.argv[1], encoding="utf-8"):
    f = json.loads(line.strip("\x1e"))
    if f["properties"].get("name") == "Rio Douro":
        features.append({"type": "Feature", "properties": {"name": "Rio Douro", "source": "OpenStreetMap"},
                         "geometry": f["geometry"]})
json.dump({"type": "FeatureCollection", "features": features}, open(sys.argv[2], "w"), indent=1)
PY
# Homes: the residential buildings (building=residential, apartments, house, detached, terrace,
# semidetached_house) at the centroid of their footprint, with the footprint's area — demand
# points for the dispatch simulation and for coverage.
osmium tags-filter "$shared/osm/porto_center_2020.osm.pbf" \
    w/building=residential,apartments,house,detached,terrace,semidetached_house -o "$tmp/homes.osm.pbf" --overwrite
osmium export "$tmp/homes.osm.pbf" -f geojsonseq --geometry-types=polygon,multipolygon --add-unique-id=type_id \
    -o "$tmp/homes.geojsonseq" --overwrite
python3 - "$tmp/homes.geojsonseq" "$out/homes.csv" <<'PY'
import json, math, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    f = json.loads(line.strip("\x1e"))
    g = f["geometry"]
    ring = g["coordinates"][0] if g["type"] == "Polygon" else g["coordinates"][0][0]
    # Area-weighted centroid and area of the outer ring, in a local equirectangular plane.
    lat0 = sum(p[1] for p in ring) / len(ring)
    kx, ky = 111_320 * math.cos(math.radians(lat0)), 110_540
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        c = x1 * y2 - x2 * y1
        a += c; cx += (x1 + x2) * c; cy += (y1 + y2) * c
    if a == 0:
        continue
    cx /= 3 * a; cy /= 3 * a
    rows.append((f["id"][1:], f["properties"].get("building", ""), round(cy, 7), round(cx, 7), round(abs(a) / 2 * kx * ky, 1)))
rows.sort(key=lambda r: int(r[0]))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("osm_way_id,building,lat,lon,area_m2\n")
    for r in rows:
        out.write(",".join(map(str, r)) + "\n")
PY
# The base map the web console draws (no tile server is reachable): water, parks, roads and
# buildings of the same extract as GeoJSON, simplified to about a metre and rounded to 5 decimals,
# gzipped (o2o serves it as it is, with Content-Encoding: gzip).
osmium tags-filter "$shared/osm/porto_center_2020.osm.pbf" w/highway w/building nwr/natural=water nwr/waterway=riverbank,river \
    nwr/landuse=grass,forest,meadow,recreation_ground nwr/leisure=park,garden -o "$tmp/base.osm.pbf" --overwrite
osmium export "$tmp/base.osm.pbf" -f geojsonseq --geometry-types=linestring,polygon,multipolygon -o "$tmp/base.geojsonseq" --overwrite
python3 "$here/scripts/basemap.py" "$tmp/base.geojsonseq" "$tmp/basemap.geojson"
gzip -n -9 -c "$tmp/basemap.geojson" > "$out/basemap.geojson.gz"
# Helsinki: the shops of the centre and HSY's 250 m population grid, for coverage planning.
mkdir -p "$here/GeoData/helsinki"
cp "$shared/osm/helsinki_osm_shops.csv" "$here/GeoData/helsinki/shops.csv"
cp "$shared/population/helsinki_population_grid_2020.csv" "$here/GeoData/helsinki/population-grid-2020.csv"
# The Li & Lim pickup-and-delivery instances (100 customers) with their best known solutions.
mkdir -p "$here/GeoData/vrp/lilim100"
cp "$shared/vrp/lilim100/"*.txt "$shared/vrp/lilim100/bks.csv" "$here/GeoData/vrp/lilim100/"
# The 300 most populous cities of GeoNames, for the national-scale synthetic data set.
mkdir -p "$here/GeoData/geonames"
python3 - "$shared/population/geonames_cities15000.csv" "$here/GeoData/geonames/cities-top300.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
rows.sort(key=lambda r: (-int(r["population"]), int(r["geonameid"])))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(rows[:300])
PY
echo "wrote $out/shops.csv, $out/douro.geojson, $out/homes.csv, $out/basemap.geojson.gz, GeoData/helsinki, GeoData/vrp/lilim100 and GeoData/geonames/cities-top300.csv"
