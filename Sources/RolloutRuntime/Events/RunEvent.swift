public import AutopilotModels
public import RolloutSyntax

/// A statement as it runs: its number, place, text and narration.
public struct StepInfo: Sendable, Equatable {
    /// 1, 2, 3 … in the order steps start.
    public var number: Int
    /// Where the statement is.
    public var location: SourceLocation
    /// The statement as users see it (secret literals hidden).
    public var text: String
    /// The statement.
    public var statement: StatementKind
    /// The comment lines above it.
    public var narration: [String]
    /// What it would change, for a change asked about first (step mode, a cloud prompt).
    public var preview: ChangePreview?
    /// True when it runs as an `else`.
    public var isElse: Bool
    /// The rollout member it runs for, inside a rollout block.
    public var member: MemberTag?
}

/// What a successful step produced, for the command to show. Indirect, so a result is one pointer
/// in the async frames it passes through (see `Indirect`).
public indirect enum StepResult: Sendable, Equatable {
    case none
    case message(String)
    case release(Release)
    case status(Release)
    case releases([Release])
    case history(release: String, versions: [Release])
    case charts([Chart])
    case chart(Chart)
    case values(chart: String, values: JSONValue)
    /// What `diff` found.
    case diff(ChangePreview)
    /// An upgrade `if changed` left the release alone: its values and chart would not change.
    case unchanged(Release)
    /// A change was made (or, with dry-run, checked); the action is the statement's keyword.
    case change(action: Keyword, release: Release, dryRun: Bool)
    /// A wait ended on this release state (nil when the release is gone).
    case waited(target: String, release: Release?, elapsed: Duration)
    /// An expect held.
    case expectation(String)
    /// In a plan: what the step would do besides its calls (wait, check, sleep), in words.
    case planned(String)
    /// A group was defined with these members.
    case group(name: String, members: [FleetMember])
    /// A verify passed (or, dry-run, would have failed for the reason given): the release and its tally.
    case verified(release: String, tally: AnalysisTally, dryRunFailure: String?)
    /// A rollout went through every member, each of which succeeded, or ended as its header accepts.
    case fleet(FleetSummary)
}

/// Why a step failed.
public struct StepFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, which picks the exit code.
    public enum Kind: String, Sendable, Equatable {
        case api, waitFailed, timedOut, expectation, aborted, invalid, interrupted, outcomeUnknown
        /// A change was not sent because its intent could not be put on record.
        case notRecorded
        /// A change was not sent because another run holds its release.
        case locked
        /// A rollout halted (its halt rule, or a gate not passed) and held.
        case halted
        /// A rollout halted and its policy rolled back what it named.
        case rolledBack
        /// A rollout went through every wave, and some of its members failed.
        case membersFailed
        /// An analysis failed: its failed or inconclusive measurements reached their limit.
        case analysisFailed
    }

    /// The kind.
    public var kind: Kind
    /// What failed, in words.
    public var message: String
    /// The API error behind it, if any.
    public var apiError: AutopilotError? {
        get { apiErrorStorage?.value }
        set { apiErrorStorage = newValue.map(Indirect.value) }
    }
    private var apiErrorStorage: Indirect<AutopilotError>?

    /// Makes a failure.
    public init(_ kind: Kind, _ message: String, apiError: AutopilotError? = nil) {
        self.kind = kind
        self.message = message
        self.apiErrorStorage = apiError.map(Indirect.value)
    }

    /// The message.
    public var description: String { message }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.kind == rhs.kind && lhs.message == rhs.message }
}

/// Which change a journal line is about, beyond its release and action: the statement that made
/// it (where it starts in the script; the column tells apart statements that share a line), and
/// the rollout member it was made for, with its wave. Every line of one change carries the same.
public struct ChangePlace: Codable, Sendable, Hashable {
    /// The script line of the statement that made it.
    public var line: Int?
    /// The column of that statement.
    public var column: Int?
    /// The rollout member it was made for (`FleetMember.label`), if any.
    public var member: String?
    /// That member's wave.
    public var wave: Int?

    /// A place.
    public init(line: Int? = nil, column: Int? = nil, member: String? = nil, wave: Int? = nil) {
        self.line = line
        self.column = column
        self.member = member
        self.wave = wave
    }
}

