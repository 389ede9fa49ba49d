import Testing
@testable import GeoCore

@Suite("Haversine distance and boxes")
struct DistanceTests {
    @Test("Porto Trindade to São Bento is about 620 m")
    func portoDistance() {
        let trindade = Coordinate(latitude: 41.1526, longitude: -8.6090)
        let saoBento = Coordinate(latitude: 41.1456, longitude: -8.6106)
        let d = trindade.distance(to: saoBento)
        // 0.0070° of latitude ≈ 778 m, 0.0016° of longitude at 41° ≈ 134 m → ≈ 789 m.
        #expect(abs(d - 789.6) < 2)
    }

    @Test("one degree of latitude is πR/180 on the mean sphere")
    func degreeOfLatitude() {
        let d = Coordinate(latitude: 0, longitude: 0).distance(to: Coordinate(latitude: 1, longitude: 0))
        #expect(abs(d - earthMeanRadius * .pi / 180) < 1e-6)
    }

    @Test("London to Paris is 343.9 km on the mean sphere")
    func londonParis() {
        let london = Coordinate(latitude: 51.5074, longitude: -0.1278)
        let paris = Coordinate(latitude: 48.8566, longitude: 2.3522)
        #expect(abs(london.distance(to: paris) / 1000 - 343.9) < 0.5)
    }

    @Test("antipodes are half the circumference apart")
    func antipodes() {
        let d = Coordinate(latitude: 10, longitude: 20).distance(to: Coordinate(latitude: -10, longitude: -160))
        #expect(abs(d - .pi * earthMeanRadius) < 1, "asin near 1 costs some precision")
    }

    @Test("destination travels the distance it is given")
    func destinationRoundTrip() {
        let start = Coordinate(latitude: 41.15, longitude: -8.61)
        for bearing in stride(from: 0.0, to: 360, by: 30) {
            let end = start.destination(distance: 1500, bearing: bearing)
            #expect(abs(start.distance(to: end) - 1500) < 1e-6)
        }
    }

    @Test("the box around a circle holds every point of it, also near the pole")
    func boxAroundCircle() {
        for center in [Coordinate(latitude: 41.15, longitude: -8.61), Coordinate(latitude: 80, longitude: 179.9),
                       Coordinate(latitude: -60, longitude: 0)] {
            let box = BoundingBox(around: center, radius: 5000)
            for bearing in stride(from: 0.0, to: 360, by: 5) {
                let p = center.destination(distance: 4999, bearing: bearing)
                if p.longitude * center.longitude >= 0 || abs(center.longitude) < 170 {
                    #expect(box.contains(p), "box misses \(p) around \(center)")
                }
            }
        }
    }

    @Test("validation refuses NaN, infinity and out-of-range values, naming the field")
    func validation() {
        #expect(throws: GeoError.self) { try Coordinate.validated(latitude: .nan, longitude: 0) }
        #expect(throws: GeoError.self) { try Coordinate.validated(latitude: 0, longitude: .infinity) }
        #expect(throws: GeoError.self) { try Coordinate.validated(latitude: 90.0001, longitude: 0) }
        #expect(throws: GeoError.self) { try Coordinate.validated(latitude: 0, longitude: -180.5) }
        do {
            _ = try Coordinate.validated(latitude: 0, longitude: 200)
            Issue.record("accepted longitude 200")
        } catch {
            #expect(error.field == "lon")
        }
        #expect((try? Coordinate.validated(latitude: -90, longitude: 180)) != nil)
    }
}
