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
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CLOUD_SDK_") && !$0.key.hasPrefix("ROLLOUT_") }
        env["HOME"] = home.path
        env["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        env["ROLLOUT_EMULATOR_DEPLOY_TIME"] = "200ms"
        env["PATH"] = URL(fileURLWithPath: Self.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["NO_COLOR"] = "1"
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

    /// Runs rollout (or another executable) to the end; kills it after `timeout`.
    func run(
        _ arguments: [String], stdin: String? = nil, executable: String = RolloutProcess.binary,
        extraEnvironment: [String: String] = [:], timeout: TimeInterval = 60
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment.merging(extraEnvironment) { $1 }
        process.currentDirectoryURL = Self.root
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let collected = Collected()
        let readers = [out, err].enumerated().map { index, pipe in
            Thread { collected.set(index, pipe.fileHandleForReading.readDataToEndOfFile()) }
        }
        readers.forEach { $0.start() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        while !collected.done { Thread.sleep(forTimeInterval: 0.01) }
        return Result(code: process.terminationStatus, out: collected.text(0), err: collected.text(1))
    }

    /// Starts rollout in the background (for signals); read its output after it ends.
    func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }
}

/// Output gathered by reader threads.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Int: Data] = [:]

    func set(_ index: Int, _ data: Data) { lock.withLock { parts[index] = data } }
    var done: Bool { lock.withLock { parts.count == 2 } }
    func text(_ index: Int) -> String { lock.withLock { String(decoding: parts[index] ?? Data(), as: UTF8.self) } }
}
