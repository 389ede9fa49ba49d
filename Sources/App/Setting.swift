/// One setting of `o2o serve`: its key in a configuration file, its command-line flag and its
/// environment variable. Flags win over environment variables, which win over the file, which
/// wins over the default. ``Setting/all`` is the reference `docs/operations.md` lists.
public struct Setting: Hashable, Sendable {
    /// The dotted key: `http.port` is `{"http": {"port": 8080}}` in a JSON file.
    public var key: String
    /// The command-line flag, with its dashes.
    public var flag: String
    /// The default as a person writes it; nil when there is none (the setting is then unset).
    public var defaultValue: String?
    public var help: String

    /// `O2O_` and the key in upper case, dots and dashes as underscores: `O2O_HTTP_PORT`.
    public var environmentVariable: String {
        "O2O_" + key.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// How error messages name the setting: every way of giving it.
    public var names: String { "\(flag) (\(environmentVariable), \(key))" }

    public init(_ key: String, _ flag: String, default defaultValue: String?, _ help: String) {
        self.key = key; self.flag = flag; self.defaultValue = defaultValue; self.help = help
    }
}

extension Setting {
    public static let database = Setting("database.path", "--db", default: "data/o2o.sqlite", "The SpatiaLite database file (created when missing).")
    public static let geoData = Setting("geodata", "--geodata", default: "GeoData",
                                        "The GeoData folder: the demo city, the coverage cities and the console's base map.")
    public static let lowStockThreshold = Setting("stock.low_threshold", "--low-stock-threshold", default: "5",
                                                  "The low-stock threshold of stock rows that set none (for stock events), 0 to 1000000000.")
    public static let host = Setting("http.host", "--host", default: "127.0.0.1", "The address to listen on.")
    public static let port = Setting("http.port", "--port", default: "8080", "The port to listen on; 0 for any free port.")
    public static let publicURL = Setting("http.public_url", "--public-url", default: nil,
                                          "The base URL payment providers reach this server at (default http://HOST:PORT, or the payment settings' notify_base_url).")
    public static let idleTimeout = Setting("http.idle_timeout", "--idle-timeout", default: "30",
                                            "Seconds a connection may send nothing before it is closed (idle keep-alive, or a request trickling in), 1 to 3600.")
    public static let writeRate = Setting("http.write_rate", "--write-rate", default: "50",
                                          "Writes (non-GET requests) one caller may make a second, sustained; 0 for no limit.")
    public static let writeBurst = Setting("http.write_burst", "--write-burst", default: "500",
                                           "Writes one caller may make at once before the rate applies, 1 to 1000000.")
    public static let computeLimit = Setting("http.compute_limit", "--compute-limit", default: "60",
                                             "Seconds one long computation (a coverage report) may run before it is stopped with 503, 1 to 3600.")
    public static let demo = Setting("demo.import", "--no-demo", default: "true",
                                     "Import the demo city into an empty database at start (--no-demo, or false, starts empty).")
    public static let sweepInterval = Setting("sweep.interval", "--sweep-interval", default: "1",
                                              "Seconds between sweeps that release expired reservations and expire unpaid orders, 0.01 to 3600.")
    public static let dispatchInterval = Setting("dispatch.interval", "--dispatch-interval", default: "10",
                                                 "Seconds between dispatch rounds; 0 runs rounds only when POST /v1/dispatch/rounds asks.")
    public static let positionFlushInterval = Setting("dispatch.position_flush_interval", "--position-flush-interval", default: "5",
                                                      "Seconds between writes of rider positions to the database, 0.1 to 3600.")
    public static let offerTimeout = Setting("dispatch.offer_timeout", "--offer-timeout", default: "60",
                                             "Seconds a rider has to accept an offer before it returns to the pool, 1 to 3600.")
    public static let etaCity = Setting("eta.city", "--eta-city", default: "porto", "The city whose travel-time factors dispatch uses: porto or helsinki.")
    public static let detourFactor = Setting("eta.detour_factor", "--detour-factor", default: nil,
                                             "Road distance over straight-line distance, instead of the city's (Porto 1.4, Helsinki 1.3).")
    public static let pickupServiceSeconds = Setting("eta.pickup_service_seconds", "--pickup-service-seconds", default: nil,
                                                     "Seconds at the store collecting an order (the city's: 120).")
    public static let dropServiceSeconds = Setting("eta.drop_service_seconds", "--drop-service-seconds", default: nil,
                                                   "Seconds at the door handing it over (the city's: 120).")
    public static let bcryptCost = Setting("accounts.bcrypt_cost", "--bcrypt-cost", default: "10", "bcrypt's cost for new passwords (2^cost rounds), 4 to 31.")
    public static let payments = Setting("payments", "--payments", default: nil,
                                         "The payment settings (JSON with the providers' keys); default payments.json beside the database, created with fresh sandbox keys when missing.")
    public static let leaflet = Setting("leaflet", "--leaflet", default: "/usr/share/javascript/leaflet",
                                        "The folder the console's map library (Debian's libjs-leaflet) is served from.")
    public static let logLevel = Setting("log.level", "--log-level", default: "info",
                                         "The least severe log level written: trace, debug, info, notice, warning, error or critical.")
    public static let logFormat = Setting("log.format", "--log-format", default: "text",
                                          "text (one line a message) or json (one JSON object a line, for a log collector).")

    /// Every setting, in the order the reference lists them.
    public static let all: [Setting] = [
        database, geoData, lowStockThreshold, host, port, publicURL, idleTimeout, writeRate, writeBurst, computeLimit, demo,
        sweepInterval, dispatchInterval, positionFlushInterval, offerTimeout, etaCity, detourFactor, pickupServiceSeconds,
        dropServiceSeconds, bcryptCost, payments, leaflet, logLevel, logFormat,
    ]
}
