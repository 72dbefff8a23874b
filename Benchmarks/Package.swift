// swift-tools-version: 6.2
// The Swift side of scripts/bench, a package of its own so that building and testing rollout does not
// compile it. It depends on rollout by path; `scripts/bench/run` builds it.
import PackageDescription

let package = Package(
    name: "rollout-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "rollout", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "rollout-bench",
            dependencies: [
                .product(name: "AutopilotClient", package: "rollout"),
                .product(name: "AutopilotEmulator", package: "rollout"),
                .product(name: "RolloutSyntax", package: "rollout"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    ]
)
