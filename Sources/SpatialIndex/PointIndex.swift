import Foundation
import GeoCore

/// A static KD-tree over points on the sphere, in the manner of kdbush: the items are the
/// integers `0..<count` in insertion order, their positions live in one flat array, and the
/// tree is implicit in the order of that array (each node is a range whose median is its
/// split item), so there is no object per node.
///
/// Points are stored as unit vectors in three dimensions. The straight-line (chord) distance
/// between two unit vectors grows monotonically with their great-circle distance, and the
/// distance from a query to a node's box is a true lower bound on the chord to anything inside
/// it, so a best-first search over chords yields items in exact haversine order, with no trig
/// in the traversal and no special case at the antimeridian or the poles.
public struct PointIndex: Sendable {
    /// Items per leaf: below this a range is scanned rather than split.
    public let nodeSize: Int
    /// Item ids in tree order.
    @usableFromInline let ids: [Int32]
    /// x, y, z of item `ids[i]` at `3i`, `3i+1`, `3i+2`.
    @usableFromInline let xyz: [Double]
    /// The axis (0, 1, 2) a node splits on, stored at its median position.
    @usableFromInline let splitAxis: [UInt8]
    /// The box of all points.
    @usableFromInline let rootBox: Box3

    public var count: Int { ids.count }

    /// Builds the tree over `coordinates`; item `i` is `coordinates[i]`.
    public init(_ coordinates: [Coordinate], nodeSize: Int = 8) {
        precondition(nodeSize >= 2)
        self.nodeSize = nodeSize
        var ids = (0..<Int32(coordinates.count)).map { $0 }
        var xyz = [Double](repeating: 0, count: coordinates.count * 3)
        for (i, c) in coordinates.enumerated() {
            let v = UnitVector(c)
            xyz[3 * i] = v.x; xyz[3 * i + 1] = v.y; xyz[3 * i + 2] = v.z
        }
        var axes = [UInt8](repeating: 0, count: coordinates.count)
        var box = Box3.empty
        for i in 0..<coordinates.count { box.extend(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]) }
        if !coordinates.isEmpty {
            Self.build(&ids, &xyz, &axes, nodeSize: nodeSize, left: 0, right: coordinates.count - 1)
        }
        self.ids = ids
        self.xyz = xyz
        self.splitAxis = axes
        self.rootBox = box
    }

    private static func build(_ ids: inout [Int32], _ xyz: inout [Double], _ axes: inout [UInt8],
                              nodeSize: Int, left: Int, right: Int) {
        if right - left < nodeSize { return }
        // Split on the axis where this range is widest.
        var lo = (Double.infinity, Double.infinity, Double.infinity)
        var hi = (-Double.infinity, -Double.infinity, -Double.infinity)
        for i in left...right {
            lo.0 = min(lo.0, xyz[3 * i]); hi.0 = max(hi.0, xyz[3 * i])
            lo.1 = min(lo.1, xyz[3 * i + 1]); hi.1 = max(hi.1, xyz[3 * i + 1])
            lo.2 = min(lo.2, xyz[3 * i + 2]); hi.2 = max(hi.2, xyz[3 * i + 2])
        }
        let spans = (hi.0 - lo.0, hi.1 - lo.1, hi.2 - lo.2)
        let axis: Int = spans.0 >= spans.1 ? (spans.0 >= spans.2 ? 0 : 2) : (spans.1 >= spans.2 ? 1 : 2)
        let m = (left + right) >> 1
        select(&ids, &xyz, k: m, left: left, right: right, axis: axis)
        axes[m] = UInt8(axis)
        build(&ids, &xyz, &axes, nodeSize: nodeSize, left: left, right: m - 1)
        build(&ids, &xyz, &axes, nodeSize: nodeSize, left: m + 1, right: right)
    }

    /// Quickselect: afterwards item `k` has the value it would have if sorted on `axis`, with
    /// no larger value to its left and no smaller to its right.
    private static func select(_ ids: inout [Int32], _ xyz: inout [Double], k: Int, left: Int, right: Int, axis: Int) {
        var left = left, right = right
        while right > left {
            // Median of three as the pivot keeps sorted input from going quadratic.
            let mid = (left + right) >> 1
            if xyz[3 * mid + axis] < xyz[3 * left + axis] { swapItems(&ids, &xyz, mid, left) }
            if xyz[3 * right + axis] < xyz[3 * left + axis] { swapItems(&ids, &xyz, right, left) }
            if xyz[3 * right + axis] < xyz[3 * mid + axis] { swapItems(&ids, &xyz, right, mid) }
            swapItems(&ids, &xyz, mid, right)
            let pivot = xyz[3 * right + axis]
            var store = left
            for i in left..<right where xyz[3 * i + axis] < pivot {
                swapItems(&ids, &xyz, i, store)
                store += 1
            }
            swapItems(&ids, &xyz, store, right)
            if store == k { return }
            if store < k { left = store + 1 } else { right = store - 1 }
        }
    }

    @inline(__always)
    private static func swapItems(_ ids: inout [Int32], _ xyz: inout [Double], _ i: Int, _ j: Int) {
        guard i != j else { return }
        ids.swapAt(i, j)
        xyz.swapAt(3 * i, 3 * j); xyz.swapAt(3 * i + 1, 3 * j + 1); xyz.swapAt(3 * i + 2, 3 * j + 2)
    }
}

