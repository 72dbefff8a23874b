import Foundation

/// Where rollout keeps its files, by the XDG base directory rules.
enum Paths {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    private static func base(_ variable: String, _ fallback: String) -> URL {
        if let value = environment[variable], value.hasPrefix("/") { return URL(fileURLWithPath: value) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(fallback)
    }

    /// `$XDG_STATE_HOME/rollout` (default `~/.local/state/rollout`).
    static var stateDirectory: URL { base("XDG_STATE_HOME", ".local/state").appendingPathComponent("rollout") }
    /// `$XDG_CONFIG_HOME/rollout/config.toml` (default `~/.config/rollout/config.toml`).
    static var configFile: URL { base("XDG_CONFIG_HOME", ".config").appendingPathComponent("rollout/config.toml") }
    /// The prompt's history.
    static var historyFile: URL { stateDirectory.appendingPathComponent("history") }
    /// The journal of changes.
    static var journalFile: URL { stateDirectory.appendingPathComponent("journal.jsonl") }

    /// Makes the state directory, readable by the owner only.
    static func ensureStateDirectory() throws {
        try FileManager.default.createDirectory(
            at: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
