import RolloutSyntax

/// The prompt's own commands, beside the language's statements: how each is written and what it
/// does, read by `help`, completion and the hints.
enum PromptCommand: String, CaseIterable {
    case help, context, vars, save, edit, watch, exit, quit

    /// The word `watch` takes before its interval.
    static let everyWord = "every"
    /// How often `watch` looks when no interval is given, as psql's `\watch` and watch(1) do.
    static let defaultWatchInterval = Duration.seconds(2)

    /// The command a line starts with, if it is one.
    init?(line: String) {
        self.init(rawValue: String(line.split(separator: " ").first ?? ""))
    }

    /// How it is written.
    var syntax: String {
        switch self {
        case .help: return "help [<statement> | <topic>]"
        case .context: return "context"
        case .vars: return "vars"
        case .save: return "save [--no-reads] [--force] <file>"
        case .edit: return "edit"
        case .watch: return "watch <read statement> [\(Self.everyWord) <d>]"
        case .exit, .quit: return rawValue
        }
    }

    /// What it does, in a line.
    var summary: String {
        switch self {
        case .help: return "the statements, one statement's form and example, or a guide (help fleets)"
        case .context: return "the cluster, namespace and release in use, and the next change"
        case .vars: return "the variables (secrets hidden)"
        case .save: return "write the statements that worked in this session as a script"
        case .edit:
            return "open the statement being typed (or Ctrl-X Ctrl-E), else the last one, in $VISUAL or $EDITOR; run it when saved"
        case .watch: return "run a read again and again in place, marking what changed, until Ctrl-C"
        case .exit, .quit: return "leave (Ctrl-D too)"
        }
    }
}