/// A change the interpreter made or tried, for the journal.
public struct ChangeRecord: Sendable, Equatable {
    /// `install`, `upgrade`, `rollback` or `uninstall`.
    public var action: Keyword
    /// The cluster id.
    public var cluster: String
    /// The namespace.
    public var namespace: String
    /// The release.
    public var release: String
    /// The version before, if known.
    public var versionBefore: Int?
    /// The version after, if known.
    public var versionAfter: Int?
    /// `sending` (written before the call), then what became of it.
    public var outcome: ChangeOutcome
    /// The values sent, with secrets redacted.
    public var values: JSONValue
    /// The error, when it failed.
    public var error: String?
    /// The service's id for the call that made it or refused it, when it answered.
    public var requestID: String?
    /// The statement and rollout member it was made for.
    public var place: ChangePlace

    /// A record of a change.
    public init(
        action: Keyword, cluster: String, namespace: String, release: String, versionBefore: Int?, versionAfter: Int?,
        outcome: ChangeOutcome, values: JSONValue, error: String? = nil, place: ChangePlace = ChangePlace()
    ) {
        self.action = action
        self.cluster = cluster
        self.namespace = namespace
        self.release = release
        self.versionBefore = versionBefore
        self.versionAfter = versionAfter
        self.outcome = outcome
        self.values = values
        self.error = error
        self.place = place
    }

    /// The release it changes, as `cluster/namespace/release`.
    public var releaseKey: String { "\(cluster)/\(namespace)/\(release)" }
}

/// What became of a change, as the journal records it.
public enum ChangeOutcome: String, Sendable, CaseIterable, Codable {
    /// About to be sent: written before the call, so a change that reaches the service is on record.
    case sending
    /// The service answered that it applied it.
    case applied
    /// The answer was lost, and reading the release back showed it applied once.
    case confirmed = "applied (confirmed by reading back)"
    /// Checked by the service and not applied (`set dry-run`).
    case dryRun = "dry-run"
    /// The service refused it, or it could not be sent.
    case failed
    /// It may or may not have been applied, and reading back could not tell.
    case outcomeUnknown = "outcome-unknown"
    /// Not sent: an upgrade `if changed` whose values and chart would not change.
    case skipped = "skipped (unchanged)"

    /// True when the change was made: applied, or found applied by reading back.
    public var madeTheChange: Bool { self == .applied || self == .confirmed }

    /// True when it may have been applied and no one knows yet: sent with no result, or with no
    /// answer that told.
    public var isUnsettled: Bool { self == .sending || self == .outcomeUnknown }
}

/// What the interpreter reports while it runs; it prints nothing itself. Indirect, so an event is
/// one pointer in the async frames that make it (see `Indirect`).
public indirect enum RunEvent: Sendable {
    /// A step starts.
    case started(StepInfo)
    /// A step is waiting for something, in words.
    case progress(StepInfo, String)
    /// A wait saw a release's status (first look, and every change).
    case statusChanged(StepInfo, release: String, status: ReleaseStatus, version: Int, elapsed: Duration)
    /// A change is about to be sent (outcome `sending`), or was sent, or failed; each is written to
    /// the journal before the script goes on.
    case change(StepInfo, ChangeRecord)
    /// A step ended.
    case finished(StepInfo, Result<StepResult, StepFailure>)
    /// A step was skipped (step mode).
    case skipped(StepInfo)
    /// A failure was handled by an `else`, which recovered it; the script ends here.
    case recovered(StepInfo)
    /// A plan lists a step's else branch (`index` 0 for the first): what would run if the step, or
    /// the branch before, failed. Its steps follow, then `alternativeEnded`.
    case alternative(StepInfo, index: Int)
    /// The end of a planned else branch.
    case alternativeEnded(StepInfo)
    /// A rollout's progress, from its statement.
    case fleet(StepInfo, FleetEvent)
    /// In a plan: what a change would do to the release's values, before its call.
    case preview(StepInfo, ChangePreview)
    /// An analysis measured; `decided` when this measurement decided it (failed it, or was its
    /// last), which the journal keeps.
    case measured(StepInfo, AnalysisMeasurement, decided: Bool)
}

extension RunEvent {
    /// The step it is about.
    public var step: StepInfo? {
        switch self {
        case .started(let info), .progress(let info, _), .statusChanged(let info, _, _, _, _), .change(let info, _), .finished(let info, _),
            .skipped(let info), .recovered(let info), .alternative(let info, _), .alternativeEnded(let info), .fleet(let info, _),
            .preview(let info, _), .measured(let info, _, _):
            return info
        }
    }
}

/// What step mode decided for a step.
public enum StepDecision: Sendable {
    case run, skip, quit
}
