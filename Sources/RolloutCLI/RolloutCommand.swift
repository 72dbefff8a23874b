public import ArgumentParser
import AutopilotClient

/// `rollout`: drive CCE Autopilot chart releases from a prompt, a script file, `-c` or stdin.
public struct RolloutCommand: AsyncParsableCommand {
    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll out Helm chart releases on Huawei Cloud CCE Autopilot.",
        version: RolloutVersion.current,
        subcommands: [EmulatorCommand.self])

    /// Makes the command (ArgumentParser).
    public init() {}
}

/// The entry point of the `rollout` executable.
public enum RolloutMain {
    /// Parses the command line, runs it, and exits with its code.
    public static func run() async {
        await RolloutCommand.main()
    }
}
