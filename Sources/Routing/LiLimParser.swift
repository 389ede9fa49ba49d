/// Reader for the Li & Lim PDPTW benchmark text format.
///
/// ```
/// K Q S                     vehicles, capacity, speed (speed is ignored)
/// index x y demand earliest latest service pickupIndex deliveryIndex
/// ...                       one line per node, index 0 is the depot
/// ```
///
/// Fields are separated by spaces or tabs; blank lines and `\r\n` endings are
/// accepted. A pickup has `pickupIndex` 0 and names its delivery in
/// `deliveryIndex`; a delivery names its pickup in `pickupIndex`, has
/// `deliveryIndex` 0 and a negative demand.
extension PDPTWInstance {
    /// Field names of a node line, in file order; used in error messages.
    static let liLimNodeFields = ["index", "x", "y", "demand", "earliest", "latest", "service",
                                  "pickupIndex", "deliveryIndex"]

    /// Parses Li & Lim text.
    ///
    /// - Throws: ``RoutingInputError`` naming the line and field of the first problem found.
    public static func parseLiLim(text: String, name: String) throws(RoutingInputError) -> PDPTWInstance {
        var lines: [(number: Int, fields: [Substring])] = []
        var lineNumber = 0
        // "\r\n" is a single Character in Swift, so split on isNewline rather than on "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if !fields.isEmpty {
                lines.append((lineNumber, fields))
            }
        }
        guard let header = lines.first else {
            throw RoutingInputError(line: 1, reason: "missing header line 'vehicles capacity speed'")
        }
        guard header.fields.count == 3 else {
            throw RoutingInputError(line: header.number,
                                    reason: "expected 3 fields (vehicles capacity speed), found \(header.fields.count)")
        }
        let vehicles = try integer(header.fields[0], field: "vehicles", line: header.number)
        let capacity = try integer(header.fields[1], field: "capacity", line: header.number)
        _ = try number(header.fields[2], field: "speed", line: header.number)

        var rows: [LiLimRow] = []
        var lineOfIndex: [Int: Int] = [:]
        for (number, fields) in lines.dropFirst() {
            let row = try LiLimRow(fields: fields, line: number)
            if let previous = lineOfIndex[row.index] {
                throw RoutingInputError(line: number, field: "index",
                                        reason: "duplicates node \(row.index) already defined on line \(previous)")
            }
            lineOfIndex[row.index] = number
            rows.append(row)
        }
        guard lineOfIndex[0] != nil else {
            throw RoutingInputError(reason: "missing depot: no node with index 0")
        }
        rows.sort { $0.index < $1.index }
        if let stray = rows.first(where: { $0.index >= rows.count }) {
            let missing = (0..<rows.count).first { lineOfIndex[$0] == nil } ?? rows.count
            throw RoutingInputError(line: stray.line, field: "index",
                                    reason: "is \(stray.index) but there are only \(rows.count) nodes (index \(missing) is missing)")
        }
        let nodes = try rows.map { (row) throws(RoutingInputError) in try row.node() }
        return try PDPTWInstance(name: name, vehicleCount: vehicles, capacity: capacity, nodes: nodes,
                                 nodeLocations: rows.map { .line($0.line) },
                                 headerLocation: .line(header.number))
    }

    static func integer(_ token: Substring, field: String, line: Int) throws(RoutingInputError) -> Int {
        if let value = Int(token) { return value }
        // Some generators write integral fields as "10.0"; accept those, reject "10.5".
        if let value = Double(token), value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return Int(value)
        }
        throw RoutingInputError(line: line, field: field, reason: "is not an integer: '\(token)'")
    }

    static func number(_ token: Substring, field: String, line: Int) throws(RoutingInputError) -> Double {
        guard let value = Double(token) else {
            throw RoutingInputError(line: line, field: field, reason: "is not a number: '\(token)'")
        }
        return value
    }
}

/// One parsed node line, before pairing is resolved.
private struct LiLimRow {
    let line: Int
    let index: Int
    let x, y: Double
    let demand: Int
    let earliest, latest, service: Double
    let pickupIndex, deliveryIndex: Int

    init(fields: [Substring], line: Int) throws(RoutingInputError) {
        let names = PDPTWInstance.liLimNodeFields
        guard fields.count == names.count else {
            throw RoutingInputError(line: line, reason:
                "expected \(names.count) fields (\(names.joined(separator: " "))), found \(fields.count)")
        }
        self.line = line
        index = try PDPTWInstance.integer(fields[0], field: names[0], line: line)
        x = try PDPTWInstance.number(fields[1], field: names[1], line: line)
        y = try PDPTWInstance.number(fields[2], field: names[2], line: line)
        demand = try PDPTWInstance.integer(fields[3], field: names[3], line: line)
        earliest = try PDPTWInstance.number(fields[4], field: names[4], line: line)
        latest = try PDPTWInstance.number(fields[5], field: names[5], line: line)
        service = try PDPTWInstance.number(fields[6], field: names[6], line: line)
        pickupIndex = try PDPTWInstance.integer(fields[7], field: names[7], line: line)
        deliveryIndex = try PDPTWInstance.integer(fields[8], field: names[8], line: line)
        if index < 0 {
            throw RoutingInputError(line: line, field: "index", reason: "must not be negative, got \(index)")
        }
    }

    /// Resolves the role from the two pairing fields.
    func node() throws(RoutingInputError) -> PDPTWNode {
        let role: PDPTWNode.Role
        if index == 0 {
            guard pickupIndex == 0, deliveryIndex == 0 else {
                throw RoutingInputError(line: line, field: pickupIndex != 0 ? "pickupIndex" : "deliveryIndex",
                                        reason: "of the depot must be 0")
            }
            role = .depot
        } else if pickupIndex == 0 && deliveryIndex != 0 {
            role = .pickup(deliveryIndex: deliveryIndex)
        } else if pickupIndex != 0 && deliveryIndex == 0 {
            role = .delivery(pickupIndex: pickupIndex)
        } else if pickupIndex == 0 {
            throw RoutingInputError(line: line, field: "deliveryIndex", reason:
                "is 0 and so is 'pickupIndex': node \(index) is neither a pickup nor a delivery")
        } else {
            throw RoutingInputError(line: line, field: "deliveryIndex", reason:
                "(\(deliveryIndex)) and 'pickupIndex' (\(pickupIndex)) are both set: a node is a pickup or a delivery, not both")
        }
        return PDPTWNode(index: index, x: x, y: y, demand: demand, earliest: earliest, latest: latest,
                         service: service, role: role)
    }
}
