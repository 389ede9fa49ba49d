import Foundation
import GeoCore

/// Well-known binary (OGC Simple Features) for the geometry o2o stores: exact in both
/// directions, unlike text with a fixed number of decimals.
enum WKB {
    static func point(_ c: Coordinate) -> Data {
        var out = Data(capacity: 21)
        out.append(1)
        append(UInt32(1), to: &out)
        append(c.longitude, to: &out); append(c.latitude, to: &out)
        return out
    }

    static func multiPolygon(_ m: MultiPolygon) -> Data {
        var out = Data()
        out.append(1)
        append(UInt32(6), to: &out)
        append(UInt32(m.polygons.count), to: &out)
        for polygon in m.polygons {
            out.append(1)
            append(UInt32(3), to: &out)
            append(UInt32(polygon.rings.count), to: &out)
            for ring in polygon.rings {
                append(UInt32(ring.coordinates.count), to: &out)
                for c in ring.coordinates { append(c.longitude, to: &out); append(c.latitude, to: &out) }
            }
        }
        return out
    }

    private static func append(_ v: UInt32, to out: inout Data) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func append(_ v: Double, to out: inout Data) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var littleEndian = true

        init(_ data: Data) { bytes = [UInt8](data) }

        mutating func byteOrder() throws {
            guard offset < bytes.count else { throw WKBError.truncated }
            littleEndian = bytes[offset] == 1
            offset += 1
        }

        mutating func uint32() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw WKBError.truncated }
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * (littleEndian ? i : 3 - i)) }
            offset += 4
            return v
        }

        mutating func double() throws -> Double {
            guard offset + 8 <= bytes.count else { throw WKBError.truncated }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * (littleEndian ? i : 7 - i)) }
            offset += 8
            return Double(bitPattern: v)
        }

        mutating func polygonBody() throws -> Polygon {
            var rings: [LinearRing] = []
            for _ in 0..<(try uint32()) {
                var coordinates: [Coordinate] = []
                for _ in 0..<(try uint32()) {
                    let x = try double(), y = try double()
                    coordinates.append(Coordinate(latitude: y, longitude: x))
                }
                rings.append(try LinearRing(coordinates))
            }
            guard let exterior = rings.first else { throw WKBError.unsupported("empty polygon") }
            return Polygon(exterior: exterior, holes: Array(rings.dropFirst()))
        }
    }

    enum WKBError: Error { case truncated, unsupported(String) }

    static func readPoint(_ data: Data) throws -> Coordinate {
        var r = Reader(data)
        try r.byteOrder()
        guard try r.uint32() == 1 else { throw WKBError.unsupported("not a point") }
        let x = try r.double(), y = try r.double()
        return Coordinate(latitude: y, longitude: x)
    }

    static func readMultiPolygon(_ data: Data) throws -> MultiPolygon {
        var r = Reader(data)
        try r.byteOrder()
        switch try r.uint32() {
        case 3:
            return MultiPolygon([try r.polygonBody()])
        case 6:
            var polygons: [Polygon] = []
            for _ in 0..<(try r.uint32()) {
                try r.byteOrder()
                guard try r.uint32() == 3 else { throw WKBError.unsupported("multipolygon member is not a polygon") }
                polygons.append(try r.polygonBody())
            }
            return MultiPolygon(polygons)
        case let t:
            throw WKBError.unsupported("geometry type \(t)")
        }
    }
}
