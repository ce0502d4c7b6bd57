// swift-tools-version:6.1
// Cordon: a compliance-first data vault. No Swift package dependencies (project card):
// cryptography, storage and HTTP come from Debian's libsodium, SQLite and libmicrohttpd.

import PackageDescription

/// Shared by every target (as Hummingbird does): existential `any` spelled out, imports
/// visible only where declared, and C imports internal unless a file says otherwise.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "cordon",
    products: [
        .executable(name: "cordon", targets: ["cordon"]),
        .library(name: "CordonCore", targets: ["CordonCore"]),
        .library(name: "CordonAudit", targets: ["CordonAudit"]),
        .library(name: "CordonServer", targets: ["CordonServer"]),
    ],
    targets: [
        // System libraries (Debian -dev packages; the Makefile installs them when missing).
        .systemLibrary(
            name: "CSodium",
            path: "Sources/CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CMicroHTTPD",
            path: "Sources/CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // Shamir's secret sharing for key custody (decision 0020), used only by CordonCrypto.
        .systemLibrary(
            name: "CGFShare",
            path: "Sources/CGFShare",
            pkgConfig: "libgfshare",
            providers: [.apt(["libgfshare-dev"])]
        ),

        // The lowest Swift module: system calls with errno, durable writes, time, JSON.
        .target(name: "CordonSystem", swiftSettings: swiftSettings),

        // Wrapper modules: each C library is imported in exactly one of them.
        .target(name: "CordonCrypto", dependencies: ["CSodium", "CGFShare"], swiftSettings: swiftSettings),
        .target(
            name: "CordonStore",
            dependencies: ["CordonSystem", "CSQLite", "CSQLiteVFS"],
            swiftSettings: swiftSettings
        ),
        // The encrypting SQLite VFS (a C struct of function pointers), used only by CordonStore.
        // No unsafeFlags (SwiftPM refuses a dependency that has them): the Makefile turns the
        // C warnings on for its debug builds and test runs (`-Xcc -Wall -Xcc -Wextra`).
        .target(name: "CSQLiteVFS", dependencies: ["CSQLite", "CSodium"]),
        .target(name: "CordonAudit", dependencies: ["CordonSystem", "CordonCrypto"], swiftSettings: swiftSettings),

        // The domain: imports no C.
        .target(
            name: "CordonCore",
            dependencies: ["CordonSystem", "CordonCrypto", "CordonStore", "CordonAudit"],
            swiftSettings: swiftSettings
        ),

        // Generated demo data (fake customers and events in the compliance domain) for
        // `cordon demo-data` and `cordon demo`; the domain itself never depends on it.
        .target(name: "CordonDemoData", dependencies: ["CordonCore", "CordonSystem"], swiftSettings: swiftSettings),

        // The HTTP API: router, auth, handlers in plain Swift; one host file imports CMicroHTTPD.
        .target(
            name: "CordonServer",
            dependencies: ["CordonCore", "CordonAudit", "CordonCrypto", "CordonSystem", "CMicroHTTPD"],
            // The console's HTML, CSS and JavaScript, compiled into the binary (decision 0016).
            resources: [.embedInCode("Console")],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "cordon",
            dependencies: ["CordonCore", "CordonDemoData", "CordonCrypto", "CordonAudit", "CordonServer"],
            swiftSettings: swiftSettings
        ),

        // `make bench` and the crash tests' child process: store, audit and write-path workloads.
        .executableTarget(
            name: "cordon-bench",
            dependencies: ["CordonStore", "CordonAudit", "CordonCrypto", "CordonCore"],
            swiftSettings: swiftSettings
        ),

        // Helpers shared by the test targets (test targets cannot share files): the one temporary
        // directory, the CLI fixture (the built binary), the shipped-configuration vault, the seeded
        // generators; a tmpfs mounted for one test, so disk-full paths meet a real full disk where
        // root is available; the reliability suite's reading of a trail's claims and its run settings;
        // region nodes served on loopback ports (decision 0024).
        .target(
            name: "CordonTestSupport",
            dependencies: ["CordonAudit", "CordonCore", "CordonCrypto", "CordonServer"],
            path: "Tests/CordonTestSupport",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "CordonSystemTests", dependencies: ["CordonSystem"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CordonCryptoTests",
            dependencies: ["CordonCrypto"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordonStoreTests",
            dependencies: ["CordonStore", "cordon-bench", "CordonTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordonAuditTests",
            dependencies: ["CordonAudit", "CordonCrypto", "CordonTestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordonCoreTests",
            dependencies: [
                "CordonCore", "CordonDemoData", "CordonCrypto", "CordonStore", "CordonSystem", "CordonTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordonServerTests",
            dependencies: [
                "CordonServer", "CordonCore", "CordonAudit", "CordonCrypto", "CordonStore", "CordonTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "cordon", "CordonCore", "CordonAudit", "CordonCrypto", "CordonServer", "CordonStore",
                "CordonTestSupport",
            ],
            // Expected output of the CLI (`make golden` rewrites it).
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
