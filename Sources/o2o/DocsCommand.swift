import ArgumentParser
import Foundation
import HTTPAPI

/// `o2o docs api`: the API reference page, rendered from the `openapi.yaml` this build was
/// generated from — the page a running server serves at `/docs`.
struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Write the documentation o2o renders itself.",
        subcommands: [API.self])

    struct API: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api",
            abstract: "Write the API reference (one self-contained HTML page) rendered from openapi.yaml.",
            discussion: "The page has no scripts and loads nothing from elsewhere; a running server serves the same page at /docs.")

        @Option(help: "The file to write; - for standard output.")
        var out: String = "docs/api/index.html"

        func run() throws {
            let page = APIReference.page
            if out == "-" {
                FileHandle.standardOutput.write(Data(page.utf8))
                return
            }
            let url = URL(fileURLWithPath: out)
            let folder = url.deletingLastPathComponent()
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--out: the folder \(folder.path) does not exist")
            }
            do {
                try Data(page.utf8).write(to: url, options: .atomic)
            } catch {
                throw ValidationError("--out: cannot write \(url.path): \(error.localizedDescription)")
            }
            print("wrote \(url.path) (\(page.utf8.count) bytes)")
        }
    }
}
