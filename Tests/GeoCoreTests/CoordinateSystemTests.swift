import Foundation
import Testing
import TestRandom
@testable import GeoCore

@Suite("GCJ-02 and BD-09 to WGS84")
struct CoordinateSystemTests {
    /// Published values of the Krasovsky-constant transforms (the wandergis coordtransform
    /// library's test: Tiananmen, 116.404 E 39.915 N).
    @Test("the forward transforms give the published values")
    func published() {
        let p = Coordinate(latitude: 39.915, longitude: 116.404)
        let gcj = CoordinateSystem.gcj02.fromWGS84(p)
        #expect(abs(gcj.longitude - 116.41024449916938) < 1e-11 && abs(gcj.latitude - 39.91640428150164) < 1e-11)
        let bd = ChineseDatum.gcj02ToBD09(p)
        #expect(abs(bd.longitude - 116.41036949371029) < 1e-11 && abs(bd.latitude - 39.92133699351021) < 1e-11)
        // The closed-form inverses others publish are approximate; ours lands within a metre of them.
        let wgs = CoordinateSystem.gcj02.toWGS84(p)
        #expect(wgs.distance(to: Coordinate(latitude: 39.91359571849836, longitude: 116.39775550083061)) < 1)
        let back = ChineseDatum.bd09ToGCJ02(p)
        #expect(back.distance(to: Coordinate(latitude: 39.90865673957631, longitude: 116.39762729119315)) < 1)
    }

    @Test("converting to WGS84 inverts the forward transform to under a centimetre across China")
    func roundTrip() {
        var rng = SeededRandom(seed: 86)
        for _ in 0..<5_000 {
            let p = Coordinate(latitude: Double.random(in: 18...53, using: &rng), longitude: Double.random(in: 74...134, using: &rng))
            for system in [CoordinateSystem.gcj02, .bd09] {
                let shown = system.fromWGS84(p)
                // The offsets are real: tens to hundreds of metres (BD-09 adds about a kilometre).
                #expect(shown.distance(to: p) > 10 && shown.distance(to: p) < 2_000)
                #expect(system.toWGS84(shown).distance(to: p) < 0.01)
            }
        }
    }

    @Test("outside China GCJ-02 is WGS84; WGS84 is left as it is")
    func outside() {
        let porto = Coordinate(latitude: 41.1579, longitude: -8.6291)
        #expect(CoordinateSystem.gcj02.toWGS84(porto) == porto)
        #expect(CoordinateSystem.wgs84.toWGS84(porto) == porto)
        #expect(CoordinateSystem.wgs84.fromWGS84(porto) == porto)
    }
}
