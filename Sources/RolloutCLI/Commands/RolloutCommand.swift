public import ArgumentParser
import AutopilotClient
import Foundation
import RolloutRuntime

/// `rollout`: drive CCE Autopilot chart releases from a prompt, a script file, `-c` or stdin.
public struct RolloutCommand: AsyncParsableCommand {
    /// The command tree; a first word that is not a subcommand is a script file for `run`.
    public static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll out Helm chart releases on Huawei Cloud CCE Autopilot.",
        discussion: """
            rollout                     the prompt (the embedded emulator with no cloud)
            rollout deploy.rollout      run a script file (#!/usr/bin/env rollout works)
            rollout -c 'statements'     run statements
            rollout - < deploy.rollout  run a script from stdin
            rollout runbook.md          run the ```rollout blocks of a Markdown runbook
            rollout doctor              check target, credentials, proxy, TLS and clock
            """ + "\n\nGuides: rollout help <topic>, where the topic is " + HelpTopic.names + ".\n\n" + ExitCode.summary,
        version: RolloutVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, PlanCommand.self, DoctorCommand.self, EmulatorCommand.self, JournalCommand.self, RunsCommand.self, WatchCommand.self, ApproveCommand.self, HoldCommand.self, AbortCommand.self, UnlockCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Makes the command (ArgumentParser).
    public init() {}
}

/// The entry point of the `rollout` executable.
public enum RolloutMain {
    /// Parses the command line, runs it, and exits with its code: 2 for a bad command line.
    public static func run() async -> Never {
        HelpWidth.keepSane()
        HelpTopic.showIfAsked(Array(CommandLine.arguments.dropFirst()))
        if let typo = CommandTypo.find(in: Array(CommandLine.arguments.dropFirst())) {
            Console.err("rollout: \(typo)")
            exit(ExitCode.invalid.rawValue)
        }
        do {
            var command = try RolloutCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let done as CLIExit {
            exit(done.code)
        } catch let error as CLIError {
            Console.err("rollout: \(error.description.terminalSafe)")
            exit(error.exitCode)
        } catch {
            let code = RolloutCommand.exitCode(for: error)
            let message = RolloutCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.out(message) }
                exit(0)
            }
            Console.err(message)
            exit(code == .validationFailure ? ExitCode.invalid.rawValue : code.rawValue)
        }
    }
}

/// The width the command-line parser wraps help to. It takes `COLUMNS`, or the terminal's width,
/// as it is and stops the process when that is narrower than its indent (`COLUMNS=0 rollout -h`),
/// so a width it cannot use is set to one it can before it reads any.
enum HelpWidth {
    /// The narrowest width help is wrapped to.
    static let narrowest = 40

    static func keepSane() {
        if let text = getenv("COLUMNS").map({ String(cString: $0) }) {
            if (Int(text) ?? 0) < narrowest { setenv("COLUMNS", String(narrowest), 1) }
            return
        }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, Int(size.ws_col) < narrowest {
            setenv("COLUMNS", String(narrowest), 1)
        }
    }
}

/// A first word meant as a command and mistyped (`rollout chekc x.rollout`): without this it is
/// taken for a script file and the complaint is about the words after it.
enum CommandTypo {
    /// The commands a first word may name.
    static var commands: [String] {
        RolloutCommand.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// What to say when the first word is no command, no file and close to a command; nil otherwise.
    static func find(in arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first),
            !FileManager.default.fileExists(atPath: first), let meant = Suggest.closest(to: first, in: commands)
        else { return nil }
        return "no command or script file '\(first.terminalSafe)'; \(Suggest.didYouMean("rollout \(meant)"))"
    }
}
