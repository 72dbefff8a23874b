import AutopilotModels
public import RolloutSyntax

/// Where a resumed run starts again: the statement, and what a rollout there did in an earlier try.
public struct ResumePoint: Sendable, Equatable {
    /// The index of the top-level statement to start from.
    public var statement: Int
    /// The members (`MemberTag.member.label`) a rollout at that statement finished in an earlier try.
    public var membersDone: Set<String>
    /// The changes that members made in earlier tries, by member label, oldest first: a block
    /// that runs again does not send one again while its release is still at the version it made,
    /// and a halt policy undoes them with the changes of this try.
    public var memberChanges: [String: [ChangeRecord]]
    /// The version each release reached by the last change the run made outside a rollout, by
    /// `cluster/namespace/release`: a resumed wait waits for that version, and no other.
    public var versionsMade: [String: Int]

    /// A point to resume from.
    public init(
        statement: Int, membersDone: Set<String> = [], memberChanges: [String: [ChangeRecord]] = [:], versionsMade: [String: Int] = [:]
    ) {
        self.statement = statement
        self.membersDone = membersDone
        self.memberChanges = memberChanges
        self.versionsMade = versionsMade
    }
}

extension Interpreter {
    /// Runs a script from a statement on, with the context the statements before it made: those
    /// are replayed without a call that changes or waits (`use`, `set`, `let`, `group` and `analysis` take
    /// effect, a change takes its settings, and each statement's release becomes the one in use),
    /// so that nothing done before is done again.
    public func run(_ script: Script, resumingAt point: ResumePoint) async -> ExitCode {
        for statement in script.statements.prefix(point.statement) {
            if let failure = await replay(statement.kind) {
                emit(.finished(stepInfo(statement), .failure(failure)))
                return Self.exitCode(for: failure)
            }
        }
        membersDone = point.membersDone
        memberChangesEarlier = point.memberChanges
        expectedVersions.merge(point.versionsMade) { $1 }
        return await run(Script(statements: Array(script.statements.dropFirst(point.statement))))
    }

    /// One statement's effect on the context alone; a failure only when it cannot be had again
    /// (a group read from the API that cannot be read now).
    private func replay(_ kind: StatementKind) async -> StepFailure? {
        let info = StepInfo(number: 0, location: SourceLocation(file: "", line: 0, column: 0, offset: 0), text: "", statement: kind, narration: [], isElse: false)
        do throws(StepFailure) {
            switch kind {
            case .use, .set, .assign, .group, .analysis:
                _ = try await perform(kind, info)
            default:
                if kind.keyword.changesRelease { context.change = PendingChange() }
                if let release = kind.release, let target = kind.target { _ = try resolve(release, target) }
            }
        } catch {
            return error
        }
        return nil
    }

    /// The step a statement makes, for a failure in replaying it.
    private func stepInfo(_ statement: Statement) -> StepInfo {
        StepInfo(
            number: 0, location: statement.location, text: ScriptPrinter.display(statement.kind), statement: statement.kind,
            narration: [], isElse: false)
    }
}
