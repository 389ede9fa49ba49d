import GeoCore
import Kernel
import SpatialIndex

/// Riders' live positions in a movable-point index: an update moves one point, nothing is
/// rebuilt. Rider ids map to dense slots of the index. Not thread-safe: the owner locks.
public struct RiderLocator: Sendable {
    private var index: MovingPointIndex
    private var slotOf: [RiderID: Int32] = [:]
    private var riderAt: [RiderID] = []

    public init(cellMeters: Meters = 500) { index = MovingPointIndex(cellMeters: cellMeters) }

    public var count: Int { index.count }

    public func position(of rider: RiderID) -> Coordinate? {
        slotOf[rider].flatMap { index.position(of: $0) }
    }

    public mutating func update(_ rider: RiderID, to position: Coordinate) {
        let slot: Int32
        if let known = slotOf[rider] {
            slot = known
        } else {
            slot = Int32(riderAt.count)
            slotOf[rider] = slot
            riderAt.append(rider)
        }
        index.update(slot, to: position)
    }

    public mutating func remove(_ rider: RiderID) {
        if let slot = slotOf[rider] { index.remove(slot) }
    }

    /// The `limit` nearest riders within `radius` metres that `accept` takes, nearest first.
    public func nearest(to point: Coordinate, limit: Int, within radius: Meters = .infinity,
                        where accept: (RiderID) -> Bool = { _ in true }) -> [(rider: RiderID, distance: Meters)] {
        index.nearest(to: point, limit: limit, within: radius) { accept(riderAt[Int($0)]) }
            .map { (riderAt[Int($0.id)], $0.distance) }
    }
}
