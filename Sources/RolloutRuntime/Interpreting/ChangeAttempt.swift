public import AutopilotModels
public import RolloutSyntax

/// One change, from its first send to its outcome, as a value-type state machine (as
/// AsyncHTTPClient models a request): given the action, the release's version before, and each
/// answer, error or read-back, it says what to do next. It does no I/O: the interpreter sends,
/// waits and reads as it is told, and records the outcome it is told to. Whether a change whose
/// answer was lost was applied is `ChangeVerdict`'s to say, here and on resume alike.
public struct ChangeAttempt: Sendable {
    /// What to do next.
    public enum Next: Sendable, Equatable {
        /// Send the change; after an interval, saying why, when it is sent again.
        case send(again: String?)
        /// Read the release back to learn what became of the change: briefly, outside the
        /// interrupted task, after an interrupt; else through transient errors until the deadline.
        case readBack(brief: Bool)
        /// The change is over: put the outcome on record, then end the step as it says.
        case finish(Outcome)
    }

    /// How a change ended: what the journal records, and how the step ends.
    public struct Outcome: Sendable, Equatable {
        /// The journal's outcome.
        public var recorded: ChangeOutcome
        /// The release after the change, when it is known.
        public var release: Release?
        /// The error for the journal, when it did not succeed.
        public var error: String?
        /// The step's failure; nil when the step succeeds.
        public var failure: StepFailure?
        /// What to say when the step succeeds in a way worth telling.
        public var note: String?

        /// True when the change was made.
        public var madeTheChange: Bool { recorded.madeTheChange || recorded == .dryRun }
    }

    /// `install`, `upgrade`, `rollback` or `uninstall`.
    public let action: Keyword
    /// The release's name, for what is said.
    public let release: String
    /// The version before the change (nil for an install).
    public let versionBefore: Int?
    /// True for a dry run, which the service checks and does not apply.
    public let dryRun: Bool
    /// The error that left the outcome unknown, while the release is read back.
    private var unknown: AutopilotError?

    /// A change about to be sent.
    public init(_ action: Keyword, release: String, versionBefore: Int?, dryRun: Bool = false) {
        self.action = action
        self.release = release
        self.versionBefore = versionBefore
        self.dryRun = dryRun
    }

    /// The first step: send it.
    public func start() -> Next { .send(again: nil) }

    /// The service answered: the change was made (or, in a dry run, checked).
    public mutating func answered(_ release: Release?) -> Next {
        .finish(Outcome(recorded: dryRun ? .dryRun : .applied, release: release))
    }

    /// The call failed; `canRetry` is true when there is time for another try before the deadline.
    public mutating func failed(_ error: AutopilotError, canRetry: Bool) -> Next {
        if error.isUpdateForbidden, canRetry {
            return .send(again: "\(release) is busy with an earlier change; trying again")
        }
        if error.changeNotApplied, canRetry {
            return .send(again: "\(error.description); it was not applied, so it is sent again")
        }
        switch error.kind {
        case .outcomeUnknown, .cancelled:
            // The change may have reached the service: what happened is read back, never guessed.
            unknown = error
            if error.kind == .outcomeUnknown, let found = error.readBack { return readBack(.found(found), canRetry: canRetry) }
            return .readBack(brief: error.kind == .cancelled)
        default:
            let failure = error.isUpdateForbidden
                ? StepFailure(.timedOut, "\(release) stayed busy with an earlier change past the timeout (\(error.description))", apiError: error)
                : Interpreter.failure(error)
            return .finish(Outcome(recorded: .failed, error: error.description, failure: failure))
        }
    }

    /// What reading the release back found, after an error that left the outcome unknown.
    public mutating func readBack(_ found: ReadBack, canRetry: Bool) -> Next {
        guard let error = unknown else { return .finish(Outcome(recorded: .outcomeUnknown, error: "read back with no change under way")) }
        let interrupted = error.kind == .cancelled
        switch ChangeVerdict.judge(action, versionBefore: versionBefore, readBack: found) {
        case .applied(let version):
            unknown = nil
            let shown = version.map { "version \($0)" } ?? "\(release) is being deleted"
            if interrupted {
                let failure = StepFailure(.interrupted, "interrupted; reading back shows \(shown): the \(action.rawValue) was applied")
                return .finish(Outcome(recorded: .confirmed, release: found.release, failure: failure))
            }
            return .finish(
                Outcome(recorded: .confirmed, release: found.release, note: "the answer was lost, but reading back shows \(shown): the \(action.rawValue) was applied once"))
        case .notApplied where interrupted:
            unknown = nil
            let failure = StepFailure(.interrupted, "interrupted; reading back shows the \(action.rawValue) was not applied")
            return .finish(Outcome(recorded: .failed, error: "interrupted; reading back shows it was not applied", failure: failure))
        case .notApplied where error.isServerError && found.release?.status.isPending == false && canRetry:
            // The service answered with an error and nothing changed: known not to be applied.
            unknown = nil
            return .send(again: "\(error.description); reading back shows version \(versionBefore ?? 0) unchanged, so it is sent again")
        default:
            return .finish(Outcome(recorded: .outcomeUnknown, error: error.description, failure: Interpreter.failure(error)))
        }
    }
}
