import Foundation
import GeoCore

/// The report as one HTML page that opens offline: inline CSS and SVG, no scripts, no fonts,
/// no tiles.
extension CoverageReport {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A flat plane around the demand's centre (equirectangular, scaled by the cosine of the
    /// latitude): good for a city-sized picture; areas come from PROJ, not from this.
    struct Plane {
        let minX: Double, maxY: Double, scale: Double, width: Double, height: Double
        let cosLat: Double

        init(_ box: BoundingBox, width: Double = 900) {
            cosLat = cos((box.southWest.latitude + box.northEast.latitude) / 2 * .pi / 180)
            minX = box.southWest.longitude * cosLat
            maxY = box.northEast.latitude
            let w = max((box.northEast.longitude - box.southWest.longitude) * cosLat, 1e-9)
            let h = max(box.northEast.latitude - box.southWest.latitude, 1e-9)
            scale = width / w
            self.width = width
            height = (h * scale).rounded()
        }

        func xy(_ c: Coordinate) -> (Double, Double) { ((c.longitude * cosLat - minX) * scale, (maxY - c.latitude) * scale) }

        func path(_ area: MultiPolygon) -> String {
            area.polygons.flatMap { $0.rings }.map { ring in
                ring.coordinates.enumerated().map { i, c in
                    let (x, y) = xy(c)
                    return (i == 0 ? "M" : "L") + String(format: "%.1f %.1f", x, y)
                }.joined() + "Z"
            }.joined()
        }
    }

    func svg(_ r: CoverageResult) -> String {
        var points = demand.points.map(\.coordinate)
        points += r.stores.map(\.location)
        var box = BoundingBox(enclosing: points)!
        // A margin of 3 % each side.
        let dLat = (box.northEast.latitude - box.southWest.latitude) * 0.03 + 1e-4
        let dLon = (box.northEast.longitude - box.southWest.longitude) * 0.03 + 1e-4
        box = BoundingBox(southWest: Coordinate(latitude: box.southWest.latitude - dLat, longitude: box.southWest.longitude - dLon),
                          northEast: Coordinate(latitude: box.northEast.latitude + dLat, longitude: box.northEast.longitude + dLon))
        let plane = Plane(box)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(plane.width)) \(Int(plane.height))\" role=\"img\" aria-label=\"coverage map of \(Self.escape(r.name))\">"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f2\"/>"
        out += "<g fill=\"#2563eb\" fill-opacity=\"0.04\" stroke=\"#2563eb\" stroke-opacity=\"0.35\" stroke-width=\"0.6\">"
        for s in r.stores { for z in s.zones where z.kind == .delivery { out += "<path d=\"\(plane.path(z.area))\"/>" } }
        out += "</g><g fill=\"#dc2626\" fill-opacity=\"0.03\" stroke=\"#dc2626\" stroke-dasharray=\"3 2\" stroke-width=\"0.6\">"
        for s in r.stores { for z in s.zones where z.kind == .exclusion { out += "<path d=\"\(plane.path(z.area))\"/>" } }
        out += "</g><g stroke=\"none\">"
        let maxWeight = max(demand.points.map(\.weight).max() ?? 1, 1e-9)
        for i in sample(r) {
            let p = demand.points[i], (x, y) = plane.xy(p.coordinate)
            let n = r.metrics.servingCount[i]
            let colour = n == 0 ? "#d62728" : (n == 1 ? "#f59e0b" : "#16a34a")
            let radius = 1.2 + 3.5 * (p.weight / maxWeight).squareRoot()
            out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" fill-opacity=\"0.75\"/>", x, y, radius, colour)
        }
        out += "</g><g fill=\"none\" stroke=\"#111\" stroke-width=\"1.4\" stroke-dasharray=\"5 3\">"
        for g in r.gaps { out += "<path d=\"\(plane.path(g.area))\"/>" }
        out += "</g><g fill=\"#111\">"
        for s in r.stores {
            let (x, y) = plane.xy(s.location)
            out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\"><title>%@</title></circle>", x, y, Self.escape(s.name))
        }
        out += "</g></svg>"
        return out
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><thead><tr>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }

    public var html: String {
        var body = "<h1>Coverage of \(Self.escape(city))</h1>"
        body += "<p>Demand: \(Self.escape(demand.name)), \(demand.points.count) points, total weight \(Self.format(demand.totalWeight, 0)). "
        body += "Areas in \(Self.escape(baseline.areas.crs)); gaps are uncovered demand in \(Int(cellMeters)) m cells, merged where they touch.</p>"
        var header = ["", "baseline"]
        for s in scenarios { header += [s.name, "Δ"] }
        body += "<h2>Headline figures</h2>" + table(header, headlines.map { h in
            var row = [h.label + (h.unit.isEmpty ? "" : " (\(h.unit))"), Self.format(h.value(baseline))]
            for s in scenarios { row += [Self.format(h.value(s)), Self.format(h.value(s) - h.value(baseline))] }
            return row
        })
        for r in results {
            body += "<h2>Map: \(Self.escape(r.name))</h2><figure>" + svg(r)
            body += "<figcaption><span class=\"k\" style=\"background:#16a34a\"></span>≥ 2 stores <span class=\"k\" style=\"background:#f59e0b\"></span>1 store "
            body += "<span class=\"k\" style=\"background:#d62728\"></span>no store; blue: delivery zones; red dashes: exclusions; black dashes: gaps; dots: stores</figcaption></figure>"
        }
        let stores = baseline.metrics.stores.sorted { ($0.served, $1.id) > ($1.served, $0.id) }.prefix(25)
        body += "<h2>Stores serving the most demand (baseline)</h2>" + table(["store", "name", "reachable", "served", "exclusive", "service km²"], stores.map { s in
            [String(s.id), s.name, Self.format(s.reachable, 0), Self.format(s.served, 0), Self.format(s.exclusive, 0),
             Self.format(baseline.areas.storeKm2[s.id] ?? 0)]
        })
        body += "<h2>Largest overlaps (baseline)</h2>" + table(["store", "store", "shared demand"], baseline.metrics.overlaps.prefix(15).map {
            [String($0.storeA), String($0.storeB), Self.format($0.shared, 0)]
        })
        body += "<h2>Largest gaps (baseline)</h2>" + table(["rank", "uncovered demand", "points", "km²"], baseline.gaps.prefix(15).enumerated().map { i, g in
            [String(i + 1), Self.format(g.weight, 0), String(g.points), Self.format(g.areaKm2)]
        })
        let style = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;padding:0 12px;color:#1f2937}
            table{border-collapse:collapse;margin:8px 0 20px;width:100%}th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left}svg{width:100%;height:auto;border:1px solid #d1d5db}
            .k{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 4px 0 12px}figcaption{color:#4b5563;margin-top:4px}
            """
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>Coverage of \(Self.escape(city))</title><style>\(style)</style></head><body>\(body)</body></html>\n"
    }
}
