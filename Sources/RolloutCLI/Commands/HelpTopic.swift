import AutopilotModels
import Foundation
import RolloutRuntime

/// A reference article of `RolloutCLI.docc`, shown in the terminal by `rollout help <topic>` and by
/// `help <topic>` at the prompt: the same text the README links and the documentation site builds.
/// A topic is its article's file name in lower case, and none is a subcommand's name, which
/// `rollout help <subcommand>` keeps for the subcommand's options.
enum HelpTopic: String, CaseIterable {
    case command, language, targets, fleets, analyses, runbooks, resume, state, emulation, architecture, testing

    /// The article's Markdown, compiled in (Package.swift embeds each file the cases name).
    var markdown: String {
        let bytes: [UInt8] =
            switch self {
            case .command: PackageResources.Command_md
            case .language: PackageResources.Language_md
            case .targets: PackageResources.Targets_md
            case .fleets: PackageResources.Fleets_md
            case .analyses: PackageResources.Analyses_md
            case .runbooks: PackageResources.Runbooks_md
            case .resume: PackageResources.Resume_md
            case .state: PackageResources.State_md
            case .emulation: PackageResources.Emulation_md
            case .architecture: PackageResources.Architecture_md
            case .testing: PackageResources.Testing_md
            }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The article for a terminal: a link to another article (`<doc:Fleets>`) names the help that shows it.
    var text: String {
        var text = markdown
        for topic in HelpTopic.allCases {
            text = text.replacingOccurrences(of: "<doc:\(topic.file)>", with: "`rollout help \(topic.rawValue)`")
        }
        return text
    }

    /// The article's file name, without `.md`.
    var file: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// The topics' names in a sentence: `command, language, … or testing`.
    static var names: String {
        allCases.dropLast().map(\.rawValue).joined(separator: ", ") + " or " + allCases.last!.rawValue
    }

    /// What to say for a topic that is not one.
    static func unknown(_ name: String) -> String {
        if let meant = Suggest.closest(to: name, in: allCases.map(\.rawValue)) {
            return "no help topic '\(name.terminalSafe)'; " + Suggest.didYouMean("rollout help \(meant)")
        }
        return "no help topic '\(name.terminalSafe)'; the topics are \(names)"
    }

    /// Shows the topic `rollout help <topic>` asks for and exits (through the pager when it is longer
    /// than the terminal); returns for every other command line, `rollout help check` included.
    static func showIfAsked(_ arguments: [String]) {
        guard arguments.count == 2, arguments[0] == "help", !CommandTypo.commands.contains(arguments[1]) else { return }
        guard let topic = HelpTopic(rawValue: arguments[1].lowercased()) else {
            Console.err("rollout: " + unknown(arguments[1]))
            exit(ExitCode.invalid.rawValue)
        }
        let text = topic.text
        if let pager = Pager.make(disabled: false, environment: ProcessInfo.processInfo.environment), pager.pages(text) {
            pager.show(text)
        } else {
            Console.out(text)
        }
        exit(0)
    }
}
