"""Turns an osmium GeoJSON-sequence export into the web console's base map.

Each feature keeps one property, `layer`: water, park, building, or a road class (major, minor,
path). Areas keep their polygons and roads their lines (a closed way that osmium exports both ways
is kept once, as the right kind). Lines and rings are simplified (Douglas-Peucker, about a metre)
and coordinates rounded to 5 decimals (about a metre), so the file stays small enough to fetch
on a phone.
"""
import json
import math
import sys

MAJOR = {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
         "secondary", "secondary_link", "tertiary", "tertiary_link"}
MINOR = {"residential", "unclassified", "living_street", "service", "pedestrian", "road"}
PATH = {"footway", "steps", "path", "cycleway", "track"}
TOLERANCE_M = 1.0


def layer(props, geometry_type):
    area = geometry_type in ("Polygon", "MultiPolygon")
    if props.get("natural") == "water" or props.get("waterway") == "riverbank":
        return "water" if area else None
    if props.get("waterway") == "river":
        return None if area else "river"
    if "building" in props:
        return "building" if area else None
    if props.get("landuse") in ("grass", "forest", "meadow", "recreation_ground") or props.get("leisure") in ("park", "garden"):
        return "park" if area else None
    highway = props.get("highway")
    if highway and not area:
        if highway in MAJOR:
            return "major"
        if highway in MINOR:
            return "minor"
        if highway in PATH:
            return "path"
    return None


def simplify(points, kx, ky):
    """Douglas-Peucker in a local metric plane; keeps the first and last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        ax, ay = points[a][0] * kx, points[a][1] * ky
        bx, by = points[b][0] * kx, points[b][1] * ky
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i][0] * kx, points[i][1] * ky
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm > 0 else math.hypot(px - ax, py - ay)
            if d > worst:
                worst, index = d, i
        if worst > TOLERANCE_M:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep) if k]


def rounded(points):
    out = []
    for x, y in points:
        p = [round(x, 5), round(y, 5)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def main(source, target):
    features = []
    for line in open(source, encoding="utf-8"):
        f = json.loads(line.strip("\x1e"))
        g = f["geometry"]
        name = layer(f["properties"], g["type"])
        if name is None:
            continue
        if g["type"] == "LineString":
            lat0 = g["coordinates"][0][1]
            kx, ky = 111_320 * math.cos(math.radians(lat0)), 110_540
            line_points = rounded(simplify(g["coordinates"], kx, ky))
            if len(line_points) < 2:
                continue
            geometry = {"type": "LineString", "coordinates": line_points}
        else:
            polygons = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            lat0 = polygons[0][0][0][1]
            kx, ky = 111_320 * math.cos(math.radians(lat0)), 110_540
            kept = []
            for polygon in polygons:
                rings = [rounded(simplify(ring, kx, ky)) for ring in polygon]
                rings = [r for r in rings if len(r) >= 4]
                if rings and len(rings[0]) >= 4:
                    kept.append(rings)
            if not kept:
                continue
            geometry = {"type": "MultiPolygon", "coordinates": kept} if len(kept) > 1 else {"type": "Polygon", "coordinates": kept[0]}
        features.append({"type": "Feature", "properties": {"layer": name}, "geometry": geometry})
    order = {"water": 0, "river": 1, "park": 2, "building": 3, "path": 4, "minor": 5, "major": 6}
    features.sort(key=lambda f: order[f["properties"]["layer"]])
    collection = {"type": "FeatureCollection",
                  "attribution": "© OpenStreetMap contributors, ODbL 1.0",
                  "features": features}
    with open(target, "w", encoding="utf-8") as out:
        json.dump(collection, out, separators=(",", ":"))
        out.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
