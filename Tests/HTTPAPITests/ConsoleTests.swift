import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import HTTPTypes
import NIOCore
import O2OTestSupport
import Testing

@Suite("The web console's files, Leaflet and the base map, served by o2o")
struct ConsoleTests {
    /// A folder laid out as Debian's libjs-leaflet installs it.
    static func leafletFolder() throws -> URL {
        let folder = TestFiles.fresh("leaflet")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
        try Data("export const version = '1.6.0';\n".utf8).write(to: folder.appendingPathComponent("leaflet.esm.js"))
        try Data(".leaflet-container{overflow:hidden}\n".utf8).write(to: folder.appendingPathComponent("leaflet.css"))
        for image in ["layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"] {
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: folder.appendingPathComponent("images/\(image)"))
        }
        return folder
    }

    static func app(leaflet: URL) async throws -> some ApplicationProtocol {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let router = try await testRouter(db, service, console: ConsoleConfiguration(leaflet: leaflet))
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test("every page, and every file a page or script names under /console/, is served with its type; pages forbid anything from elsewhere")
    func pagesAndLinks() async throws {
        let app = try await Self.app(leaflet: try Self.leafletFolder())
        try await app.test(.router) { client in
            var queue = ["/console", "/console/finder", "/console/dispatch", "/console/planner"], seen = Set<String>()
            let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
                         "svg": "image/svg+xml", "png": "image/png", "geojson": "application/geo+json"]
            // Absolute references to /console/… in src, href, static and dynamic imports and fetches, followed transitively.
            let reference = try Regex(#"(?:src|href)="(/console/[^"$]*)"|(?:from |import\()"(/console/[^"$]*)"|fetch\(`(/console/basemap/)"#)
            while let path = queue.popLast() {
                guard seen.insert(path).inserted else { continue }
                var headers: HTTPFields = [:]
                headers[.acceptEncoding] = "gzip"
                let r = try await client.execute(uri: path, method: .get, headers: headers)
                #expect(r.status == .ok, "\(path): \(r.status)")
                let ext = path.split(separator: "/").last.map { $0.contains(".") ? String($0.split(separator: ".").last!) : "html" } ?? "html"
                #expect(r.headers[.contentType] == types[ext], "\(path): \(r.headers[.contentType] ?? "")")
                #expect(r.headers[.init("X-Content-Type-Options")!] == "nosniff")
                if ext == "html" {
                    let policy = r.headers[.contentSecurityPolicy] ?? ""
                    #expect(policy.contains("default-src 'self'") && policy.contains("connect-src 'self'"), "\(path)")
                }
                guard ext == "html" || ext == "js" else { continue }
                let text = String(buffer: r.body)
                #expect(!text.contains("http://") && !text.contains("https://"), "\(path) names nothing outside o2o")
                for match in text.matches(of: reference) {
                    for i in 1...3 {
                        guard let found = match.output[i].substring else { continue }
                        queue.append(found == "/console/basemap/" ? "/console/basemap/porto.geojson" : String(found))
                    }
                }
            }
            for expected in ["/console/leaflet/leaflet.esm.js", "/console/leaflet/leaflet.css", "/console/common.js", "/console/finder.js",
                             "/console/dispatch.js", "/console/planner.js", "/console/console.css", "/console/icon.svg",
                             "/console/basemap/porto.geojson"] {
                #expect(seen.contains(expected), "\(expected) is linked")
            }
            // Leaflet's images, named by its stylesheet.
            let image = try await client.execute(uri: "/console/leaflet/images/layers.png", method: .get)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
        }
    }

    @Test("the base map: gzipped GeoJSON of the city's water, parks, buildings and roads, cached by ETag; refusals are problems")
    func basemap() async throws {
        let app = try await Self.app(leaflet: try Self.leafletFolder())
        let file = try Data(contentsOf: DemoFixture.geoData.appendingPathComponent("porto/basemap.geojson.gz"))
        try await app.test(.router) { client in
            var gzip: HTTPFields = [:]
            gzip[.acceptEncoding] = "gzip, deflate, br"
            let r = try await client.execute(uri: "/console/basemap/porto.geojson", method: .get, headers: gzip)
            #expect(r.status == .ok && r.headers[.contentEncoding] == "gzip" && r.headers[.contentType] == "application/geo+json")
            #expect(Data(buffer: r.body) == file)
            let etag = try #require(r.headers[.eTag])
            var again = gzip
            again[.ifNoneMatch] = etag
            let cached = try await client.execute(uri: "/console/basemap/porto.geojson", method: .get, headers: again)
            #expect(cached.status == .notModified && cached.body.readableBytes == 0)

            let plain = try await client.execute(uri: "/console/basemap/porto.geojson", method: .get)
            #expect(plain.status == .notAcceptable && plain.contentType == "application/problem+json")
            for uri in ["/console/basemap/lisbon.geojson", "/console/basemap/..%2Fporto.geojson", "/console/nothing.js", "/console/leaflet/leaflet.js",
                        "/console/leaflet/images/other.png"] {
                let missing = try await client.execute(uri: uri, method: .get, headers: gzip)
                #expect(missing.status == .notFound && missing.contentType == "application/problem+json", "\(uri): \(missing.status)")
            }
            let badName = try await client.execute(uri: "/console/basemap/porto.json", method: .get, headers: gzip)
            #expect(badName.status == .badRequest && badName.json["field"] == .string("city"))
        }
        // The file itself: the layers the console styles, from the OSM extract.
        let map = try #require(try JSONSerialization.jsonObject(with: Self.gunzip(file)) as? [String: Any])
        let features = try #require(map["features"] as? [[String: Any]])
        let layers = Set(features.compactMap { ($0["properties"] as? [String: Any])?["layer"] as? String })
        #expect(layers == ["water", "river", "park", "building", "path", "minor", "major"])
        #expect(features.count > 10_000)
    }

    @Test("without Debian's libjs-leaflet the map's files are a 503 problem that says what to install; the pages still load")
    func leafletMissing() async throws {
        let app = try await Self.app(leaflet: URL(fileURLWithPath: "/nonexistent/leaflet"))
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/console/leaflet/leaflet.esm.js", method: .get)
            #expect(r.status == .serviceUnavailable && r.contentType == "application/problem+json")
            #expect(r.json["detail"]?.stringValue?.contains("libjs-leaflet") == true)
            #expect(try await client.execute(uri: "/console/finder", method: .get).status == .ok)
        }
    }

    static func gunzip(_ data: Data) throws -> Data {
        let folder = TestFiles.fresh("gunzip")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("map.gz")
        try data.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-d", file.path]
        try process.run()
        process.waitUntilExit()
        return try Data(contentsOf: folder.appendingPathComponent("map"))
    }
}
