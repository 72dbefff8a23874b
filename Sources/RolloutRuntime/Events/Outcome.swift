/// How a rollout member, a rollout, or a run ended: one word each, said the same way by the
/// renderer, the JSON output, the run record and the exit code.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    /// Everything it ran succeeded.
    case succeeded
    /// Something failed and an `else` recovered it (a member: accepted by `recovered ok`).
    case recovered
    /// Something failed and nothing recovered it (a rollout: members failed below its halt rule).
    case failed
    /// A rollout halted (its halt rule, or a gate not passed) and held.
    case held
    /// A rollout halted and its policy rolled back what it names.
    case rolledBack = "rolled back"
    /// Interrupted (Ctrl-C, or `q` in step mode).
    case interrupted

    /// How a run that exited with this code ended; nil for codes that say nothing ran
    /// (an invalid script, a plan).
    public init?(_ code: ExitCode) {
        switch code {
        case .success: self = .succeeded
        case .recovered: self = .recovered
        case .stepFailed, .timedOut, .locked: self = .failed
        case .halted: self = .held
        case .rolledBack: self = .rolledBack
        case .interrupted: self = .interrupted
        case .invalid, .wouldChange: return nil
        }
    }

    /// True when it came to its end as written: nothing is left to resume.
    public var isOver: Bool { self == .succeeded || self == .recovered }

    /// How a rollout that went through every wave ended, from its members' last states.
    public static func ofRollout(_ states: [MemberState]) -> Outcome {
        if states.contains(where: \.isFailure) { return .failed }
        return states.contains(.recovered) ? .recovered : .succeeded
    }
}
