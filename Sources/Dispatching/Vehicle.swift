/// How a rider travels. Each kind has a typical urban speed; an ``ETAModel`` may override it.
public enum VehicleType: String, CaseIterable, Hashable, Sendable, Codable {
    case walk
    case bicycle
    case ebike = "e-bike"
    case scooter
    case car

    /// Average door-to-door speed in a city, metres per second, stops and lights included.
    public var typicalSpeed: Double {
        switch self {
        case .walk: return 1.3       // 4.7 km/h
        case .bicycle: return 4.2    // 15 km/h
        case .ebike: return 5.0      // 18 km/h
        case .scooter: return 6.1    // 22 km/h
        case .car: return 6.7        // 24 km/h in city traffic
        }
    }
}
