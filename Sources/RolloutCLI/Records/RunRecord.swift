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
    var started: String
    var updated: String

    /// The SHA-256 of a file's bytes, in hex; nil when it cannot be read.
    static func hash(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// The run records on disk, and the lock a running (or resuming) process holds on its run.
struct RunStore {
    let folder: URL

    init(_ paths: Paths = Paths()) { folder = paths.stateDirectory.appendingPathComponent("runs") }

    private func file(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    private func lockFile(_ id: String) -> String { folder.appendingPathComponent("\(id).lock").path }

    /// Makes the folder, readable by the owner only.
    private func ensureFolder() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes a record whole (a new file renamed over the old), readable by the owner only.
    func save(_ record: RunRecord) throws {
        try ensureFolder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temporary = folder.appendingPathComponent(".\(record.id).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: try encoder.encode(record), attributes: [.posixPermissions: 0o600])
        else { throw CLIError("cannot write the run record \(temporary.path)") }
        guard rename(temporary.path, file(record.id).path) == 0 else {
            throw CLIError("cannot write the run record \(file(record.id).path): \(String(cString: strerror(errno)))")
        }
    }

    /// The record of a run; nil when there is none.
    func load(_ id: String) -> RunRecord? {
        guard let data = FileManager.default.contents(atPath: file(id).path) else { return nil }
        return try? JSONDecoder().decode(RunRecord.self, from: data)
    }

    /// Every record, oldest first (ids start with the time).
    func all() -> [RunRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { load(String($0.dropLast(5))) }
    }

    /// Where the text of a run of statements given with `-c` or on stdin is kept, for a resume.
    func textFile(_ id: String) -> URL { folder.appendingPathComponent("\(id).rollout") }

    /// Keeps the text of a run of statements given with `-c` or on stdin, readable by the owner only.
    func keepText(_ text: String, of id: String) throws -> String {
        try ensureFolder()
        let path = textFile(id).path
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot write \(path)")
        }
        return path
    }

    /// Removes the records of runs that are over but the newest `count`, which nothing resumes.
    func prune(keeping count: Int) {
        let over = all().filter { $0.state.isOver }
        for record in over.dropLast(count) where !isHeld(record.id) {
            try? FileManager.default.removeItem(at: file(record.id))
            try? FileManager.default.removeItem(at: textFile(record.id))
            try? FileManager.default.removeItem(atPath: lockFile(record.id))
        }
    }

    /// Holds a run for this process while it runs, so that no other process runs or resumes it
    /// meanwhile; nil when another process holds it. Released when the process ends.
    func lock(_ id: String) throws -> RunLock? {
        try ensureFolder()
        let fd = open(lockFile(id), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("cannot open the lock of run \(id): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return RunLock(fd: fd)
    }

    /// True while some process holds the run (running it or resuming it).
    func isHeld(_ id: String) -> Bool {
        let fd = open(lockFile(id), O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }
}

/// A run held by this process.
final class RunLock: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// Keeps a run's record as its events arrive: the statement starting (written before it runs),
/// the rollout members it finished, and at the end how it ended.
final class RunRecorder: Sendable {
    private let store: RunStore
    private let statements: [Statement]
    /// Each top-level statement's index by where it starts, to find the one an event is about.
    private let indexByOffset: [Int: Int]
    private let record: Mutex<RunRecord>
    private let lock: RunLock

    init(store: RunStore, record: RunRecord, script: Script, lock: RunLock) {
        self.store = store
        self.statements = script.statements
        indexByOffset = Dictionary(script.statements.enumerated().map { ($1.location.offset, $0) }) { first, _ in first }
        self.record = Mutex(record)
        self.lock = lock
    }

    /// The run's id.
    var id: String { record.withLock { $0.id } }

    /// Starts keeping the record of a run, or of a resumed one, under the run's lock; nil when
    /// there is nothing to resume (statements from `-c` or stdin that neither change, wait nor
    /// ask), and nil with a warning when it cannot be kept, since a run that cannot be resumed may
    /// still run. Statements from `-c` or stdin are kept beside the record, unless they hold a
    /// secret literal, which is never written down.
    static func begin(
        _ resumption: Resumption?, id: String, source: SourceFile, script: Script, context: RunContext, choice: TargetChoice,
        lock: RunLock?
    ) -> RunRecorder? {
        let store = RunStore()
        let now = Date().formatted(Journal.timeFormat)
        do {
            if let resumption {
                var record = resumption.record
                record.state = .running
                record.exitCode = nil
                record.pid = getpid()
                record.tries = (record.tries ?? 1) + 1
                record.updated = now
                let recorder = RunRecorder(store: store, record: record, script: script, lock: resumption.lock)
                try recorder.start()
                return recorder
            }
            let path: String
            if source.isStatements {
                guard script.statements.contains(where: { $0.kind.keyword.marksProgress }) else { return nil }
                guard script.everyStatement.allSatisfy({ $0.kind.secretLiteral == nil }) else {
                    throw CLIError("its statements hold a secret literal, which is never written down")
                }
                path = try store.keepText(source.text, of: id)
            } else {
                path = URL(fileURLWithPath: source.name).standardizedFileURL.path
            }
            guard let lock else { throw CLIError("run \(id) cannot be held for this process") }
            guard let hash = RunRecord.hash(of: path) else { throw CLIError("\(path) cannot be read to hash it") }
            let secrets = context.variables.keys.filter(SecretKeys.isSecret).sorted()
            let record = RunRecord(
                id: id, script: path, sha256: hash, target: choice.identity, cluster: context.cluster,
                namespace: context.namespaceChosen ? context.namespace : nil,
                variables: context.variables.filter { !SecretKeys.isSecret($0.key) }, secretVariables: secrets, state: .running,
                exitCode: nil, statement: 0, membersDone: [], membersFailed: [], tries: 1, pid: getpid(),
                started: now, updated: now)
            let recorder = RunRecorder(store: store, record: record, script: script, lock: lock)
            try recorder.start()
            store.prune(keeping: 50)
            return recorder
        } catch {
            Console.err("warning: this run cannot be resumed, since its record cannot be kept: \(error)")
            return nil
        }
    }

    /// Writes the record as it is, first; later writes (`observe`, `finish`) that fail leave the
    /// last one on disk.
    func start() throws {
        try store.save(record.withLock { $0 })
    }

    /// Notes what an event says about the run's progress.
    func observe(_ event: RunEvent) {
        switch event {
        case .started(let info) where !info.isElse && info.member == nil:
            guard let index = indexByOffset[info.location.offset] else { return }
            // Written before a statement a run can stop in; the others (reads, settings) are only
            // noted, and a resume replays or repeats them from the last one written.
            update(writing: statements[index].kind.keyword.marksProgress) { record in
                if record.statement != index { (record.membersDone, record.membersFailed) = ([], []) }
                record.statement = index
            }
        case .fleet(_, .member(let tag, let state)) where state.isFinal || state == .running:
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
        default:
            break
        }
    }

    /// Records how the run ended.
    func finish(_ code: ExitCode) {
        update { record in
            record.exitCode = code.rawValue
            record.state = .ended(Outcome(code) ?? .failed)
        }
    }

    /// Changes the record and writes it, under the lock: members end side by side, and the last
    /// change must be the one on disk.
    private func update(writing: Bool = true, _ change: (inout RunRecord) -> Void) {
        record.withLock { record in
            change(&record)
            guard writing else { return }
            record.updated = Date().formatted(Journal.timeFormat)
            try? store.save(record)
        }
    }
}
