import AutopilotClient
import Crypto
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// What `rollout --resume` needs of a script run: the script (its path and content hash), the
/// target and the context it started in, its variables (a secret's name only), how far it got and
/// how it ended. One JSON file per run in `$XDG_STATE_HOME/rollout/runs/`, written before each
/// top-level statement starts.
struct RunRecord: Codable, Equatable {
    /// How a run stands: running, or how it ended (`Outcome`), written as one word.
    enum State: Codable, Equatable {
        case running
        case ended(Outcome)

        /// True when the run came to its end, as written: nothing is left to resume.
        var isOver: Bool { if case .ended(let outcome) = self { outcome.isOver } else { false } }

        init(from decoder: any Decoder) throws {
            let word = try decoder.singleValueContainer().decode(String.self)
            if word == "running" {
                self = .running
            } else if let outcome = Outcome(rawValue: word) {
                self = .ended(outcome)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(word)' is no run state"))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .running: try container.encode("running")
            case .ended(let outcome): try container.encode(outcome.rawValue)
            }
        }
    }

    var id: String
    /// The script file, as an absolute path.
    var script: String
    /// The SHA-256 of the script's bytes when the run started.
    var sha256: String
    /// The target, as `TargetChoice.identity` names it.
    var target: String
    /// The cluster and namespace in use at the start.
    var cluster: String?
    var namespace: String?
    /// The command line's variables whose names do not say they hold a secret.
    var variables: [String: String]
    /// The names of the command line's secret variables, whose values are never written.
    var secretVariables: [String]
    var state: State
    var exitCode: Int32?
    /// The index of the top-level statement running, or of the one the run stopped at.
    var statement: Int
    /// The members of a rollout at that statement that finished (labels).
    var membersDone: [String]
    /// The members of that rollout whose block failed (or was rolled back): they run it again in full.
    var membersFailed: [String]
    /// How many tries it has had: 1, then one more for each resume (nil in a record written
    /// before tries were counted, which is 1).
    var tries: Int?
    /// The process that runs it now, or last did.
    var pid: Int32
    /// Who runs it now, or last did: `user on host` (nil in a record written before it was kept).
    var by: String?
    /// Its rollouts' gates by name, with who may pass each (empty: anyone); nil in a record written
    /// before they were kept.
    var gates: [String: [String]]? = nil
    var started: String
    var updated: String

    /// The user who runs it now, or last did.
    var runner: String? { by?.components(separatedBy: " on ").first }

    /// The SHA-256 of a script's text (its UTF-8 bytes), in hex.
    static func hash(of data: some DataProtocol) -> String {
        SHA256.hash(data: Data(data)).map { String(format: "%02x", $0) }.joined()
    }

    /// How a record is written: keys sorted, indented, the same in a file and in the database.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }()
}

/// Keeps a run's record as its events arrive: the statement starting (on record before it runs),
/// the rollout members it finished, and at the end how it ended. Writes go to the store one after
/// another, in the order they were made, from one task.
final class RunRecorder: Sendable {
    private let store: any StateStore
    private let statements: [Statement]
    /// Each top-level statement's index by where it starts, to find the one an event is about.
    private let indexByOffset: [Int: Int]
    private let record: Mutex<RunRecord>
    /// Held while the run runs.
    let hold: any RunHold
    /// The writes, in the order they were made, and the last one's failure.
    private let writes = SerialWork()
    private let failure = Mutex<String?>(nil)
    /// The newest record not yet written: a write takes the newest, so that members ending faster
    /// than a record can be written make one write, not one each.
    private let unwritten = Mutex<RunRecord?>(nil)

    init(store: any StateStore, record: RunRecord, script: Script, hold: any RunHold) {
        self.store = store
        self.statements = script.statements
        indexByOffset = Dictionary(script.statements.enumerated().map { ($1.location.offset, $0) }) { first, _ in first }
        self.record = Mutex(record)
        self.hold = hold
    }

    /// The run's id.
    var id: String { record.withLock { $0.id } }

