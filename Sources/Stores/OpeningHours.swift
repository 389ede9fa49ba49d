import Foundation

/// Weekly opening hours parsed from the OSM `opening_hours` syntax
/// (wiki: Key:opening_hours/specification), in the common forms shops use:
///
/// - `24/7`
/// - weekday selectors with ranges and lists: `Mo-Fr`, `Sa,Su`, `Fr-Mo` (wrapping), `Mo-Fr,Su`
/// - one or more time spans: `08:00-12:30,14:00-19:00`, `9:30-19:00`, `09:00 - 19:00`
/// - spans past midnight: `22:00-02:00`, `10:00-24:00`, `18:00-00:00`
/// - `off` / `closed`: `Tu off`, `Su,PH off`
/// - rules separated by `;` (a later rule replaces the days it names) or joined by `,` as
///   additional rules (`Mo-Fr 08:00-20:00, Sa 09:00-13:00`)
/// - a bare time span applies to every day
///
/// Public-holiday (`PH`) and school-holiday (`SH`) selectors are accepted but have no calendar
/// here, so they never change the weekly pattern. Month, week and date selectors, sunrise and
/// sunset, open ends (`18:00+`) and fallback rules (`||`) are not understood: parsing fails and
/// the caller keeps the hours as unknown.
public struct OpeningHours: Hashable, Sendable {
    /// Minutes in a week: Monday 00:00 is 0.
    public static let minutesPerWeek = 7 * 1440

    /// Sorted, disjoint [start, end) spans in minutes of the week, as pairs in one flat array.
    public let spans: [Int32]

    /// Always open.
    public static let alwaysOpen = OpeningHours(spans: [0, Int32(minutesPerWeek)])

    init(spans: [Int32]) { self.spans = spans }

    /// Whether the store is open at `minuteOfWeek` (Monday 00:00 = 0).
    public func isOpen(minuteOfWeek m: Int) -> Bool {
        Self.isOpen(spans[...], minuteOfWeek: m)
    }

    /// The same test over spans kept in someone else's flat array.
    @inlinable
    public static func isOpen(_ spans: ArraySlice<Int32>, minuteOfWeek m: Int) -> Bool {
        var i = spans.startIndex
        while i < spans.endIndex {
            if m < Int(spans[i]) { return false }
            if m < Int(spans[i + 1]) { return true }
            i += 2
        }
        return false
    }

