import Foundation
import Testing
@testable import GeoCore

@Suite("Rings, polygons and GeoJSON")
struct GeometryTests {
    static let square: [Coordinate] = [
        Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 0, longitude: 10),
        Coordinate(latitude: 10, longitude: 10), Coordinate(latitude: 10, longitude: 0),
        Coordinate(latitude: 0, longitude: 0),
    ]

    @Test("a ring must be closed and have four positions")
    func ringRules() throws {
        #expect(throws: GeoError.self) { try LinearRing(Array(Self.square.dropLast())) }
        #expect(throws: GeoError.self) { try LinearRing([Self.square[0], Self.square[1], Self.square[0]]) }
        _ = try LinearRing(Self.square)
    }

    @Test("point in polygon with a hole")
    func polygonWithHole() throws {
        let hole = try LinearRing([
            Coordinate(latitude: 4, longitude: 4), Coordinate(latitude: 6, longitude: 4),
            Coordinate(latitude: 6, longitude: 6), Coordinate(latitude: 4, longitude: 6),
            Coordinate(latitude: 4, longitude: 4),
        ])
        let polygon = Polygon(exterior: try LinearRing(Self.square), holes: [hole])
        #expect(polygon.contains(Coordinate(latitude: 2, longitude: 2)))
        #expect(!polygon.contains(Coordinate(latitude: 5, longitude: 5)))
        #expect(!polygon.contains(Coordinate(latitude: 11, longitude: 5)))
        #expect(!polygon.contains(Coordinate(latitude: -1, longitude: 5)))
    }

    @Test("a circle polygon holds points inside its radius and not outside")
    func circle() {
        let center = Coordinate(latitude: 41.15, longitude: -8.61)
        let circle = Polygon.circle(center: center, radius: 2000, segments: 64)
        #expect(circle.exterior.coordinates.count == 65)
        #expect(circle.exterior.signedDoubleArea > 0, "counter-clockwise, as RFC 7946 asks")
        for bearing in stride(from: 0.0, to: 360, by: 7) {
            #expect(circle.contains(center.destination(distance: 1990, bearing: bearing)))
            #expect(!circle.contains(center.destination(distance: 2010, bearing: bearing)))
        }
    }

    @Test("GeoJSON round trip keeps longitude first")
    func geoJSONRoundTrip() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"fee_cents":199},"geometry":{"type":"Polygon","coordinates":[[[-8.62,41.14],[-8.60,41.14],[-8.60,41.16],[-8.62,41.16],[-8.62,41.14]]]}}]}"#
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let collection = try GeoJSONFeatureCollection(json: json)
        guard case .polygon(let p) = collection.features[0].geometry else { Issue.record("not a polygon"); return }
        #expect(p.exterior.coordinates[0] == Coordinate(latitude: 41.14, longitude: -8.62))
        #expect(collection.features[0].properties["fee_cents"] == .number(199))
        let again = try GeoJSONFeatureCollection(json: collection.json)
        #expect(again == collection)
    }

    @Test("malformed GeoJSON names the member at fault")
    func malformed() throws {
        func error(_ text: String) -> GeoError? {
            guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
            do { _ = try GeoJSONFeatureCollection(json: json); return nil } catch { return error }
        }
        #expect(error(#"{"type":"Feature"}"#)?.field == "type")
        #expect(error(#"{"type":"FeatureCollection"}"#)?.field == "features")
        #expect(error(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}"#)?.field
                == "features[0].geometry.coordinates[0]")
        #expect(error(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}}]}"#)?.field
                == "features[0].geometry.coordinates[0][2]")
        #expect(error(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#)?.field
                == "features[0].geometry.type")
    }
}
