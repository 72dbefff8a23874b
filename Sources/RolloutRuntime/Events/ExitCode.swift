/// How a run ended, as the process exit code.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Every statement succeeded (a rollout: every member).
    case success = 0
    /// A statement failed and nothing recovered it.
    case stepFailed = 1
    /// The script or the command line is invalid; nothing ran.
    case invalid = 2
    /// A statement failed and its `else` recovered.
    case recovered = 3
    /// A `wait` (or an upgrade waiting for a busy release) ran out of time.
    case timedOut = 4
    /// A rollout halted (by its halt rule or a gate not passed) and held.
    case halted = 5
    /// A rollout halted and its policy rolled back.
    case rolledBack = 6
    /// `plan --live`: the script would change something (0 there means it would change nothing).
    case wouldChange = 7
    /// Another run holds a release the run would change, past `--lock-timeout` (the last line names it).
    case locked = 8
    /// Interrupted (Ctrl-C).
    case interrupted = 130

    /// Every code with its meaning, in a sentence, for help.
    public static var summary: String {
        "Exit codes: " + allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: ", ") + "."
    }

    /// What it means, for help and the README.
    public var meaning: String {
        switch self {
        case .success: return "success"
        case .stepFailed: return "a step failed"
        case .invalid: return "invalid script or command line"
        case .recovered: return "a step failed and its else recovered"
        case .timedOut: return "a wait timed out"
        case .halted: return "a rollout halted and held"
        case .rolledBack: return "a rollout halted and rolled back"
        case .wouldChange: return "plan --live: the script would change something"
        case .locked: return "another run holds a release it would change"
        case .interrupted: return "interrupted"
        }
    }
}
