import Foundation
import Testing

/// The built `rollout`, run as a user runs it, with its own state and config folders.
struct RolloutProcess {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = ProcessInfo.processInfo.environment["ROLLOUT_BIN"] ?? root.appendingPathComponent(".build/debug/rollout").path

    /// A fresh home for state, config and history.
    let home: URL

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    var environment: [String: String] {
        // Nothing of the machine's own cloud, proxy or TLS settings: each test names what it uses.
        let ambient = ["CLOUD_SDK_", "HUAWEICLOUD_SDK_", "ROLLOUT_", "HC_CONTAINER_"]
        let proxies: Set<String> = ["https_proxy", "http_proxy", "no_proxy", "ssl_cert_file"]
        var env = ProcessInfo.processInfo.environment.filter { key, _ in
            !ambient.contains { key.hasPrefix($0) } && !proxies.contains(key.lowercased())
        }
        env["HOME"] = home.path
        env["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        env["ROLLOUT_EMULATOR_DEPLOY_TIME"] = "200ms"
        env["PATH"] = URL(fileURLWithPath: Self.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["NO_COLOR"] = "1"
        // One user name wherever the tests run, as the journal and the documents show it.
        env["USER"] = "ops"
        return env
    }

    var journal: URL { home.appendingPathComponent("state/rollout/journal.jsonl") }
    var configFile: URL { home.appendingPathComponent("config/rollout/config.toml") }

    struct Result {
        var code: Int32
        var out: String
        var err: String
        var all: String { out + err }
    }

    /// Runs rollout (or another executable) to the end; terminates it after `timeout`.
    func run(
        _ arguments: [String], stdin: String? = nil, executable: String = RolloutProcess.binary,
        extraEnvironment: [String: String] = [:], timeout: Duration = .seconds(60)
    ) async throws -> Result {
        let child = Child.start(
            executable, arguments, environment: environment.merging(extraEnvironment) { $1 }, directory: Self.root,
            stdin: Data((stdin ?? "").utf8))
        let code = await child.exit(timeout: timeout)
        let (out, err) = await child.output()
        return Result(code: code, out: out, err: err)
    }

    /// Starts rollout in the background (for signals); await its end and output through the child.
    func start(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Child {
        Child.start(Self.binary, arguments, environment: environment.merging(extraEnvironment) { $1 })
    }
}
