import Foundation
import HTTPAPI
import Testing

/// The documentation as a reader follows it: every relative link lands on a file and heading
/// that exist, and the systemd unit it ships is one systemd accepts.
@Suite("Documentation")
struct DocsTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every Markdown file a reader reaches from the README.
    static func markdownFiles() throws -> [URL] {
        var files = ["README.md", "Benchmarks/RESULTS.md", "GeoData/ATTRIBUTION.md"].map { root.appendingPathComponent($0) }
        let docs = root.appendingPathComponent("docs")
        let walker = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "md" { files.append(url) }
        }
        return files.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens,
    /// and `-1`, `-2` … for repeats.
    static func anchors(of markdown: String) -> Set<String> {
        var seen: [String: Int] = [:], result: Set<String> = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence, line.hasPrefix("#") else { continue }
            let text = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            var slug = ""
            for c in text.lowercased() {
                if c.isLetter || c.isNumber || c == "-" || c == "_" { slug.append(c) } else if c == " " { slug.append("-") }
            }
            let n = seen[slug, default: 0]
            seen[slug] = n + 1
            result.insert(n == 0 ? slug : "\(slug)-\(n)")
        }
        return result
    }

    /// The targets of `[text](target)` links outside code, without external and mail links.
    static func links(in markdown: String) -> [String] {
        var inFence = false, targets: [String] = []
        let pattern = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)(?:\s+"[^"]*")?\)"#)
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            if inFence { continue }
            // Inline code spans are examples, not links.
            let text = String(line).replacingOccurrences(of: #"`[^`]*`"#, with: "", options: .regularExpression)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let target = String(text[Range(match.range(at: 1), in: text)!])
                if target.contains("://") || target.hasPrefix("mailto:") { continue }
                targets.append(target)
            }
        }
        return targets
    }

    @Test("every relative link in the README, docs/ and the results resolves to a file, and every anchor to a heading")
    func relativeLinksResolve() throws {
        let files = try Self.markdownFiles()
        #expect(files.count >= 8, "README, results, attribution and the docs")
        var broken: [String] = [], checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for link in Self.links(in: text) {
                checked += 1
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? file : file.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
                let name = file.path.replacingOccurrences(of: Self.root.path + "/", with: "")
                guard FileManager.default.fileExists(atPath: target.path) else { broken.append("\(name): \(link) (no file)"); continue }
                if parts.count == 2, target.pathExtension == "md" {
                    let anchors = Self.anchors(of: try String(contentsOf: target, encoding: .utf8))
                    if !anchors.contains(parts[1]) { broken.append("\(name): \(link) (no heading)") }
                }
            }
        }
        #expect(checked > 50, "the docs link to each other")
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }

    @Test("the link checker sees a missing file and a missing heading")
    func checkerCatchesBrokenLinks() {
        let anchors = Self.anchors(of: "# Quick start\n## The `o2o` command\n```\n# not a heading\n```\n## Quick start\n")
        #expect(anchors == ["quick-start", "the-o2o-command", "quick-start-1"])
        #expect(Self.links(in: "see [a](docs/a.md#x), `[b](c.md)` and [web](https://example.org)") == ["docs/a.md#x"])
    }

    @Test("docs/api/index.html is the API reference this build renders from openapi.yaml (o2o docs api rewrites it)")
    func apiReferenceIsCurrent() throws {
        let file = Self.root.appendingPathComponent("docs/api/index.html")
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(committed == APIReference.page, "docs/api/index.html is stale: run `swift run o2o docs api`")
    }

    @Test("the systemd unit in docs/deploy passes systemd-analyze verify")
    func systemdUnitVerifies() throws {
        let unit = try String(contentsOf: Self.root.appendingPathComponent("docs/deploy/o2o.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/o2o serve"))
        // verify checks that the program exists: point the copy at the o2o this build made.
        var binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: binary.appendingPathComponent("o2o").path), binary.path != "/" {
            binary = binary.deletingLastPathComponent()
        }
        binary.appendPathComponent("o2o")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("o2o-unit-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("o2o.service")
        try unit.replacingOccurrences(of: "ExecStart=/usr/local/bin/o2o", with: "ExecStart=\(binary.path)")
            .write(to: copy, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["systemd-analyze", "verify", "--man=no", copy.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(!text.contains("o2o.service:"), "no warning about the unit: \(text)")
    }
}
