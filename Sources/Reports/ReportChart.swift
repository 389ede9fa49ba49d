import Foundation

/// A report as an SVG bar chart: the kind's chart column against the first column, one bar a
/// row (the first 40), each labelled with its value. Plain SVG 1.1, no script, no fonts to fetch.
public enum ReportChart {
    public static func svg(_ table: ReportTable) -> String {
        let label = table.columns.first ?? ""
        let column = table.kind.chartColumn
        let rows = Array(zip(table.column(label), table.column(column)).prefix(40))
        // Bars stand for sizes: a negative figure (points spent or lapsed) is drawn by its size, labelled with its sign.
        let values = rows.map { abs($0.1.double ?? 0) }
        let top = max(values.max() ?? 0, 1)
        let barWidth = 28.0, gap = 10.0, left = 70.0, bottom = 120.0, plot = 260.0
        let width = left + Double(max(rows.count, 1)) * (barWidth + gap) + 20, height = 40 + plot + bottom
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <title>\(escape(table.kind.title)), \(ReportRange.format(table.range.from)) to \(ReportRange.format(table.range.lastDay))\(table.store.map { ", store \($0)" } ?? "")</title>
            <text x="\(Int(left))" y="20" font-size="14" font-weight="bold">\(escape(table.kind.title)) — \(escape(column))</text>
            <line x1="\(Int(left))" y1="\(Int(40 + plot))" x2="\(Int(width - 10))" y2="\(Int(40 + plot))" stroke="#333"/>
            <text x="\(Int(left - 6))" y="44" text-anchor="end">\(format(top))</text>
            <text x="\(Int(left - 6))" y="\(Int(40 + plot))" text-anchor="end">0</text>

            """
        for (i, (name, value)) in rows.enumerated() {
            let v = value.double ?? 0
            let h = plot * abs(v) / top
            let x = left + Double(i) * (barWidth + gap)
            let y = 40 + plot - h
            let text: String = switch name {
            case .text(let s): s
            case .integer(let n): String(n)
            case .number(let d): format(d)
            case .none: "–"
            }
            svg += """
                <rect x="\(fixed(x))" y="\(fixed(y))" width="\(Int(barWidth))" height="\(fixed(h))" fill="#3b7dd8"><title>\(escape(text)): \(format(v))</title></rect>
                <text x="\(fixed(x + barWidth / 2))" y="\(fixed(y - 4))" text-anchor="middle" font-size="9">\(format(v))</text>
                <text transform="translate(\(fixed(x + barWidth / 2)),\(Int(40 + plot + 8))) rotate(60)" font-size="10">\(escape(String(text.prefix(24))))</text>

                """
        }
        if rows.isEmpty { svg += "<text x=\"\(Int(left + 10))\" y=\"\(Int(40 + plot / 2))\">no data in this range</text>\n" }
        return svg + "</svg>\n"
    }

    static func format(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.1f", v) }
    static func fixed(_ v: Double) -> String { String(format: "%.1f", v) }
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