    /// Starts keeping the record of a run, or of a resumed one, under the run's hold; nil when
    /// there is nothing to resume (statements from `-c` or stdin that neither change, wait nor
    /// ask), and nil with a warning when it cannot be kept, since a run that cannot be resumed may
    /// still run. The text run is kept with the record (statements from `-c` or stdin beside it,
    /// a script file's in a shared store), unless it holds a secret literal, which is never written down.
    static func begin(
        _ resumption: Resumption?, id: String, source: SourceFile, script: Script, context: RunContext, choice: TargetChoice,
        store: any StateStore, hold: (any RunHold)?
    ) async -> RunRecorder? {
        let now = Date().formatted(Journal.timeFormat)
        do {
            if let resumption {
                var record = resumption.record
                record.state = .running
                record.exitCode = nil
                record.pid = getpid()
                record.by = "\(Who.user) on \(Who.host)"
                record.tries = (record.tries ?? 1) + 1
                record.updated = now
                let recorder = RunRecorder(store: store, record: record, script: script, hold: resumption.hold)
                try await recorder.start()
                return recorder
            }
            if source.isStatements {
                guard script.statements.contains(where: { $0.kind.keyword.marksProgress }) else { return nil }
            }
            guard let hold else { throw CLIError("run \(id) cannot be held for this process") }
            let secretLiteral = script.everyStatement.contains { $0.kind.secretLiteral != nil }
            let file = source.isStatements ? nil : URL(fileURLWithPath: source.name).standardizedFileURL.path
            // A script file's text as read (a runbook's Markdown and all), which its hash is of.
            let text = try file.map(FileProblem.text) ?? source.text
            let path: String
            if secretLiteral {
                guard let file else { throw CLIError("its statements hold a secret literal, which is never written down") }
                path = file
            } else {
                path = try await store.keep(text: text, of: id, at: file)
            }
            let secrets = context.variables.keys.filter(SecretKeys.isSecret).sorted()
            let record = RunRecord(
                id: id, script: path, sha256: RunRecord.hash(of: Array(text.utf8)), target: choice.identity, cluster: context.cluster,
                namespace: context.namespaceChosen ? context.namespace : nil,
                variables: context.variables.filter { !SecretKeys.isSecret($0.key) }, secretVariables: secrets, state: .running,
                exitCode: nil, statement: 0, membersDone: [], membersFailed: [], tries: 1, pid: getpid(), by: "\(Who.user) on \(Who.host)", gates: script.gates,
                started: now, updated: now)
            let recorder = RunRecorder(store: store, record: record, script: script, hold: hold)
            try await recorder.start()
            await store.prune(keeping: 50)
            return recorder
        } catch {
            Console.err("warning: this run cannot be resumed, since its record cannot be kept: \(error)")
            return nil
        }
    }

    /// Writes the record as it is, first, and waits for it.
    func start() async throws {
        try await store.save(record.withLock { $0 })
    }

    /// Puts a top-level statement's start on record before it runs, when a run can stop in it;
    /// throws when that cannot be written, and the statement does not run. The others (reads,
    /// settings) are only noted, and a resume replays or repeats them from the last one written.
    func starting(_ info: StepInfo) async throws {
        guard !info.isElse, info.member == nil, let index = indexByOffset[info.location.offset] else { return }
        let writing = statements[index].kind.keyword.marksProgress
        update(writing: writing) { record in
            if record.statement != index { (record.membersDone, record.membersFailed) = ([], []) }
            record.statement = index
        }
        if writing { try await flush() }
    }

    /// Notes what an event says about the run's progress: the members of a rollout that finished.
    func observe(_ event: RunEvent) {
        guard case .fleet(_, .member(let tag, let state)) = event, state.isFinal || state == .running else { return }
        // A member whose block starts again is neither done nor failed until it ends.
        update { record in
            record.membersDone.removeAll { $0 == tag.member.label }
            record.membersFailed.removeAll { $0 == tag.member.label }
            switch state.outcome {
            case .succeeded?, .recovered?: record.membersDone.append(tag.member.label)
            case .failed?, .rolledBack?: record.membersFailed.append(tag.member.label)
            default: break
            }
        }
    }

    /// Records how the run ended and waits for every write.
    func finish(_ code: ExitCode) async {
        update { record in
            record.exitCode = code.rawValue
            record.state = .ended(Outcome(code) ?? .failed)
        }
        await writes.finish()
    }

    /// Waits for the writes made so far; throws the last one's failure.
    private func flush() async throws {
        await writes.flush()
        if let failure = failure.withLock({ $0 }) { throw CLIError("the run's record cannot be written: \(failure)") }
    }

    /// Writes the newest record not yet written, if any.
    private func saveNewest() async {
        guard let snapshot = unwritten.withLock({ unwritten in
            defer { unwritten = nil }
            return unwritten
        }) else { return }
        await save(snapshot)
    }

    /// Writes a record, keeping whether it was written for the next `flush()`.
    private func save(_ snapshot: RunRecord) async {
        do {
            try await store.save(snapshot)
            failure.withLock { $0 = nil }
        } catch {
            failure.withLock { $0 = String(describing: error) }
        }
    }

    /// Changes the record and hands it to the writer, under the lock: members end side by side,
    /// and the last change must be the last written.
    private func update(writing: Bool = true, _ change: (inout RunRecord) -> Void) {
        record.withLock { record in
            change(&record)
            guard writing else { return }
            record.updated = Date().formatted(Journal.timeFormat)
            let snapshot = record
            let wasWaiting = unwritten.withLock { unwritten in
                defer { unwritten = snapshot }
                return unwritten != nil
            }
            if !wasWaiting { writes.add { await self.saveNewest() } }
        }
    }
}
