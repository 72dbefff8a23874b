import Foundation
import RolloutRuntime

/// Where rollout keeps what it must not lose: the journal, the run records and who holds a run.
/// Local files (`FileStore`, the default) or a PostgreSQL database a team shares (`PostgresStore`);
/// everything that writes or reads those records goes through this, so both keep the same rules.
protocol StateStore: Sendable {
    /// Where it is, in words for a message: a folder, or a database URL without its password.
    var place: String { get }

    /// Appends a journal line and makes it durable before it returns; throws when it cannot, and
    /// then nothing of the line is kept.
    func append(_ line: JournalLine) async throws(Journal.WriteFailure)

    /// The journal's lines that the filter takes, oldest first.
    func journal(_ filter: JournalFilter) async throws -> [Journal.Line]

    /// Writes a run's record whole, over the one before.
    func save(_ record: RunRecord) async throws

    /// Keeps the text a run runs (statements from `-c` or stdin, or a script file's content), for
    /// a resume wherever the file is not; where it was put, as the record's script path.
    func keep(text: String, of id: String, at path: String?) async throws -> String

    /// The text kept for a run, when there is some.
    func keptText(of id: String) async throws -> String?

    /// A run's record; nil when there is none.
    func record(_ id: String) async throws -> RunRecord?

    /// Every run's record, oldest first.
    func records() async throws -> [RunRecord]

    /// Holds a run for this process while it runs, so that no other process runs, resumes or
    /// settles it meanwhile; nil when another process holds it. A process that dies lets it go.
    func hold(_ id: String, by holder: Holder) async throws -> (any RunHold)?

    /// True while some process holds the run.
    func isHeld(_ id: String) async throws -> Bool

    /// The leases a run holds, or held when its process died, with their holders.
    func leases(of run: String) async throws -> [Lease]

    /// Releases every lease of a run (its process is gone, and a person said so).
    func unlock(_ run: String) async throws

    /// Puts a request to a run on record, and wakes the run if it listens.
    func send(_ request: RunRequest, to run: String) async throws

    /// The requests to a run after the `after`th, in order, each with its number.
    func requests(for run: String, after: Int) async throws -> [(number: Int, request: RunRequest)]

    /// Wakes the run when a request may have come: at once where the store can tell, and at least
    /// every second, until the stream is dropped.
    func wakeups(for run: String) -> AsyncStream<Void>

    /// Puts up how a run stands now (`rollout watch` shows it), over what was put up before.
    func publish(_ view: RunView, of run: String) async throws

    /// How a run stood when it last said; nil before it has.
    func view(of run: String) async throws -> RunView?

    /// Forgets the records of runs that are over but the newest `count`, which nothing resumes.
    func prune(keeping count: Int) async

    /// Lets go of its connections.
    func close() async
}

/// A run held by this process, and the leases it takes on what it changes; `release()` lets them
/// all go before the process ends, and a process that dies lets them go by itself.
protocol RunHold: Sendable {
    /// Takes leases on keys, in order, for a holder of this run; nil when every one is held,
    /// else the first one another process holds (the ones before it stay held).
    func take(_ keys: [String], as holder: Holder) async throws -> Lease?

    /// Lets go of every lease but the run's own (the prompt, between statements).
    func releaseLeases() async

    /// Lets go of the run and every lease.
    func release() async
}

/// A lease on something a run changes, and who holds it.
struct Lease: Sendable, Equatable {
    var key: String
    var holder: Holder
    /// When it ends unless it is renewed (a shared store's; local locks end with their process).
    var expires: String?
}

/// What a lease is on, as a key that says so in full, so that no two things share one.
enum LeaseKey {
    /// A run, held by the process running it.
    static func run(_ id: String) -> String { "run/\(id)" }

    /// A release of a target: `release/<target>/<cluster>/<namespace>/<name>`.
    static func release(_ release: String, of target: String) -> String { "release/\(target)/\(release)" }

    /// The release a key names, `<cluster>/<namespace>/<name>`, for a message.
    static func releaseName(_ key: String) -> String {
        guard key.hasPrefix("release/") else { return key }
        return key.split(separator: "/").suffix(3).joined(separator: "/")
    }
}

/// Who holds a run or a lease: the user, host and process, the run, since when, and what it runs.
struct Holder: Codable, Sendable, Equatable {
    var user: String
    var host: String
    var pid: Int32
    var run: String
    var since: String
    var statement: String?

    /// This process, for a run.
    static func this(run: String, statement: String? = nil) -> Holder {
        Holder(user: Who.user, host: Who.host, pid: getpid(), run: run, since: Date().formatted(Journal.timeFormat), statement: statement)
    }

    /// A holder whose name could not be read (it was being written, or the lease just ended).
    static let unnamed = Holder(user: "someone", host: "?", pid: 0, run: "?", since: "?", statement: nil)

    /// The holder in words: `alice on ci-7 (pid 412, run …, since …)`.
    var description: String {
        "\(user) on \(host) (pid \(pid), run \(run), since \(since)\(statement.map { ", at \($0)" } ?? ""))"
    }
}

/// Who runs rollout here: the user and the host, as every journal line and holder names them.
enum Who {
    static let user: String = {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"] ?? environment["LOGNAME"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? String(getuid())
    }()
    static let host = ProcessInfo.processInfo.hostName
}

/// A journal line as a store keeps it: its JSON text (secrets masked) and what it is found by.
struct JournalLine: Sendable {
    var text: String
    var stamp: JournalStamp
    /// `change` or `analysis`.
    var kind: String
    var cluster: String
    var namespace: String
    var release: String
}

/// Which journal lines to read: each field given must match, times are ISO 8601 (`since`
/// inclusive, `until` exclusive).
struct JournalFilter: Sendable, Equatable {
    var target: String?
    var cluster: String?
    var release: String?
    var user: String?
    var run: String?
    var since: String?
    var until: String?

    /// Every line.
    static let all = JournalFilter()

    /// True when the filter takes the line.
    func takes(_ line: Journal.Line) -> Bool {
        guard let stamp = line.stamp else { return false }
        return (target == nil || target == stamp.target) && (cluster == nil || cluster == line.cluster)
            && (release == nil || release == line.release) && (user == nil || user == stamp.user) && (run == nil || run == stamp.run)
            && (since.map { stamp.time >= $0 } ?? true) && (until.map { stamp.time < $0 } ?? true)
    }
}
