import Foundation

/// The project's own JSON format for a PDPTW instance.
///
/// ```json
/// {
///   "name": "downtown-morning",
///   "capacity": 200,
///   "vehicles": 25,
///   "depot": { "x": 40, "y": 50, "earliest": 0, "latest": 1236 },
///   "requests": [
///     { "pickup":   { "x": 42, "y": 66, "earliest": 65,  "latest": 146, "service": 90 },
///       "delivery": { "x": 45, "y": 68, "earliest": 912, "latest": 967, "service": 90 },
///       "demand": 10 }
///   ]
/// }
/// ```
///
/// * `name` is optional; when absent the file name is used.
/// * `service` is optional and defaults to 0.
/// * Times and coordinates are numbers; `capacity`, `vehicles` and `demand` are integers.
/// * Pairing is structural, so it cannot be inconsistent. Node indices are assigned
///   as: depot 0, request `k` (0-based) has pickup `2k+1` and delivery `2k+2`.
public struct PDPTWInstanceDocument: Codable, Sendable, Equatable {
    /// The depot: where routes start (not before `earliest`) and end (not after `latest`).
    public struct Depot: Codable, Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var earliest: Double
        public var latest: Double

        public init(x: Double, y: Double, earliest: Double, latest: Double) {
            self.x = x
            self.y = y
            self.earliest = earliest
            self.latest = latest
        }
    }

    /// A pickup or delivery location with its service time window.
    public struct Stop: Codable, Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var earliest: Double
        public var latest: Double
        public var service: Double

        public init(x: Double, y: Double, earliest: Double, latest: Double, service: Double = 0) {
            self.x = x
            self.y = y
            self.earliest = earliest
            self.latest = latest
            self.service = service
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            x = try container.decode(Double.self, forKey: .x)
            y = try container.decode(Double.self, forKey: .y)
            earliest = try container.decode(Double.self, forKey: .earliest)
            latest = try container.decode(Double.self, forKey: .latest)
            service = try container.decodeIfPresent(Double.self, forKey: .service) ?? 0
        }
    }

    /// One shipment: `demand` units loaded at `pickup` and unloaded at `delivery`.
    public struct Request: Codable, Sendable, Equatable {
        public var pickup: Stop
        public var delivery: Stop
        public var demand: Int

        public init(pickup: Stop, delivery: Stop, demand: Int) {
            self.pickup = pickup
            self.delivery = delivery
            self.demand = demand
        }
    }

    public var name: String?
    public var capacity: Int
    public var vehicles: Int
    public var depot: Depot
    public var requests: [Request]

    public init(name: String?, capacity: Int, vehicles: Int, depot: Depot, requests: [Request]) {
        self.name = name
        self.capacity = capacity
        self.vehicles = vehicles
        self.depot = depot
        self.requests = requests
    }
}

extension PDPTWInstance {
    /// Parses the JSON format described by ``PDPTWInstanceDocument``.
    ///
    /// - Parameter defaultName: used when the document has no `name`.
    /// - Throws: ``RoutingInputError`` naming the JSON path and field of the first problem.
    public static func parseJSON(data: Data, defaultName: String = "instance") throws(RoutingInputError) -> PDPTWInstance {
        let document: PDPTWInstanceDocument
        do {
            document = try JSONDecoder().decode(PDPTWInstanceDocument.self, from: data)
        } catch let error as DecodingError {
            throw RoutingInputError(decoding: error)
        } catch {
            throw RoutingInputError(reason: "invalid JSON: \(error.localizedDescription)")
        }
        return try PDPTWInstance(document: document, defaultName: defaultName)
    }

    /// Builds an instance from an already decoded document.
    public init(document: PDPTWInstanceDocument, defaultName: String = "instance") throws(RoutingInputError) {
        let root = SourceLocation.path("document")
        if document.capacity <= 0 {
            throw root.error(field: "capacity", "must be positive, got \(document.capacity)")
        }
        for (number, request) in document.requests.enumerated() {
            let here = SourceLocation.path("requests[\(number)]")
            if request.demand < 0 {
                throw here.error(field: "demand", "must not be negative, got \(request.demand)")
            }
            if request.demand > document.capacity {
                throw here.error(field: "demand", "(\(request.demand)) exceeds the vehicle capacity (\(document.capacity))")
            }
        }
        let depot = document.depot
        var nodes = [PDPTWNode(index: 0, x: depot.x, y: depot.y, demand: 0, earliest: depot.earliest,
                               latest: depot.latest, service: 0, role: .depot)]
        var locations: [SourceLocation] = [.path("depot")]
        for (number, request) in document.requests.enumerated() {
            let pickupIndex = 2 * number + 1
            let deliveryIndex = pickupIndex + 1
            let pickup = request.pickup
            let delivery = request.delivery
            nodes.append(PDPTWNode(index: pickupIndex, x: pickup.x, y: pickup.y, demand: request.demand,
                                   earliest: pickup.earliest, latest: pickup.latest, service: pickup.service,
                                   role: .pickup(deliveryIndex: deliveryIndex)))
            nodes.append(PDPTWNode(index: deliveryIndex, x: delivery.x, y: delivery.y, demand: -request.demand,
                                   earliest: delivery.earliest, latest: delivery.latest, service: delivery.service,
                                   role: .delivery(pickupIndex: pickupIndex)))
            locations.append(.path("requests[\(number)].pickup"))
            locations.append(.path("requests[\(number)].delivery"))
        }
        try self.init(name: document.name ?? defaultName, vehicleCount: document.vehicles,
                      capacity: document.capacity, nodes: nodes, nodeLocations: locations, headerLocation: root)
    }

    /// This instance in the JSON document model (requests renumbered by pickup order).
    public var document: PDPTWInstanceDocument {
        let depot = nodes[0]
        return PDPTWInstanceDocument(
            name: name, capacity: capacity, vehicles: vehicleCount,
            depot: .init(x: depot.x, y: depot.y, earliest: depot.earliest, latest: depot.latest),
            requests: requests.map { request in
                let pickup = nodes[request.pickup]
                let delivery = nodes[request.delivery]
                return .init(pickup: .init(x: pickup.x, y: pickup.y, earliest: pickup.earliest,
                                           latest: pickup.latest, service: pickup.service),
                             delivery: .init(x: delivery.x, y: delivery.y, earliest: delivery.earliest,
                                             latest: delivery.latest, service: delivery.service),
                             demand: request.demand)
            })
    }

    /// Encodes this instance in the JSON format (pretty-printed, keys sorted).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(document)
    }
}

extension RoutingInputError {
    /// Translates a `DecodingError` into a message naming the JSON path and field.
    init(decoding error: DecodingError) {
        func render(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text.isEmpty ? "document" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(path: render(context.codingPath), field: key.stringValue, reason: "is missing")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let expected = (type == Int.self) ? "an integer" : (type == Double.self ? "a number" : "\(type)")
            let field = context.codingPath.last.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            self.init(path: render(context.codingPath.dropLast()), field: field, reason: "is not \(expected)")
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            if context.codingPath.isEmpty {
                self.init(reason: "invalid JSON: \(underlying ?? context.debugDescription)")
            } else {
                let field = context.codingPath.last.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                self.init(path: render(context.codingPath.dropLast()), field: field,
                          reason: "is invalid: \(context.debugDescription)")
            }
        @unknown default:
            self.init(reason: "invalid JSON: \(error)")
        }
    }
}
