import Foundation

/// The datum a coordinate was given in. Chinese map SDKs return positions offset from WGS84:
/// GCJ-02 ("Mars coordinates", the state's obfuscation, required of maps published in China)
/// and BD-09 (Baidu's further offset of GCJ-02). o2o stores and computes in WGS84 only, so
/// positions in the other two are converted on the way in.
public enum CoordinateSystem: String, Hashable, Sendable, CaseIterable, Codable {
    case wgs84
    case gcj02
    case bd09

    /// The WGS84 position of a coordinate given in this system. GCJ-02 and BD-09 have no
    /// closed-form inverse: the forward transform is iterated until it lands on the given
    /// position to within 1e-9 degrees (about a tenth of a millimetre), far under a metre.
    public func toWGS84(_ c: Coordinate) -> Coordinate {
        switch self {
        case .wgs84: return c
        case .gcj02: return ChineseDatum.gcj02ToWGS84(c)
        case .bd09: return ChineseDatum.gcj02ToWGS84(ChineseDatum.bd09ToGCJ02(c))
        }
    }

    /// The position in this system of a WGS84 coordinate (what a Chinese map SDK would show).
    public func fromWGS84(_ c: Coordinate) -> Coordinate {
        switch self {
        case .wgs84: return c
        case .gcj02: return ChineseDatum.wgs84ToGCJ02(c)
        case .bd09: return ChineseDatum.gcj02ToBD09(ChineseDatum.wgs84ToGCJ02(c))
        }
    }
}

/// The published GCJ-02 and BD-09 transforms (Krasovsky 1940 ellipsoid constants).
enum ChineseDatum {
    static let a = 6_378_245.0
    static let ee = 0.006_693_421_622_965_943_23
    static let xPi = Double.pi * 3000.0 / 180.0

    /// GCJ-02 applies inside mainland China only; elsewhere it equals WGS84.
    static func outsideChina(_ c: Coordinate) -> Bool {
        c.longitude < 72.004 || c.longitude > 137.8347 || c.latitude < 0.8293 || c.latitude > 55.8271
    }

    static func wgs84ToGCJ02(_ c: Coordinate) -> Coordinate {
        if outsideChina(c) { return c }
        let x = c.longitude - 105.0, y = c.latitude - 35.0
        var dLat = transformLatitude(x, y), dLon = transformLongitude(x, y)
        let radLat = c.latitude / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return Coordinate(latitude: c.latitude + dLat, longitude: c.longitude + dLon)
    }

    static func gcj02ToWGS84(_ g: Coordinate) -> Coordinate {
        invert(g, forward: wgs84ToGCJ02)
    }

    static func gcj02ToBD09(_ g: Coordinate) -> Coordinate {
        let x = g.longitude, y = g.latitude
        let z = (x * x + y * y).squareRoot() + 0.000_02 * sin(y * xPi)
        let theta = atan2(y, x) + 0.000_003 * cos(x * xPi)
        return Coordinate(latitude: z * sin(theta) + 0.006, longitude: z * cos(theta) + 0.0065)
    }

    static func bd09ToGCJ02(_ b: Coordinate) -> Coordinate {
        invert(b, forward: gcj02ToBD09)
    }

    /// The point whose `forward` image is `target`: fixed-point steps, each moving the guess by
    /// the miss (the transforms shift by under a kilometre and vary slowly, so this converges in
    /// a few steps).
    static func invert(_ target: Coordinate, forward: (Coordinate) -> Coordinate) -> Coordinate {
        var guess = target
        for _ in 0..<50 {
            let image = forward(guess)
            let dLat = target.latitude - image.latitude, dLon = target.longitude - image.longitude
            guess = Coordinate(latitude: guess.latitude + dLat, longitude: guess.longitude + dLon)
            if abs(dLat) < 1e-10, abs(dLon) < 1e-10 { break }
        }
        return guess
    }

    static func transformLatitude(_ x: Double, _ y: Double) -> Double {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        r += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        return r
    }

    static func transformLongitude(_ x: Double, _ y: Double) -> Double {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        r += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        return r
    }
}
