import Foundation
import Routing

/// The folder holding the Li & Lim 100-node instances and `bks.csv` (`GeoData/vrp/lilim100`),
/// found from this file so the tests do not depend on the working directory.
func lilimDirectory(filePath: String = #filePath) -> URL {
    let packageRoot = URL(fileURLWithPath: filePath)
        .deletingLastPathComponent()   // RoutingTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
    return packageRoot.appendingPathComponent("GeoData/vrp/lilim100").standardizedFileURL
}

/// Reads `bks.csv` (`instance,vehicles,distance`).
func readBestKnown(in directory: URL) throws -> [BestKnown] {
    guard let rows = BestKnown.read(directory.appendingPathComponent("bks.csv")) else {
        throw CocoaError(.fileReadNoSuchFile)
    }
    return rows
}

/// Builds a validated instance from compact tuples; node 0 is the depot, and
/// requests are (pickup, delivery) tuples listed as consecutive nodes.
struct TinyInstanceBuilder {
    struct Stop {
        var x: Double
        var y: Double
        var earliest: Double = 0
        var latest: Double = 1000
        var service: Double = 0
    }

    var capacity = 10
    var vehicles = 5
    var depot = Stop(x: 0, y: 0, earliest: 0, latest: 1000)
    var requests: [(pickup: Stop, delivery: Stop, demand: Int)] = []

    func build(name: String = "tiny") throws -> PDPTWInstance {
        var nodes = [PDPTWNode(index: 0, x: depot.x, y: depot.y, demand: 0, earliest: depot.earliest,
                               latest: depot.latest, service: 0, role: .depot)]
        for (number, request) in requests.enumerated() {
            let pickup = 2 * number + 1
            let delivery = pickup + 1
            nodes.append(PDPTWNode(index: pickup, x: request.pickup.x, y: request.pickup.y, demand: request.demand,
                                   earliest: request.pickup.earliest, latest: request.pickup.latest,
                                   service: request.pickup.service, role: .pickup(deliveryIndex: delivery)))
            nodes.append(PDPTWNode(index: delivery, x: request.delivery.x, y: request.delivery.y,
                                   demand: -request.demand, earliest: request.delivery.earliest,
                                   latest: request.delivery.latest, service: request.delivery.service,
                                   role: .delivery(pickupIndex: pickup)))
        }
        return try PDPTWInstance(name: name, vehicleCount: vehicles, capacity: capacity, nodes: nodes)
    }
}
