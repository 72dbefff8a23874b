public import AutopilotModels
public import RolloutSyntax

/// Runs statements against a `ReleaseAPI`, one at a time, and reports what happens as `RunEvent`s;
/// it prints nothing itself.
///
/// A statement fails when the API answers an error, a wait sees a failed status or runs out of
/// time, an expect is false, or on abort. An `else` runs exactly when the statement before it
/// failed; when it succeeds, the failure is recovered and the script ends there (exit code 3),
/// since the statements after it were written for the step having worked.
public actor Interpreter {
    /// Whether statements take effect, or are planned: a plan runs the same statements against an
    /// API that sends nothing (`RecordingAPI`), without waiting, comparing or asking, and lists every
    /// `else` branch after the statement it belongs to as what would run if it failed.
    public enum Mode: Sendable { case run, plan }

    /// The context statements run in; the prompt shows it.
    public internal(set) var context: RunContext
    let api: any ReleaseAPI
    let mode: Mode
    /// True in a plan whose reads go to the target (`plan --live`): a group's query is read then too.
    let readsLive: Bool
    let environment: [String: String]
    let resolveCluster: @Sendable (String) -> String
    let emit: @Sendable (RunEvent) -> Void
    /// Puts a change on record; a change whose intent it cannot record is not sent.
    let journal: @Sendable (ChangeRecord) async throws -> Void
    /// What an interrupt reaches: a rollout's members, and read-backs under way.
    let control: RunControl
    /// The profile's named fleets, for `group ... = fleet <name>`.
    let fleets: [String: [String]]
    /// The groups defined so far.
    var groups: [String: [FleetMember]] = [:]
    /// The analyses defined so far.
    var analyses: [String: AnalysisDefinition] = [:]
    /// Where analyses measure.
    let sources: AnalysisSources
    /// The rollout member this interpreter runs a block for, if it does.
    var member: MemberTag?
    var beforeStep: (@Sendable (StepInfo) async -> StepDecision)?
    /// Puts a statement's start on record before it runs; a statement whose start cannot be
    /// recorded does not run.
    var beforeStatement: (@Sendable (StepInfo) async throws -> Void)?
    /// Takes the leases on releases (`cluster/namespace/name` keys) before they are changed, so that
    /// no other run changes them meanwhile: nil once they are held, a sentence naming the holder
    /// when another run holds one; throws when the leases cannot be taken or checked.
    let claim: (@Sendable ([String], StepInfo) async throws -> String?)?
    var onPause: @Sendable (String) async -> Bool = { _ in true }
    var onGate: @Sendable (GateRequest) async -> GateAnswer = { _ in .refuse("no one can answer it here") }
    private var stepNumber = 0
    var chartCache: [Chart]?
    /// The version each release reached by the last change made here, so a wait waits for it.
    var expectedVersions: [String: Int] = [:]
    /// The releases whose last change here was answered `PENDING_*`: a wait right after it need
    /// not look before its first interval, since it knows what it would see.
    var answeredPending: Set<String> = []
    /// Where the release last named lives, when it was named with `in` or `on`.
    var releaseTarget: Target?
    /// The members of the rollout resumed at that an earlier try of the run finished: not run again.
    var membersDone: Set<String> = []
    /// The changes that earlier tries of a resumed run made for the members of the rollout resumed
    /// at, by member label (`ResumePoint.memberChanges`).
    var memberChangesEarlier: [String: [ChangeRecord]] = [:]
    /// In a member's interpreter: the changes earlier tries made for it, not sent again while its
    /// release is still at the version each made.
    var madeEarlier: [ChangeRecord] = []

    /// An interpreter that runs one member's block of a rollout, sharing everything else with its parent.
    init(
        member tag: MemberTag, context: RunContext, charts: [Chart]?, madeEarlier: [ChangeRecord], sharing parent: Interpreter,
        analyses: [String: AnalysisDefinition], journal: @escaping @Sendable (ChangeRecord) async throws -> Void,
        claim parentClaim: (@Sendable ([String], StepInfo) async throws -> String?)?, events: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.init(
            api: parent.api, context: context, environment: parent.environment, resolveCluster: parent.resolveCluster,
            journal: journal, fleets: parent.fleets, mode: parent.mode, readsLive: parent.readsLive, control: parent.control,
            sources: parent.sources, analyses: analyses, member: tag, charts: charts, madeEarlier: madeEarlier, claim: parentClaim,
            events: events)
    }

    /// An interpreter over an API; `resolveCluster` maps aliases to cluster ids, `journal` puts each
    /// change on record (its intent before it is sent, then its result), `claim` holds each release
    /// before it is changed (`Interpreter.claim`), and `events` hears the rest.
    public init(
        api: any ReleaseAPI, context: RunContext = RunContext(), environment: [String: String] = [:],
        resolveCluster: @escaping @Sendable (String) -> String = { $0 },
        journal: @escaping @Sendable (ChangeRecord) async throws -> Void = { _ in }, fleets: [String: [String]] = [:], mode: Mode = .run,
        sources: AnalysisSources = AnalysisSources(), claim: (@Sendable ([String], StepInfo) async throws -> String?)? = nil,
        events: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.init(
            api: api, context: context, environment: environment, resolveCluster: resolveCluster, journal: journal, fleets: fleets,
            mode: mode, control: RunControl(), sources: sources, claim: claim, events: events)
    }

    init(
        api: any ReleaseAPI, context: RunContext, environment: [String: String], resolveCluster: @escaping @Sendable (String) -> String,
        journal: @escaping @Sendable (ChangeRecord) async throws -> Void, fleets: [String: [String]], mode: Mode, readsLive: Bool = false,
        control: RunControl, sources: AnalysisSources = AnalysisSources(), analyses: [String: AnalysisDefinition] = [:],
        member: MemberTag? = nil, charts: [Chart]? = nil, madeEarlier: [ChangeRecord] = [],
        claim: (@Sendable ([String], StepInfo) async throws -> String?)? = nil, events: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.claim = claim
        self.member = member
        self.sources = sources
        self.analyses = analyses
        self.madeEarlier = madeEarlier
        self.chartCache = charts
        self.control = control
        self.fleets = fleets
        self.api = api
        self.mode = mode
        self.readsLive = readsLive
        self.context = context
        self.environment = environment
        self.resolveCluster = resolveCluster
        self.journal = journal
        self.emit = events
    }

    /// Stops the read-back of a change that an interrupt cut off (a second Ctrl-C): its outcome is
    /// then left unknown.
    public nonisolated func skipReadBack() {
        control.skipReadBacks()
    }

    /// The first Ctrl-C during a rollout: no member starts from now on, and running members finish
    /// their block. False when no rollout is running (then the caller cancels the run instead).
    public nonisolated func stopStartingMembers() -> Bool {
        control.requestStop()
    }

    /// A person elsewhere holds the run (`rollout hold`): no member starts from now on and the
    /// rollout holds; with no rollout running, the run holds before its next statement.
    public nonisolated func hold(by reason: String) { control.request(.hold(reason)) }

    /// A person elsewhere halts the run (`rollout abort`): a running rollout halts with its policy;
    /// with none running, the run stops before its next statement.
    public nonisolated func halt(by reason: String) { control.request(.halt(reason)) }

    /// The groups defined so far, as the checker sees them (for a prompt, line after line).
    public var groupKinds: [String: GroupKind] {
        groups.mapValues { members in
            GroupKind(holdsReleases: members.allSatisfy { $0.release != nil }, size: members.count)
        }
    }

    /// The names of the analyses defined so far (for a prompt, line after line).
    public var analysisNames: Set<String> { Set(analyses.keys) }

    /// Adds variables to the context, as `let` would, without a step (the secrets behind the
    /// variables of text edited at the prompt).
    public func define(_ variables: [String: String]) { context.variables.merge(variables) { $1 } }

    /// Answers a rollout's gates.
    public func setGateHandler(_ handler: @escaping @Sendable (GateRequest) async -> GateAnswer) { onGate = handler }

    /// Asks before each step (step mode).
    public func setBeforeStep(_ decide: @escaping @Sendable (StepInfo) async -> StepDecision) { beforeStep = decide }

    /// Records each statement's start before it runs (a run's record, for a resume).
    public func setBeforeStatement(_ record: @escaping @Sendable (StepInfo) async throws -> Void) { beforeStatement = record }

    /// Holds releases for this run before they are changed; the failure that keeps the change from
    /// being sent when they cannot be held.
    func claimReleases(_ keys: [String], _ info: StepInfo) async -> StepFailure? {
        guard let claim, !keys.isEmpty else { return nil }
        do {
            guard let holder = try await claim(keys.sorted(), info) else { return nil }
            return StepFailure(.locked, holder)
        } catch {
            return StepFailure(.notRecorded, "not sent: \(error)")
        }
    }

    /// Answers `pause`: true to go on, false to stop.
    public func setPauseHandler(_ handler: @escaping @Sendable (String) async -> Bool) { onPause = handler }

    /// Runs a script and says how it ended.
    public func run(_ script: Script) async -> ExitCode {
        switch await runList(script.statements, asElse: false) {
        case .completed: return .success
        case .recovered: return .recovered
        case .quit: return .interrupted
        case .failed(let failure): return Self.exitCode(for: failure)
        }
    }

    /// The exit code of an unhandled failure.
    public static func exitCode(for failure: StepFailure) -> ExitCode {
        switch failure.kind {
        case .timedOut: return .timedOut
        case .interrupted: return .interrupted
        case .halted: return .halted
        case .rolledBack: return .rolledBack
        case .locked: return .locked
        default: return .stepFailed
        }
    }

    enum Flow: Sendable {
        case completed, recovered, quit
        case failed(StepFailure)
    }

    func runList(_ statements: [Statement], asElse: Bool) async -> Flow {
        for statement in statements {
            let outcome = await execute(statement, asElse: asElse)
            guard case .completed = outcome else { return outcome }
        }
        return .completed
    }

    private func execute(_ statement: Statement, asElse: Bool) async -> Flow {
        stepNumber += 1
        var info = StepInfo(
            number: stepNumber, location: statement.location, text: ScriptPrinter.display(statement.kind),
            statement: statement.kind, narration: statement.narration, isElse: asElse, member: member)
        if let beforeStep {
            info.preview = await preview(of: statement.kind)
            switch await beforeStep(info) {
            case .run: break
            case .skip:
                emit(.skipped(info))
                return .completed
            case .quit:
                return .quit
            }
        }
        emit(.started(info))
        let result: Result<StepResult, StepFailure>
        if Task.isCancelled {
            result = .failure(StepFailure(.interrupted, "interrupted before it started"))
        } else if member == nil, !asElse, case .hold(let reason)? = control.stop {
            result = .failure(StepFailure(.halted, "not started: held by \(reason)"))
        } else if member == nil, !asElse, case .halt(let reason)? = control.stop {
            result = .failure(StepFailure(.halted, "not started: halted by \(reason)"))
        } else if let failure = await recordStart(info) {
            result = .failure(failure)
        } else {
            do {
                result = .success(try await perform(statement.kind, info))
            } catch {
                result = .failure(await locatedElsewhere(error, statement.kind))
            }
        }
        emit(.finished(info, result))
        if mode == .plan {
            await planAlternatives(of: statement, info)
            return .completed
        }
        guard case .failure(let failure) = result else { return .completed }
        guard failure.kind != .interrupted, let branch = statement.elseBranch else { return .failed(failure) }
        return await runElse(branch, after: info, failure: failure)
    }

    /// Puts the statement's start on record; the failure that keeps it from running when that fails.
    private func recordStart(_ info: StepInfo) async -> StepFailure? {
        guard let beforeStatement else { return nil }
        do {
            try await beforeStatement(info)
            return nil
        } catch {
            return StepFailure(.notRecorded, "not started: \(error)")
        }
    }

    /// Lists each else branch of a planned statement from the state before it, which stays as it was.
    private func planAlternatives(of statement: Statement, _ info: StepInfo) async {
        for (index, branch) in (statement.elseBranch?.chain ?? []).enumerated() {
            let saved = (context, expectedVersions, releaseTarget)
            emit(.alternative(info, index: index))
            _ = await runList(branch.body, asElse: true)
            emit(.alternativeEnded(info))
            (context, expectedVersions, releaseTarget) = saved
        }
    }

    private func runElse(_ branch: ElseBranch, after info: StepInfo, failure: StepFailure) async -> Flow {
        switch await runList(branch.body, asElse: true) {
        case .completed:
            emit(.recovered(info))
            return .recovered
        case .recovered: return .recovered
        case .quit: return .quit
        case .failed(let next):
            if next.kind != .interrupted, let following = branch.next {
                return await runElse(following, after: info, failure: next)
            }
            return .failed(next)
        }
    }
}
