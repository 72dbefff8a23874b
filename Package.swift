// swift-tools-version: 6.2
import PackageDescription

/// One list of settings for every target.
let swiftSettings: [SwiftSetting] = [
    // Every existential is spelled `any P`, so the cost of dynamic dispatch is visible.
    .enableUpcomingFeature("ExistentialAny"),
    // A file sees only the modules it imports itself.
    .enableUpcomingFeature("MemberImportVisibility"),
    // Imports are internal unless a file says otherwise, so the public API shows what it exposes.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The articles of `Sources/RolloutCLI/RolloutCLI.docc` that `rollout help` shows.
enum HelpArticles {
    static let names = ["Command", "Language", "Targets", "Fleets", "Analyses", "Runbooks", "Resume", "State", "Emulation", "Architecture", "Testing"]
}

let package = Package(
    name: "rollout",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AutopilotClient", targets: ["AutopilotClient"]),
        .library(name: "AutopilotEmulator", targets: ["AutopilotEmulator"]),
        .library(name: "RolloutSyntax", targets: ["RolloutSyntax"]),
        .library(name: "RolloutRuntime", targets: ["RolloutRuntime"]),
        .executable(name: "rollout", targets: ["rollout"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` builds the DocC catalogs into a site.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The wire models and the API's rules, with no networking: the language's front end reads them too.
        .target(name: "AutopilotModels", swiftSettings: swiftSettings),
        .target(
            name: "AutopilotClient",
            dependencies: [
                "AutopilotModels",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "AutopilotEmulator",
            dependencies: [
                "AutopilotClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RolloutSyntax",
            dependencies: ["AutopilotModels"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RolloutRuntime",
            dependencies: ["RolloutSyntax", "AutopilotModels"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(
            name: "LineEditor",
            dependencies: ["CEditLine"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RolloutCLI",
            dependencies: [
                "AutopilotClient", "AutopilotEmulator", "RolloutSyntax", "RolloutRuntime", "LineEditor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The reference articles, compiled in for `rollout help <topic>` (HelpTopic.swift names each).
            resources: HelpArticles.names.map { .embedInCode("RolloutCLI.docc/\($0).md") },
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rollout",
            dependencies: ["RolloutCLI"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AutopilotTesting",
            dependencies: [
                "AutopilotClient", "AutopilotEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AutopilotClientTests",
            dependencies: [
                "AutopilotClient", "AutopilotTesting", "AutopilotEmulator",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutSyntaxTests",
            dependencies: [
                "RolloutSyntax", "AutopilotModels",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            // Read from the source tree by the fuzzer and FuzzRegressionTests, not bundled.
            exclude: ["FuzzCorpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutRuntimeTests",
            dependencies: ["RolloutRuntime", "RolloutSyntax", "AutopilotClient", "AutopilotTesting", "AutopilotEmulator"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutCLITests",
            dependencies: [
                "rollout", "RolloutCLI", "RolloutSyntax", "RolloutRuntime", "AutopilotClient", "AutopilotTesting", "AutopilotEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AutopilotEmulatorTests",
            dependencies: ["AutopilotClient", "AutopilotTesting", "AutopilotEmulator"],
            swiftSettings: swiftSettings
        ),
    ]
)