    /// Why a text could not be read.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "cannot read opening hours \"\(text)\": \(reason)" }
    }

    /// Parses `text`, or explains why it cannot.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ParseError(text: text, reason: "empty") }
        if trimmed.contains("||") { throw ParseError(text: text, reason: "fallback rules (||) are not supported") }
        var week = [[ClosedRange<Int>]](repeating: [], count: 7)
        var sawAnyRule = false
        for rawRule in trimmed.split(separator: ";") {
            let rule = rawRule.trimmingCharacters(in: .whitespaces)
            if rule.isEmpty { continue }
            if rule == "24/7" {
                for d in 0..<7 { week[d] = [0...1440] }
                sawAnyRule = true
                continue
            }
            let groups = try Self.groups(in: rule, original: text)
            for (index, group) in groups.enumerated() {
                guard let days = group.days else { continue } // a holiday-only selector
                let spans = group.off ? [] : (group.times.isEmpty ? [0...1440] : group.times)
                for d in 0..<7 where days[d] {
                    if index == 0 { week[d] = spans } else if group.off { week[d] = [] } else { week[d] += spans }
                }
                sawAnyRule = true
            }
        }
        guard sawAnyRule else { throw ParseError(text: text, reason: "no weekly rule") }
        spans = Self.flatten(week)
    }

    private struct Group {
        /// Selected weekdays (Monday first); nil when the selector named only holidays.
        var days: [Bool]?
        var times: [ClosedRange<Int>] = []
        var off = false
    }

    private static let dayNames = ["mo", "tu", "we", "th", "fr", "sa", "su"]

    /// Splits one `;` rule into its first group and any `,`-joined additional groups.
    private static func groups(in rule: String, original: String) throws(ParseError) -> [Group] {
        // Normalise spaces around separators: "09:00 - 19:00" and "Mo, Tu".
        var normalised = ""
        var pendingSpace = false
        for ch in rule {
            if ch == " " || ch == "\t" { pendingSpace = true; continue }
            if ch == "-" || ch == "," {
                normalised.append(ch); pendingSpace = false
                continue
            }
            if pendingSpace, let last = normalised.last, last != "-", last != "," { normalised.append(" ") }
            pendingSpace = false
            normalised.append(ch)
        }
        var result: [Group] = []
        var current: Group? = nil
        var currentHasBody = false
        for token in normalised.split(separator: " ") {
            for atom in token.split(separator: ",", omittingEmptySubsequences: true) {
                let word = atom.lowercased()
                if let days = try dayAtom(word, original: original) {
                    if current == nil || currentHasBody {
                        if let c = current { result.append(c) }
                        current = Group(days: days.weekdays)
                        currentHasBody = false
                    } else {
                        current!.days = merge(current!.days, days.weekdays)
                    }
                } else if word == "off" || word == "closed" {
                    if current == nil { current = Group(days: Array(repeating: true, count: 7)) }
                    current!.off = true
                    currentHasBody = true
                } else if word == "open" {
                    if current == nil { current = Group(days: Array(repeating: true, count: 7)) }
                    currentHasBody = true
                } else if let span = try timeSpan(word, original: original) {
                    if current == nil { current = Group(days: Array(repeating: true, count: 7)) }
                    current!.times.append(span)
                    currentHasBody = true
                } else {
                    throw ParseError(text: original, reason: "unsupported selector \"\(atom)\"")
                }
            }
        }
        if let c = current { result.append(c) }
        return result
    }

    /// Two selectors in one group (`Mo-Fr,Su`, `Su,PH`): the union of their weekdays.
    private static func merge(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (let x?, let y?): return zip(x, y).map { $0 || $1 }
        }
    }

    /// A weekday, weekday range or holiday atom; nil when the atom is something else.
    private static func dayAtom(_ word: String, original: String) throws(ParseError) -> (weekdays: [Bool]?, Void)? {
        if word == "ph" || word == "sh" { return (nil, ()) }
        let parts = word.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard let first = dayNames.firstIndex(of: String(parts[0])) else { return nil }
        var days = [Bool](repeating: false, count: 7)
        if parts.count == 1 {
            days[first] = true
        } else {
            guard let last = dayNames.firstIndex(of: String(parts[1])) else {
                throw ParseError(text: original, reason: "bad weekday range \"\(word)\"")
            }
            var d = first
            while true {
                days[d] = true
                if d == last { break }
                d = (d + 1) % 7
            }
        }
        return (days, ())
    }

    /// `HH:MM-HH:MM` as minutes from the day's start; an end at or before the start runs past midnight.
    private static func timeSpan(_ word: String, original: String) throws(ParseError) -> ClosedRange<Int>? {
        guard word.first?.isNumber == true else { return nil }
        let parts = word.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minutes(parts[0]), let end0 = minutes(parts[1]) else {
            throw ParseError(text: original, reason: "bad time span \"\(word)\"")
        }
        guard start < 1440 else { throw ParseError(text: original, reason: "a span cannot start at 24:00") }
        let end = end0 <= start ? end0 + 1440 : end0
        return start...end
    }

    private static func minutes(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, (1...2).contains(hm[0].count), hm[1].count == 2,
              let h = Int(hm[0]), let m = Int(hm[1]), h >= 0, m >= 0, m < 60 else { return nil }
        let total = h * 60 + m
        return total <= 48 * 60 ? total : nil
    }

    /// Per-day spans (which may run into the next day) to sorted, merged spans of the week.
    private static func flatten(_ week: [[ClosedRange<Int>]]) -> [Int32] {
        var raw: [(Int, Int)] = []
        for (d, spans) in week.enumerated() {
            for s in spans where s.upperBound > s.lowerBound {
                let start = d * 1440 + s.lowerBound, end = d * 1440 + s.upperBound
                if end > minutesPerWeek {
                    raw.append((start, minutesPerWeek))
                    raw.append((0, end - minutesPerWeek))
                } else {
                    raw.append((start, end))
                }
            }
        }
        raw.sort { $0.0 < $1.0 }
        var merged: [(Int, Int)] = []
        for span in raw {
            if let last = merged.last, span.0 <= last.1 {
                merged[merged.count - 1].1 = max(last.1, span.1)
            } else {
                merged.append(span)
            }
        }
        return merged.flatMap { [Int32($0.0), Int32($0.1)] }
    }
}

/// Local clock readings for evaluating opening hours.
public enum WeekClock {
    /// The minute of the local week (Monday 00:00 = 0) at `date` in `timeZone`, daylight saving included.
    public static func minuteOfWeek(_ date: Date, in timeZone: TimeZone) -> Int {
        let local = Int(floor(date.timeIntervalSince1970)) + timeZone.secondsFromGMT(for: date)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        // 1970-01-01 was a Thursday: day 3 counting from Monday.
        let weekday = ((days % 7) + 7 + 3) % 7
        return weekday * 1440 + secondOfDay / 60
    }
}
