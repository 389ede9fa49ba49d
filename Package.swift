// swift-tools-version: 6.1
import PackageDescription

/// The compute-heavy modules (geometry, indexes, routing) are optimised in debug builds too:
/// unoptimised, a coverage report over a city's zones takes seconds, which the tests and the
/// fuzz run against the debug server would wait on. Release builds optimise everything anyway.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "o2o",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "o2o", targets: ["o2o"]),
        .library(name: "Kernel", targets: ["Kernel"]),
        .library(name: "GeoCore", targets: ["GeoCore"]),
        .library(name: "SpatialIndex", targets: ["SpatialIndex"]),
        .library(name: "Stores", targets: ["Stores"]),
        .library(name: "StoreImport", targets: ["StoreImport"]),
        .library(name: "NationalData", targets: ["NationalData"]),
        .library(name: "Dispatching", targets: ["Dispatching"]),
        .library(name: "LiveEvents", targets: ["LiveEvents"]),
        .library(name: "Routing", targets: ["Routing"]),
        .library(name: "Coverage", targets: ["Coverage"]),
        .library(name: "Persistence", targets: ["Persistence"]),
        .library(name: "HTTPAPI", targets: ["HTTPAPI"]),
        .library(name: "App", targets: ["App"]),
        .library(name: "Accounts", targets: ["Accounts"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "Commerce", targets: ["Commerce"]),
        .library(name: "Orders", targets: ["Orders"]),
        .library(name: "Payments", targets: ["Payments"]),
        .library(name: "Marketing", targets: ["Marketing"]),
        .library(name: "Reports", targets: ["Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSpatialite",
            pkgConfig: "spatialite",
            providers: [.apt(["libspatialite-dev", "libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CProj",
            pkgConfig: "proj",
            providers: [.apt(["libproj-dev"])]
        ),
        .target(name: "Kernel"),
        .target(name: "GeoCore"),
        .target(name: "Catalog", dependencies: ["Kernel", "GeoCore", "Stores"]),
        .target(name: "Commerce", dependencies: ["Kernel", "GeoCore", "Stores", "Accounts", "Catalog"]),
        .target(name: "Marketing", dependencies: ["Kernel", "Accounts", "Commerce"]),
        .target(name: "Reports", dependencies: ["Kernel"]),
        .target(name: "Orders", dependencies: ["Kernel", "GeoCore", "Stores", "Accounts", "Commerce", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Payments",
            dependencies: [
                "Kernel", "GeoCore", "Accounts", "Orders",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Accounts",
            dependencies: [
                "Kernel", "GeoCore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "LiveEvents"),
        .target(name: "Routing", swiftSettings: optimisedInDebug),
        .target(name: "Coverage", dependencies: ["Kernel", "GeoCore", "SpatialIndex", "Projection", "Dispatching"],
                swiftSettings: optimisedInDebug),
        .target(name: "SpatialIndex", dependencies: ["GeoCore"], swiftSettings: optimisedInDebug),
        .target(name: "Projection", dependencies: ["GeoCore", "CProj"]),
        .target(
            name: "Stores",
            dependencies: ["Kernel", "GeoCore", "SpatialIndex", "LiveEvents", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "StoreImport", dependencies: ["Kernel", "GeoCore", "Stores", "Coverage"]),
        .target(name: "Dispatching", dependencies: ["Kernel", "GeoCore", "SpatialIndex", "LiveEvents", "Routing"], swiftSettings: optimisedInDebug),
        .target(name: "NationalData", dependencies: ["Kernel", "GeoCore", "Stores", "StoreImport", "Coverage", "Dispatching"]),
        .target(
            name: "Persistence",
            dependencies: [
                "Kernel", "GeoCore", "Stores", "Dispatching", "Coverage", "Accounts", "Catalog", "Commerce", "Orders", "Payments", "Marketing", "Reports", "CSpatialite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "O2OAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.copy("openapi.yaml")],
            // The generated code imports Foundation as `package`; SwiftPM's resource accessor imports it plainly.
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "HTTPAPI",
            dependencies: [
                "O2OAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Yams", package: "Yams"),
                "Kernel", "GeoCore", "Stores", "StoreImport", "Dispatching", "LiveEvents", "Coverage", "Accounts", "Catalog", "Commerce", "Orders", "Payments", "Marketing", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Console")]
        ),
        .target(
            name: "App",
            dependencies: [
                "Kernel", "GeoCore", "Stores", "StoreImport", "Persistence", "Dispatching", "Accounts", "Catalog", "Commerce", "Orders",
                "Payments", "Marketing", "Reports", "HTTPAPI",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "o2o",
            dependencies: [
                "App", "Kernel", "GeoCore", "Stores", "StoreImport", "Persistence", "HTTPAPI", "Projection", "Dispatching", "Routing", "Coverage", "Accounts", "Catalog", "Commerce", "Orders", "Payments", "Marketing", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "O2OTestSupport",
            dependencies: ["Kernel", "GeoCore", "Stores", "StoreImport", "Persistence", "Dispatching", "Accounts", "Catalog", "Commerce", "Orders", "Payments", "Marketing", "Reports",
                           .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support"
        ),
        .target(name: "TestRandom", path: "Tests/Random"),
        .testTarget(name: "GeoCoreTests", dependencies: ["Kernel", "GeoCore", "TestRandom"]),
        .testTarget(name: "SpatialIndexTests", dependencies: ["Kernel", "SpatialIndex", "GeoCore", "TestRandom"]),
        .testTarget(name: "ProjectionTests", dependencies: ["Kernel", "Projection", "GeoCore"]),
        .testTarget(name: "StoresTests", dependencies: ["Kernel", "Stores", "GeoCore", "TestRandom", "Persistence", "Dispatching", "O2OTestSupport"]),
        .testTarget(name: "DispatchingTests", dependencies: ["Kernel", "Dispatching", "GeoCore", "TestRandom", "Persistence", "O2OTestSupport"]),
        .testTarget(name: "AccountsTests", dependencies: ["Kernel", "Accounts", "Persistence", "Stores", "GeoCore", "O2OTestSupport"]),
        .testTarget(name: "CatalogTests", dependencies: ["Kernel", "Catalog", "Persistence", "Stores", "StoreImport", "GeoCore", "O2OTestSupport", "TestRandom"]),
        .testTarget(name: "KernelTests", dependencies: ["Kernel"]),
        .testTarget(name: "CommerceTests", dependencies: ["Kernel", "Commerce", "Accounts", "Catalog", "Persistence", "Stores", "StoreImport", "GeoCore", "O2OTestSupport"]),
        .testTarget(name: "OrdersTests", dependencies: ["Kernel", "Orders", "Commerce", "Accounts", "Catalog", "Persistence", "Stores", "StoreImport", "GeoCore", "O2OTestSupport"]),
        .testTarget(name: "PaymentsTests", dependencies: ["Kernel", "Payments", "Orders", "Commerce", "Accounts", "Persistence", "Stores", "GeoCore", "O2OTestSupport"]),
        .testTarget(name: "MarketingTests", dependencies: ["Kernel", "Marketing", "Orders", "Commerce", "Accounts", "Catalog", "Persistence", "Stores", "StoreImport", "GeoCore", "O2OTestSupport", "TestRandom"]),
        .testTarget(name: "ReportsTests", dependencies: ["Kernel", "Reports", "Orders", "Commerce", "Dispatching", "Accounts", "Persistence", "Stores", "GeoCore", "O2OTestSupport"]),
        .testTarget(name: "RoutingTests", dependencies: ["Kernel", "Routing"]),
        .testTarget(
            name: "CoverageTests",
            dependencies: [
                "Kernel",
                "Coverage", "GeoCore", "Dispatching", "Persistence", "Stores", "StoreImport", "O2OTestSupport", "TestRandom", "CSpatialite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["Kernel", "o2o", "O2OTestSupport", "Payments", "Persistence", "Stores"]),
        .testTarget(name: "NationalDataTests", dependencies: ["Kernel", "NationalData", "Stores", "GeoCore", "O2OTestSupport"]),
        .testTarget(name: "DocsTests", dependencies: ["o2o", "HTTPAPI"]),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "Kernel", .product(name: "Configuration", package: "swift-configuration"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "StoreImportTests", dependencies: ["Kernel", "StoreImport", "Stores", "GeoCore"]),
        .testTarget(
            name: "PersistenceTests",
            dependencies: [
                "Kernel",
                "Persistence", "Stores", "StoreImport", "GeoCore", "CSpatialite", "Dispatching", "O2OTestSupport", "TestRandom",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "Kernel",
                "App", "HTTPAPI", "O2OAPI", "Persistence", "Stores", "GeoCore", "Dispatching", "Coverage", "StoreImport", "O2OTestSupport", "TestRandom", "Accounts", "Catalog", "Commerce", "Orders", "Payments",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
