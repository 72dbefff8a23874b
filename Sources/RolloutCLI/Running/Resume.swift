import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax

/// `rollout --resume [RUN]`: a failed or interrupted script run, checked to be the same script on
/// the same target, with its variables, and held by this process until it ends.
struct Resumption {
    let record: RunRecord
    let hold: any RunHold
    let source: SourceFile
    /// The run's variables: those it kept, and its secrets given again.
    let variables: [String: String]

    /// Finds the run (by id; by a script, its last run of that path or content that did not
    /// succeed; with neither, the last run that did not succeed) and refuses, saying why, when it
    /// cannot be resumed here: unknown, succeeded, held by another process, its script gone or
    /// changed, another target or starting cluster, other variables, or a secret not given again.
    /// A run kept in a shared store goes on from any machine: its script is read where it was, or
    /// from the store when it is not there.
    static func prepare(
        id: String?, store: any StateStore, choice: TargetChoice, given: [String: String], environment: [String: String],
        lockTimeout: Duration = .zero
    ) async throws -> Resumption {
        let record = try await find(id, in: store)
        guard let hold = try await hold(record.id, in: store, waiting: lockTimeout) else {
            let holder = try await store.leases(of: record.id).first { $0.key == LeaseKey.run(record.id) }?.holder
            throw CLIError(
                "run \(record.id) is being run or resumed by another process (\(holder?.description ?? "pid \(record.pid)")); wait for it to end (--lock-timeout waits), or if that process is gone: rollout unlock \(record.id)",
                exitCode: ExitCode.locked.rawValue)
        }
        switch record.state {
        case .ended(.succeeded): throw CLIError("run \(record.id) succeeded; there is nothing to resume", exitCode: 2)
        case .ended(.recovered):
            throw CLIError(
                "run \(record.id) ended recovered (exit 3): a step failed and its else ran, which ends the script there; there is nothing to resume, so run it from the start once the cause is fixed",
                exitCode: 2)
        default: break
        }
        let source = try await script(of: record, in: store)
        guard record.target == choice.identity else {
            throw CLIError(
                "run \(record.id) was against \(record.target), and this is \(choice.identity): resume it on the target it began on (the same --profile, --region or --endpoint)",
                exitCode: 2)
        }
        guard record.cluster == choice.defaultCluster else {
            throw CLIError(
                "run \(record.id) began with cluster \(record.cluster ?? "none") in use, and this would begin with \(choice.defaultCluster ?? "none") (ROLLOUT_CLUSTER or the profile's cluster)",
                exitCode: 2)
        }
        var variables = record.variables
        for (name, value) in given.sorted(by: { $0.key < $1.key }) {
            if record.secretVariables.contains(name) {
                variables[name] = value
            } else if record.variables[name] != value {
                let was = record.variables[name].map { "was \($0)" } ?? "was not given"
                throw CLIError("\(name) \(was) in run \(record.id); a resumed run keeps the variables it began with", exitCode: 2)
            }
        }
        let missing = record.secretVariables.filter { variables[$0] == nil && environment[$0] == nil }
        guard missing.isEmpty else {
            let example = missing.map { "\($0)=..." }.joined(separator: " ")
            throw CLIError(
                "run \(record.id) needs \(missing.joined(separator: ", ")) again (a secret is never written down): rollout --resume \(record.id) -- \(example)",
                exitCode: 2)
        }
        return Resumption(record: record, hold: hold, source: source, variables: variables)
    }

