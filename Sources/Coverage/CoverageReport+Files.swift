import Foundation
import GeoCore

/// The report as files: JSON, CSV, GeoJSON layers and a self-contained HTML page with an SVG map.
extension CoverageReport {
    /// Demand layers and the SVG draw at most this many points (a sample beyond it).
    public static let maximumMapPoints = 20_000

    public static func format(_ x: Double, _ digits: Int = 2) -> String {
        guard x.isFinite else { return "" }
        let s = String(format: "%.\(digits)f", x)
        return s == "-0.00" || s == "-0.0" || s == "-0" ? String(s.dropFirst()) : s
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    var results: [CoverageResult] { [baseline] + scenarios }

    /// The headline figures as JSON values, by key.
    func headlineJSON(_ r: CoverageResult) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: headlines.map { ($0.key, JSONValue.number(($0.value(r) * 1e4).rounded() / 1e4)) }))
    }

    /// `report.json`: the headline figures of every result and the deltas against the baseline,
    /// then the baseline's stores, zones, overlaps, reach and gaps.
    public var json: JSONValue {
        func result(_ r: CoverageResult, detail: Bool) -> JSONValue {
            var o: [String: JSONValue] = [
                "name": .string(r.name), "headline": headlineJSON(r), "crs": .string(r.areas.crs),
                "demand_weight": .number(r.metrics.totalWeight), "demand_points": .number(Double(r.metrics.points)),
                "covered_weight": .number(r.metrics.covered), "covered_twice_weight": .number(r.metrics.coveredTwice),
                "covered_points": .number(Double(r.metrics.coveredPoints)), "covered_twice_points": .number(Double(r.metrics.coveredTwicePoints)),
            ]
            if r.name != baseline.name {
                o["delta"] = .object(Dictionary(uniqueKeysWithValues: headlines.map { h in
                    (h.key, JSONValue.number(((h.value(r) - h.value(baseline)) * 1e4).rounded() / 1e4))
                }))
            }
            guard detail else { return .object(o) }
            o["stores"] = .array(r.metrics.stores.map { s in
                .object(["id": .number(Double(s.id)), "name": .string(s.name), "reachable": .number(s.reachable), "served": .number(s.served),
                         "exclusive": .number(s.exclusive), "service_km2": .number((r.areas.storeKm2[s.id] ?? 0) * 1e4 / 1e4),
                         "zones": .object(Dictionary(uniqueKeysWithValues: s.zones.map { (String($0.key), JSONValue.number($0.value)) }))])
            })
            o["overlaps"] = .array(r.metrics.overlaps.prefix(100).map { v in
                .object(["store_a": .number(Double(v.storeA)), "store_b": .number(Double(v.storeB)), "shared": .number(v.shared)])
            })
            o["reach"] = .array(r.metrics.reach.map { x in
                .object(["vehicle": .string(x.vehicle.rawValue), "minutes": .number(x.minutes), "weight": .number(x.weight), "share": .number(x.share)])
            })
            o["gaps"] = .array(r.gaps.map { g in
                .object(["weight": .number(g.weight), "points": .number(Double(g.points)), "cells": .number(Double(g.cells)),
                         "area_km2": .number(g.areaKm2)])
            })
            return .object(o)
        }
        return .object([
            "city": .string(city), "demand": .string(demand.name), "minutes": .array(minutes.map(JSONValue.number)),
            "vehicles": .array(vehicles.map { .string($0.rawValue) }), "gap_cell_m": .number(cellMeters),
            "headlines": .array(headlines.map { .object(["key": .string($0.key), "label": .string($0.label), "unit": .string($0.unit)]) }),
            "baseline": result(baseline, detail: true),
            "scenarios": .array(scenarios.map { result($0, detail: true) }),
        ])
    }

    /// `summary.csv`: one row per headline, the baseline and each scenario with its delta.
    public var summaryCSV: String {
        var header = ["metric", "unit", "baseline"]
        for s in scenarios { header += [Self.csvField(s.name), Self.csvField("Δ " + s.name)] }
        var lines = [header.joined(separator: ",")]
        for h in headlines {
            var row = [Self.csvField(h.label), h.unit, Self.format(h.value(baseline))]
            for s in scenarios { row += [Self.format(h.value(s)), Self.format(h.value(s) - h.value(baseline))] }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `stores.csv`: every store of every result.
    public var storesCSV: String {
        var lines = ["scenario,store_id,name,reachable,served,exclusive,service_km2"]
        for r in results {
            for s in r.metrics.stores {
                lines.append([Self.csvField(r.name), String(s.id), Self.csvField(s.name), Self.format(s.reachable), Self.format(s.served),
                              Self.format(s.exclusive), Self.format(r.areas.storeKm2[s.id] ?? 0, 4)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `overlaps.csv`: the pairs of stores of the baseline that share the most demand.
    public var overlapsCSV: String {
        (["store_a,store_b,shared"] + baseline.metrics.overlaps.map { "\($0.storeA),\($0.storeB),\(Self.format($0.shared))" })
            .joined(separator: "\n") + "\n"
    }

    /// GeoJSON layers of a result: stores, zones, gaps, and demand (sampled past the limit).
    public func layers(_ r: CoverageResult) -> [String: JSONValue] {
        let stores = GeoJSONFeatureCollection(features: r.stores.map { s in
            let m = r.metrics.stores.first { $0.id == s.id }
            return GeoJSONFeature(geometry: .point(s.location), properties: [
                "id": .number(Double(s.id)), "name": .string(s.name), "reachable": .number(m?.reachable ?? 0),
                "served": .number(m?.served ?? 0), "service_km2": .number(r.areas.storeKm2[s.id] ?? 0)])
        })
        let zones = GeoJSONFeatureCollection(features: r.stores.flatMap { s in
            s.zones.map { z in
                GeoJSONFeature(geometry: .multiPolygon(z.area), properties: [
                    "id": .number(Double(z.id)), "store": .number(Double(s.id)), "kind": .string(z.kind.rawValue),
                    "fee_minor": .number(Double(z.feeMinor)), "promised_minutes": .number(Double(z.promisedMinutes)),
                    "demand": .number(r.metrics.stores.first { $0.id == s.id }?.zones[z.id] ?? 0),
                    "area_km2": .number(r.areas.zoneKm2[z.id] ?? 0)])
            }
        })
        let gaps = GeoJSONFeatureCollection(features: r.gaps.enumerated().map { i, g in
            GeoJSONFeature(geometry: .multiPolygon(g.area), properties: [
                "rank": .number(Double(i + 1)), "weight": .number(g.weight), "points": .number(Double(g.points)),
                "area_km2": .number(g.areaKm2)])
        })
        let demandLayer = GeoJSONFeatureCollection(features: sample(r).map { i in
            GeoJSONFeature(geometry: .point(demand.points[i].coordinate), properties: [
                "weight": .number(demand.points[i].weight), "stores": .number(Double(r.metrics.servingCount[i]))])
        })
        return ["stores": stores.json, "zones": zones.json, "gaps": gaps.json, "demand": demandLayer.json]
    }

    /// The demand points drawn: all of them, or an even sample past the limit.
    func sample(_ r: CoverageResult) -> [Int] {
        let n = demand.points.count
        guard n > Self.maximumMapPoints else { return Array(0..<n) }
        let step = Double(n) / Double(Self.maximumMapPoints)
        return (0..<Self.maximumMapPoints).map { Int(Double($0) * step) }
    }

    /// Every file of the report, by name.
    public func files() throws -> [String: Data] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var files: [String: Data] = [
            "report.json": try encoder.encode(json),
            "summary.csv": Data(summaryCSV.utf8),
            "stores.csv": Data(storesCSV.utf8),
            "overlaps.csv": Data(overlapsCSV.utf8),
            "report.html": Data(html.utf8),
        ]
        for r in results {
            let prefix = r.name == baseline.name ? "" : Self.slug(r.name) + "-"
            for (layer, value) in layers(r) { files["\(prefix)\(layer).geojson"] = try encoder.encode(value) }
        }
        return files
    }

    static func slug(_ s: String) -> String {
        let kept = s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let text = String(kept).split(separator: "-").joined(separator: "-")
        return text.isEmpty ? "scenario" : text
    }
}
