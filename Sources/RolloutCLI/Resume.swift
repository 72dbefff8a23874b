import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax

/// `rollout --resume [RUN]`: a failed or interrupted script run, checked to be the same script on
/// the same target, with its variables, and held by this process until it ends.
struct Resumption {
    let record: RunRecord
    let lock: RunLock
    let source: SourceFile
    /// The run's variables: those it kept, and its secrets given again.
    let variables: [String: String]

    /// Finds the run (by id; by a script's path, its last run that did not succeed; with neither,
    /// the last run that did not succeed) and refuses, saying why, when
    /// it cannot be resumed here: unknown, succeeded, held by another process, its script gone or
    /// changed, another target or starting cluster, other variables, or a secret not given again.
    static func prepare(
        id: String?, store: RunStore, choice: TargetChoice, given: [String: String], environment: [String: String]
    ) throws -> Resumption {
        let record = try find(id, in: store)
        guard let lock = try store.lock(record.id) else {
            throw CLIError("run \(record.id) is being run or resumed by another process (pid \(record.pid)); wait for it to end", exitCode: 2)
        }
        if record.state == .succeeded { throw CLIError("run \(record.id) succeeded; there is nothing to resume", exitCode: 2) }
        guard let hash = RunRecord.hash(of: record.script) else {
            throw CLIError("the script \(record.script) of run \(record.id) no longer exists, so the run cannot go on", exitCode: 2)
        }
        guard hash == record.sha256 else {
            throw CLIError(
                "\(record.script) changed since run \(record.id) began (its content hash differs), so its steps may not be the ones that ran; run it from the start: rollout \(record.script)",
                exitCode: 2)
        }
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
        return Resumption(record: record, lock: lock, source: try SourceLoader.load(record.script), variables: variables)
    }

    private static func find(_ id: String?, in store: RunStore) throws -> RunRecord {
        let unfinished = store.all().filter { $0.state != .succeeded && !($0.state == .running && store.isHeld($0.id)) }
        if let id {
            if let record = store.load(id) { return record }
            if FileManager.default.fileExists(atPath: id) {
                // A script's path: its last run that did not succeed.
                let path = URL(fileURLWithPath: id).standardizedFileURL.path
                guard let last = unfinished.last(where: { $0.script == path }) else {
                    throw CLIError("no run of \(id) failed or was interrupted, so there is nothing to resume", exitCode: 2)
                }
                return last
            }
            let recent = unfinished.suffix(3).map(\.id).reversed().joined(separator: ", ")
            throw CLIError("no run \(id) is on record in \(store.folder.path)" + (recent.isEmpty ? "" : "; runs that can be resumed: \(recent)"), exitCode: 2)
        }
        guard let last = unfinished.last else {
            throw CLIError("no failed or interrupted run to resume (script runs are recorded in \(store.folder.path))", exitCode: 2)
        }
        return last
    }

