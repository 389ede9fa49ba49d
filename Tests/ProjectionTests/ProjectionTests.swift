import Foundation
import Testing
import GeoCore
@testable import Projection

@Suite("PROJ metric projection")
struct ProjectionTests {
    @Test("Porto is in UTM zone 29N, Shanghai in 51N, Sydney in 56S")
    func utmZones() {
        #expect(MetricProjection.utmCRS(for: Coordinate(latitude: 41.15, longitude: -8.61)) == "EPSG:32629")
        #expect(MetricProjection.utmCRS(for: Coordinate(latitude: 31.23, longitude: 121.47)) == "EPSG:32651")
        #expect(MetricProjection.utmCRS(for: Coordinate(latitude: -33.87, longitude: 151.21)) == "EPSG:32756")
    }

    @Test("forward then inverse returns the point, longitude first")
    func roundTrip() throws {
        let p = Coordinate(latitude: 41.1496, longitude: -8.6109)
        let utm = try MetricProjection.utm(around: p)
        let (x, y) = utm.forward(p)
        // Porto's Avenida dos Aliados is about 532,000 E, 4,555,000 N in zone 29.
        #expect(abs(x - 532_000) < 2_000)
        #expect(abs(y - 4_555_000) < 5_000)
        let back = utm.inverse(x: x, y: y)
        #expect(abs(back.latitude - p.latitude) < 1e-9 && abs(back.longitude - p.longitude) < 1e-9)
    }

    @Test("the area of a 1 km geodesic circle is close to π km²")
    func area() throws {
        let center = Coordinate(latitude: 41.15, longitude: -8.61)
        let circle = Polygon.circle(center: center, radius: 1000, segments: 256)
        let area = try MetricProjection.utm(around: center).area(of: circle)
        #expect(abs(area - .pi * 1_000_000) / (.pi * 1_000_000) < 0.002)
    }

    @Test("an unknown CRS is refused")
    func unknown() {
        #expect(throws: MetricProjection.Error.self) { try MetricProjection(target: "EPSG:999999") }
    }
}
