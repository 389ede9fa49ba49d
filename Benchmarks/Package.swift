// swift-tools-version: 6.1
// The benchmarks live in their own package so that the test build never compiles them.
// Run from this folder: swift package benchmark
import PackageDescription

let package = Package(
    name: "o2o-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "o2o", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "StoreFinderBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "o2o"),
                .product(name: "Stores", package: "o2o"),
                .product(name: "StoreImport", package: "o2o"),
                .product(name: "GeoCore", package: "o2o"),
                .product(name: "SpatialIndex", package: "o2o"),
                .product(name: "Persistence", package: "o2o"),
            ],
            path: "Benchmarks/StoreFinderBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StockBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "o2o"),
                .product(name: "Stores", package: "o2o"),
                .product(name: "StoreImport", package: "o2o"),
                .product(name: "GeoCore", package: "o2o"),
                .product(name: "Persistence", package: "o2o"),
            ],
            path: "Benchmarks/StockBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DispatchBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "o2o"),
                .product(name: "Dispatching", package: "o2o"),
                .product(name: "SpatialIndex", package: "o2o"),
                .product(name: "GeoCore", package: "o2o"),
                .product(name: "Persistence", package: "o2o"),
                .product(name: "StoreImport", package: "o2o"),
                .product(name: "NationalData", package: "o2o"),
            ],
            path: "Benchmarks/DispatchBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RoutingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Routing", package: "o2o"),
            ],
            path: "Benchmarks/RoutingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PeerHarness",
            dependencies: [
                .product(name: "Kernel", package: "o2o"),
                .product(name: "Stores", package: "o2o"),
                .product(name: "StoreImport", package: "o2o"),
                .product(name: "Dispatching", package: "o2o"),
                .product(name: "NationalData", package: "o2o"),
                .product(name: "GeoCore", package: "o2o"),
                .product(name: "SpatialIndex", package: "o2o"),
                .product(name: "Persistence", package: "o2o"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Routing", package: "o2o"),
                .product(name: "Coverage", package: "o2o"),
            ],
            path: "peers/PeerHarness"
        ),
        .executableTarget(
            name: "CoverageBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Coverage", package: "o2o"),
                .product(name: "GeoCore", package: "o2o"),
                .product(name: "NationalData", package: "o2o"),
            ],
            path: "Benchmarks/CoverageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "NationalBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "o2o"),
                .product(name: "Stores", package: "o2o"),
                .product(name: "NationalData", package: "o2o"),
                .product(name: "GeoCore", package: "o2o"),
            ],
            path: "Benchmarks/NationalBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