    /// Where the run goes on: every change of it whose outcome is unknown (cut off by `kill -9`,
    /// or with no answer) is read back first and its outcome put on record; the statement it
    /// stopped at runs again, unless it was a change that was applied, when the next one runs.
    func point(in script: Script, api: any ReleaseAPI, journal: Journal, say: (String) -> Void) async throws -> ResumePoint {
        var latest: [String: JSONValue] = [:]
        var order: [String] = []
        for entry in try Journal.entries(in: journal.file) where entry["run"]?.scalarText == record.id {
            let key = ["cluster", "namespace", "release", "action", "line", "column", "member"].map { entry[$0]?.scalarText ?? "" }.joined(separator: "/")
            if latest[key] == nil { order.append(key) }
            latest[key] = entry
        }
        for key in order {
            guard let entry = latest[key], let outcome = entry["outcome"]?.scalarText,
                outcome == ChangeOutcome.sending.rawValue || outcome == ChangeOutcome.outcomeUnknown.rawValue
            else { continue }
            latest[key] = try await settle(entry, api: api, journal: journal, say: say)
        }
        var statement = record.statement
        if script.statements.indices.contains(statement) {
            let stopped = script.statements[statement]
            let made = latest.values.contains { $0.isFrom(stopped.location) && $0["member"] == nil && $0.madeTheChange }
            if made, stopped.kind.keyword.changesRelease, stopped.kind.keyword != .rollout {
                say("\(stopped.location.fileAndLine) was applied before the run stopped; going on after it")
                statement += 1
            }
        }
        guard statement == record.statement else { return ResumePoint(statement: statement) }
        // A member cut off mid-block (neither finished nor failed) runs its block again without
        // making again the changes it had made.
        let settledMembers = Set(record.membersDone + record.membersFailed)
        let appliedEarlier = latest.values.compactMap { entry -> String? in
            guard let member = entry["member"]?.scalarText, !settledMembers.contains(member), let line = entry.integer("line"),
                let column = entry.integer("column"), entry.madeTheChange
            else { return nil }
            return ResumePoint.key(member: member, line: line, column: column)
        }
        return ResumePoint(statement: statement, membersDone: Set(record.membersDone), appliedEarlier: Set(appliedEarlier))
    }

    /// Reads back a change whose outcome is unknown, and records what it shows.
    private func settle(_ entry: JSONValue, api: any ReleaseAPI, journal: Journal, say: (String) -> Void) async throws -> JSONValue {
        let (cluster, namespace, release) = (entry["cluster"]?.scalarText ?? "", entry["namespace"]?.scalarText ?? "", entry["release"]?.scalarText ?? "")
        let action = Keyword(rawValue: entry["action"]?.scalarText ?? "") ?? .upgrade
        let before = entry.integer("version_before")
        let what = "the \(action.rawValue) of \(release) at line \(entry.integer("line").map(String.init) ?? "?")"
        var found: Release?
        do {
            found = try await api.release(release, in: namespace, cluster: cluster, showResources: false)
        } catch where error.isNotFound {
            found = nil
        } catch {
            throw CLIError("cannot tell whether \(what) was applied: reading \(release) back failed: \(error.description); nothing is sent until it can be read")
        }
        let applied: Bool
        switch action {
        case .install: applied = found != nil
        case .uninstall: applied = found == nil || found?.status == .deleting
        default: applied = found.map { $0.version == (before ?? 0) + 1 } ?? false
        }
        var record = ChangeRecord(
            action: action, cluster: cluster, namespace: namespace, release: release, versionBefore: before,
            versionAfter: applied ? found?.version : before, outcome: applied ? .confirmed : .failed, values: entry["values"] ?? .object([:]),
            error: applied ? nil : "not applied: read back when the run was resumed")
        record.line = entry.integer("line")
        record.column = entry.integer("column")
        try journal.append(record, requestID: nil)
        say("\(what) had no known outcome; reading back shows it was \(applied ? "applied (version \(found?.version ?? 0))" : "not applied")")
        var settled = entry.objectValue
        settled["outcome"] = .string(record.outcome.rawValue)
        return .object(settled)
    }
}

extension ResumePoint {
    /// Where it is in the script, `file:line` (the end, when every statement is done).
    func place(in script: Script, _ file: String) -> String {
        guard script.statements.indices.contains(statement) else { return "\(file) (its end: every statement is done)" }
        return script.statements[statement].location.fileAndLine
    }
}

extension JSONValue {
    /// A journal line's whole-number field, if it has one.
    fileprivate func integer(_ key: String) -> Int? {
        if case .int(let value)? = self[key] { return value }
        return nil
    }

    /// True when a journal line was written for the statement at `location`.
    fileprivate func isFrom(_ location: SourceLocation) -> Bool {
        integer("line") == location.line && integer("column") == location.column
    }

    /// True when a journal line says its change was made.
    fileprivate var madeTheChange: Bool {
        self["outcome"]?.scalarText.flatMap(ChangeOutcome.init(rawValue:))?.madeTheChange ?? false
    }
}