    /// Holds the run for this process, waiting up to `limit` for a process that holds it (or whose
    /// lease has not yet expired) to let go; nil when it does not.
    private static func hold(_ id: String, in store: any StateStore, waiting limit: Duration) async throws -> (any RunHold)? {
        let start = ContinuousClock.now
        while true {
            if let hold = try await store.hold(id, by: .this(run: id)) { return hold }
            guard ContinuousClock.now - start < limit else { return nil }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The script a run ran, with the content it began with: its file where it was, or the text the
    /// store kept when the file is not on this machine.
    private static func script(of record: RunRecord, in store: any StateStore) async throws -> SourceFile {
        let text: String
        if FileManager.default.fileExists(atPath: record.script) {
            text = try FileProblem.text(record.script)
        } else if let kept = try await store.keptText(of: record.id) {
            text = kept
        } else {
            throw CLIError("the script \(record.script) of run \(record.id) no longer exists, so the run cannot go on", exitCode: 2)
        }
        guard RunRecord.hash(of: Array(text.utf8)) == record.sha256 else {
            throw CLIError(
                "\(record.script) changed since run \(record.id) began (its content hash differs), so its steps may not be the ones that ran; run it from the start: rollout \(record.script)",
                exitCode: 2)
        }
        return SourceLoader.source(record.script, text: text)
    }

    private static func find(_ id: String?, in store: any StateStore) async throws -> RunRecord {
        var unfinished: [RunRecord] = []
        for record in try await store.records() where !record.state.isOver {
            if record.state == .running, try await store.isHeld(record.id) { continue }
            unfinished.append(record)
        }
        if let id {
            if let record = try await store.record(id) { return record }
            if FileManager.default.fileExists(atPath: id) {
                // A script: its last run that did not succeed, by its path or, from another
                // machine or checkout, by its content.
                let path = URL(fileURLWithPath: id).standardizedFileURL.path
                let hash = (try? FileProblem.text(id)).map { RunRecord.hash(of: Array($0.utf8)) }
                guard let last = unfinished.last(where: { $0.script == path || $0.sha256 == hash }) else {
                    throw CLIError("no run of \(id) failed or was interrupted, so there is nothing to resume", exitCode: 2)
                }
                return last
            }
            let recent = unfinished.suffix(3).map(\.id).reversed().joined(separator: ", ")
            throw CLIError("no run \(id) is on record in \(store.place)" + (recent.isEmpty ? "" : "; runs that can be resumed: \(recent)"), exitCode: 2)
        }
        guard let last = unfinished.last else {
            throw CLIError("no failed or interrupted run to resume (script runs are recorded in \(store.place))", exitCode: 2)
        }
        return last
    }

    /// Where the run goes on: every change of it whose outcome is unknown (cut off by `kill -9`,
    /// or with no answer) is read back first and its outcome put on record; the statement it
    /// stopped at runs again, unless it was a change that was applied, when the next one runs.
    func point(in script: Script, api: any ReleaseAPI, journal: Journal, say: (String) -> Void) async throws -> ResumePoint {
        // Each change of the run as its last line says, in the order the changes began.
        var last: [ChangeKey: JournalEntry] = [:]
        var order: [ChangeKey] = []
        for entry in Journal.entries(of: try await journal.store.journal(JournalFilter(run: record.id))) {
            if last[entry.changeKey] == nil { order.append(entry.changeKey) }
            last[entry.changeKey] = entry
        }
        for key in order {
            guard let entry = last[key], entry.change.outcome.isUnsettled else { continue }
            last[key] = try await Settling.settle(entry, api: api, journal: journal, say: say)
        }
        let made = order.compactMap { last[$0]?.change }.filter { $0.outcome.madeTheChange }
        var statement = record.statement
        if script.statements.indices.contains(statement) {
            let stopped = script.statements[statement]
            let madeThere = made.contains {
                $0.place.member == nil && $0.place.line == stopped.location.line && $0.place.column == stopped.location.column
            }
            if madeThere, stopped.kind.keyword.changesRelease, stopped.kind.keyword != .rollout {
                say("\(stopped.location.fileAndLine) was applied before the run stopped; going on after it")
                statement += 1
            }
        }
        var versionsMade: [String: Int] = [:]
        for change in made where change.place.member == nil {
            versionsMade[change.releaseKey] = change.versionAfter
        }
        guard statement == record.statement else { return ResumePoint(statement: statement, versionsMade: versionsMade) }
        // The changes members made in earlier tries: a block that runs again does not send one
        // again while its release is still at the version it made, and a halt policy undoes them
        // with this try's, whichever try made them.
        var memberChanges: [String: [ChangeRecord]] = [:]
        for change in made {
            guard let member = change.place.member else { continue }
            memberChanges[member, default: []].append(change)
        }
        return ResumePoint(statement: statement, membersDone: Set(record.membersDone), memberChanges: memberChanges, versionsMade: versionsMade)
    }
}

extension ResumePoint {
    /// Where it is in the script, `file:line` (the end, when every statement is done).
    func place(in script: Script, _ file: String) -> String {
        guard script.statements.indices.contains(statement) else { return "\(file) (its end: every statement is done)" }
        return script.statements[statement].location.fileAndLine
    }
}
