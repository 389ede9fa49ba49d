import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where the web console finds what it serves besides its own pages.
public struct ConsoleConfiguration: Sendable {
    /// Leaflet as Debian's `libjs-leaflet` installs it (`leaflet.esm.js`, `leaflet.css`, `images/`).
    public var leaflet: URL
    public init(leaflet: URL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["O2O_LEAFLET"] ?? "/usr/share/javascript/leaflet")) {
        self.leaflet = leaflet
    }
}

/// The web console under `/console/`: its pages, scripts and styles (shipped with o2o), Leaflet
/// from the system's package, and each city's base map from `GeoData/`. Nothing is fetched from
/// elsewhere, so the console works with no internet at all. The pages are public shells: the
/// data they show comes from the API, which enforces each page's role.
struct ConsoleRoutes: Sendable {
    let geoData: URL
    let configuration: ConsoleConfiguration

    /// One file as served: its bytes, type and validator.
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var etag: String
        var encoding: String?

        init(_ data: Data, contentType: String, encoding: String? = nil) {
            bytes = ByteBuffer(bytes: data)
            self.contentType = contentType
            self.encoding = encoding
            // FNV-1a over the bytes: a strong validator for a file that only changes with a release.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            etag = "\"\(String(hash, radix: 16))-\(data.count)\""
        }
    }

    static let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
                        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon"]

    /// The console's pages: `finder`, `dispatch` and `planner`, reached with or without `.html`.
    static let pages = ["finder", "dispatch", "planner"]

    /// The pages may load scripts, styles, images and data from o2o only.
    static let policy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

    /// The console's own files, read once from the bundle.
    static let own: [String: Asset] = {
        guard let folder = Bundle.module.url(forResource: "Console", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [:] }
        var assets: [String: Asset] = [:]
        for name in names {
            let ext = (name as NSString).pathExtension
            guard let type = types[ext], let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { continue }
            assets[name] = Asset(data, contentType: type)
        }
        return assets
    }()

    /// The API reference page, rendered once from the shipped `openapi.yaml`.
    static let reference = Asset(Data(APIReference.page.utf8), contentType: "text/html; charset=utf-8")

    func register(on router: Router<AppRequestContext>) {
        let leaflet = LeafletFiles(folder: configuration.leaflet)
        let basemaps = Basemaps(geoData: geoData)
        // `/console` and `/console/` are one path to the router; the pages link absolutely.
        router.get("/console") { request, _ in try Self.serve(Self.own["index.html"], request, name: "index.html") }
        router.get("/console/:file") { request, context in
            let raw = context.parameters.get("file") ?? ""
            let name = Self.pages.contains(raw) ? raw + ".html" : raw
            return try Self.serve(Self.own[name], request, name: raw)
        }
        // The API reference, rendered from openapi.yaml (`o2o docs api` writes the same page).
        router.get("/docs") { request, _ in try Self.serve(Self.reference, request, name: "docs") }
        router.get("/console/leaflet/:file") { request, context in
            try Self.serve(try leaflet.asset(context.parameters.get("file") ?? ""), request, name: "leaflet")
        }
        router.get("/console/leaflet/images/:file") { request, context in
            try Self.serve(try leaflet.asset("images/" + (context.parameters.get("file") ?? "")), request, name: "leaflet")
        }
        router.get("/console/basemap/:city") { request, context in
            let raw = context.parameters.get("city") ?? ""
            guard raw.hasSuffix(".geojson") else { throw Problem.invalid("city", "a base map is /console/basemap/CITY.geojson") }
            let city = String(raw.dropLast(".geojson".count))
            guard request.headers[.acceptEncoding]?.lowercased().contains("gzip") ?? false else {
                throw Problem(.notAcceptable, type: "not-acceptable", title: "Not acceptable",
                              detail: "the base map is served gzipped; send Accept-Encoding: gzip")
            }
            return try Self.serve(try await basemaps.asset(city), request, name: raw)
        }
    }

    static func serve(_ asset: Asset?, _ request: Request, name: String) throws -> Response {
        guard let asset else {
            throw Problem(.notFound, type: "not-found", title: "Not found", detail: "the console has no file \"\(name)\"")
        }
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "no-cache"]
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        if asset.contentType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = policy
            headers[.init("Referrer-Policy")!] = "same-origin"
        }
        if let encoding = asset.encoding { headers[.contentEncoding] = encoding; headers[.vary] = "Accept-Encoding" }
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.bytes.readableBytes)
        return Response(status: .ok, headers: headers, body: request.method == .head ? .init() : .init(byteBuffer: asset.bytes))
    }
}

/// Leaflet's files from the system's package, read once as the router is built; one that is
/// missing answers a 503 problem naming the package.
final class LeafletFiles: Sendable {
    let folder: URL
    /// The files the console uses, and no others.
    static let names = ["leaflet.esm.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
                        "images/marker-icon-2x.png", "images/marker-shadow.png"]
    private let cache: [String: ConsoleRoutes.Asset]

    init(folder: URL) {
        self.folder = folder
        var cache: [String: ConsoleRoutes.Asset] = [:]
        for name in Self.names {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { continue }
            cache[name] = ConsoleRoutes.Asset(data, contentType: ConsoleRoutes.types[(name as NSString).pathExtension] ?? "application/octet-stream")
        }
        self.cache = cache
    }

    func asset(_ name: String) throws -> ConsoleRoutes.Asset? {
        guard Self.names.contains(name) else { return nil }
        guard let asset = cache[name] else {
            throw Problem(.serviceUnavailable, type: "leaflet-missing", title: "Leaflet is not installed",
                          detail: "the console's map needs Debian's libjs-leaflet (\(folder.path)); scripts/setup.sh installs it")
        }
        return asset
    }
}

/// Each city's base map (`GeoData/CITY/basemap.geojson.gz`), read when first asked for.
actor Basemaps {
    let geoData: URL
    private var cache: [String: ConsoleRoutes.Asset] = [:]

    init(geoData: URL) { self.geoData = geoData }

    func asset(_ city: String) throws -> ConsoleRoutes.Asset? {
        guard city.allSatisfy({ $0.isLetter || $0 == "-" }), !city.isEmpty else { return nil }
        if let kept = cache[city] { return kept }
        let url = geoData.appendingPathComponent(city).appendingPathComponent("basemap.geojson.gz")
        guard let data = try? Data(contentsOf: url) else { return nil }
        let asset = ConsoleRoutes.Asset(data, contentType: "application/geo+json", encoding: "gzip")
        cache[city] = asset
        return asset
    }
}
