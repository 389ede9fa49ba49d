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
echo "wrote $out/shops.csv, $out/douro.geojson and GeoData/geonames/cities-top300.csv"
