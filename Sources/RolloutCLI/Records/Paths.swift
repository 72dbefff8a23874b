import Foundation

/// Where rollout keeps its files, by the XDG base directory rules, for an environment (the
/// process's unless one is given).
struct Paths {
    let environment: [String: String]

    /// The paths for an environment.
    init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    private func base(_ variable: String, _ fallback: String) -> URL {
        if let value = environment[variable], value.hasPrefix("/") { return URL(fileURLWithPath: value) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(fallback)
    }

    /// `$XDG_STATE_HOME/rollout` (default `~/.local/state/rollout`).
    var stateDirectory: URL { base("XDG_STATE_HOME", ".local/state").appendingPathComponent("rollout") }
    /// `$XDG_CONFIG_HOME/rollout/config.toml` (default `~/.config/rollout/config.toml`).
    var configFile: URL { base("XDG_CONFIG_HOME", ".config").appendingPathComponent("rollout/config.toml") }
    /// The prompt's history.
    var historyFile: URL { stateDirectory.appendingPathComponent("history") }
    /// The journal of changes.
    var journalFile: URL { stateDirectory.appendingPathComponent("journal.jsonl") }

    /// Makes the state directory, readable by the owner only.
    func ensureStateDirectory() throws {
        try FileManager.default.createDirectory(
            at: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