/// A point on the unit sphere.
public struct UnitVector: Sendable {
    public var x: Double, y: Double, z: Double

    @inlinable
    public init(_ c: Coordinate) {
        let φ = c.latitude * .pi / 180, λ = c.longitude * .pi / 180
        let cosφ = cos(φ)
        x = cosφ * cos(λ); y = cosφ * sin(λ); z = sin(φ)
    }

    @inlinable
    public init(x: Double, y: Double, z: Double) { self.x = x; self.y = y; self.z = z }

    /// The squared straight-line distance to another point on the unit sphere.
    @inlinable
    public func chordSquared(_ x2: Double, _ y2: Double, _ z2: Double) -> Double {
        let dx = x - x2, dy = y - y2, dz = z - z2
        return dx * dx + dy * dy + dz * dz
    }
}

/// Great-circle metres ⇄ chord between unit vectors.
public enum Chord {
    /// The squared chord of an arc of `meters` on the mean-radius sphere.
    @inlinable
    public static func squared(forMeters meters: Meters) -> Double {
        if meters >= .pi * earthMeanRadius { return 4 }
        let c = 2 * sin(meters / (2 * earthMeanRadius))
        return c * c
    }

    /// The great-circle metres for a squared chord (the haversine distance, by another road).
    @inlinable
    public static func meters(forSquared c2: Double) -> Meters {
        2 * earthMeanRadius * asin(min(1, c2.squareRoot() / 2))
    }
}

/// An axis-aligned box in 3D.
@usableFromInline
struct Box3: Sendable {
    @usableFromInline var minX, minY, minZ, maxX, maxY, maxZ: Double

    @usableFromInline static let empty = Box3(minX: .infinity, minY: .infinity, minZ: .infinity,
                                               maxX: -.infinity, maxY: -.infinity, maxZ: -.infinity)

    @usableFromInline
    init(minX: Double, minY: Double, minZ: Double, maxX: Double, maxY: Double, maxZ: Double) {
        self.minX = minX; self.minY = minY; self.minZ = minZ
        self.maxX = maxX; self.maxY = maxY; self.maxZ = maxZ
    }

    mutating func extend(_ x: Double, _ y: Double, _ z: Double) {
        minX = min(minX, x); maxX = max(maxX, x)
        minY = min(minY, y); maxY = max(maxY, y)
        minZ = min(minZ, z); maxZ = max(maxZ, z)
    }

    /// Squared distance from a point to the box (0 inside).
    @inlinable
    func distanceSquared(_ p: UnitVector) -> Double {
        let dx = p.x < minX ? minX - p.x : (p.x > maxX ? p.x - maxX : 0)
        let dy = p.y < minY ? minY - p.y : (p.y > maxY ? p.y - maxY : 0)
        let dz = p.z < minZ ? minZ - p.z : (p.z > maxZ ? p.z - maxZ : 0)
        return dx * dx + dy * dy + dz * dz
    }
}
