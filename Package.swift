// swift-tools-version:6.0
// hookd: train on libtorch, watch activations through Swift module hooks, serve them over HTTP.
import PackageDescription

/// libtorch's C++ is compiled optimised even in debug builds: the shim holds the fused
/// statistics kernel and the optimizer steps, which are hot paths in every test and run.
let optimisedCxx: [CXXSetting] = [.unsafeFlags(["-O2"])]

let package = Package(
    name: "hookd",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hookd", targets: ["hookd"]),
        .library(name: "HookKit", targets: ["HookKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C at the edges.
        .target(
            name: "CTorch",
            cxxSettings: optimisedCxx,
            linkerSettings: [
                .linkedLibrary("torch"), .linkedLibrary("torch_cpu"), .linkedLibrary("c10"),
            ]
        ),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // libjpeg-turbo; shim.h keeps libjpeg's setjmp/longjmp error handling inside C.
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        // Per-thread nice, CPU affinity and names: syscall() and prctl() are variadic.
        .systemLibrary(name: "CPlatform"),

        // One job per Swift target.
        // What each statistic is called and computes, shared by the kernel's caller and the store.
        .target(name: "Statistics"),
        // Training-health rules: recorded statistics in, alert events out (no tensors, no SQLite).
        .target(name: "Health", dependencies: ["Statistics"]),
        .target(name: "Torch", dependencies: ["CTorch", "Statistics"]),
        .target(name: "Datasets", dependencies: ["CZlib", "CPNG", "CJPEG"]),
        .target(name: "HookKit", dependencies: ["Torch", "Datasets", "Statistics", "Health"]),
        .target(name: "StatsStore", dependencies: ["CSQLite", "Statistics"]),
        // Text, CSV and the one JSON emitter: what HTTP and the command line show people.
        .target(name: "Rendering", dependencies: ["StatsStore", "Statistics"]),
        // Thread placement and signals: what the server, the daemon and the CLI all need.
        .target(name: "Platform", dependencies: ["CPlatform"]),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "Platform"]),
        .target(
            name: "Daemon",
            dependencies: [
                "HookKit", "StatsStore", "Statistics", "Rendering", "HTTPServer", "Platform", "Health",
                .product(name: "Logging", package: "swift-log"),
            ],
            // The dashboard's own files, compiled into the binary (`PackageResources`): the same
            // bytes under `swift run`, .build/release and the systemd unit, nothing to install.
            resources: ["index.html", "style.css", "favicon.svg", "api.js", "charts.js", "colordim.js", "app.js"].map {
                .embedInCode("Dashboard/\($0)")
            }
        ),
        .executableTarget(
            name: "hookd",
            dependencies: [
                "Daemon", "HookKit", "StatsStore", "Statistics", "Rendering", "Platform", "Health",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks (bench/): the stats writer's throughput, compared with bench/store_peer.c.
        .executableTarget(name: "StoreBench", dependencies: ["StatsStore", "Statistics"], path: "bench/StoreBench"),

        // What the plot tests read of an SVG, through Foundation's XML parser (shared by three test targets).
        .target(name: "SVGInspection", path: "Tests/SVGInspection"),
        // Raw sockets that hold, trickle or watch connections (HTTP server and daemon tests).
        .target(name: "SocketSupport", path: "Tests/SocketSupport"),
        // A free TCP port for tests whose processes meet at a rendezvous port.
        .target(name: "TestPorts", path: "Tests/TestPorts"),
        // The ranks of a process group on threads of one test process (Torch and HookKit tests).
        .target(name: "TestRanks", dependencies: ["Torch", "TestPorts"], path: "Tests/TestRanks"),

        .testTarget(name: "TorchTests", dependencies: ["Torch", "Statistics", "TestRanks"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HealthTests", dependencies: ["Health", "Statistics"]),
        .testTarget(name: "HookKitTests", dependencies: ["HookKit", "Statistics", "Health", "TestRanks"]),
        .testTarget(name: "StatsStoreTests", dependencies: ["StatsStore", "Statistics", "Rendering", "SVGInspection"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Platform", "SocketSupport"]),
        // HTTPServer directly too: the test client connects through its ListenAddress.
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "HTTPServer", "Platform", "StatsStore", "Statistics", "Rendering", "Health", "SVGInspection", "SocketSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RecordingTests", dependencies: ["Daemon", "HookKit", "StatsStore", "Statistics", "Health", "Rendering", "Torch", "Datasets"]),
        // Drives the real hookd binary (built next to the test bundle) as users do; Datasets
        // decodes the PNGs headless Chromium renders of its plots.
        .testTarget(name: "CLITests", dependencies: ["StatsStore", "Datasets", "SVGInspection", "TestPorts"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
