/// RFC 4180 CSV: fields split on commas, quoted fields may hold commas, quotes (doubled) and
/// line breaks. Each record keeps the line it started on, for error reports.
public struct CSVRecord: Sendable {
    public var line: Int
    public var fields: [String]
}

public enum CSV {
    public struct Error: Swift.Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws(Error) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1, recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty else { throw Error(line: line, message: "a quote inside an unquoted field") }
                inQuotes = true
            case ",":
                fields.append(field); field = ""
            case "\r":
                continue
            case "\n":
                fields.append(field); field = ""
                if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(line: recordLine, fields: fields)) }
                fields = []
                line += 1; recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw Error(line: recordLine, message: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(CSVRecord(line: recordLine, fields: fields))
        }
        return records
    }
}

/// A CSV file with a header row, read by column name.
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [CSVRecord]

    public init(text: String, required: [String]) throws(CSV.Error) {
        let records = try CSV.parse(text)
        guard let first = records.first else { throw CSV.Error(line: 1, message: "the file is empty") }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for column in required where !header.contains(column) {
            throw CSV.Error(line: 1, message: "missing column \"\(column)\" (columns: \(header.joined(separator: ",")))")
        }
        rows = Array(records.dropFirst())
    }

    /// The trimmed value of `column` in `row`, nil when absent or blank.
    public func value(_ row: CSVRecord, _ column: String) -> String? {
        guard let i = header.firstIndex(of: column), i < row.fields.count else { return nil }
        let v = row.fields[i].trimmingCharacters(in: .whitespaces)
        return v.isEmpty ? nil : v
    }
}

import Foundation
