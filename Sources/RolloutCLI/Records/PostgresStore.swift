import AutopilotClient
import Foundation
import RolloutSyntax
import Logging
import NIOSSL
import PostgresNIO
import RolloutRuntime
import Synchronization

/// The state in a PostgreSQL database a team shares (`PostgresSchema` has its tables): journal
/// lines as written, with the fields they are found by; a run's record and the text it runs, so
/// that it can be resumed from any machine; and leases, each renewed while its holder lives and
/// expiring by the database's clock a set time after it stops. Every call has the settings'
/// time limit: a database that does not answer fails the call, which fails the step that needed it.
final class PostgresStore: StateStore {
    let settings: PostgresSettings
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private static let logger = Logger(label: "rollout.state", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(settings: PostgresSettings, client: PostgresClient) {
        self.settings = settings
        self.client = client
        running = Task { await client.run() }
    }

    /// Connects and brings the schema up to date. The first connection is made on its own, so that
    /// a refused password or an unreachable host is told as it is, not as a time limit run out.
    static func open(_ settings: PostgresSettings) async throws -> PostgresStore {
        let tls = try tlsConfiguration(settings)
        let place = settings.place
        try await limited("cannot open", place: place, within: settings.timeout) {
            var configuration = PostgresConnection.Configuration(
                host: settings.host, port: settings.port, username: settings.user, password: settings.password?.value,
                database: settings.database, tls: try tls.map { settings.tls == .prefer ? .prefer(try NIOSSLContext(configuration: $0)) : .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
            configuration.options.connectTimeout = .seconds(Int64(settings.timeout.components.seconds))
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            do {
                try await PostgresSchema.migrate(connection, place: place, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        }
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password?.value, database: settings.database,
            tls: tls.map { settings.tls == .prefer ? .prefer($0) : .require($0) } ?? .disable)
        configuration.options.connectTimeout = settings.timeout
        configuration.options.maximumConnections = 8
        return PostgresStore(settings: settings, client: PostgresClient(configuration: configuration, backgroundLogger: logger))
    }

    /// How the connection is encrypted as `sslmode` says; nil when it is not.
    private static func tlsConfiguration(_ settings: PostgresSettings) throws -> TLSConfiguration? {
        guard settings.tls != .disable else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = settings.rootCertificates {
            do { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file)) } catch {
                throw CLIError("the state's sslrootcert \(file) cannot be read as PEM certificates: \(FileProblem.cause(of: error))", exitCode: 2)
            }
        }
        // `require` encrypts without checking whose certificate it is, as libpq's does.
        if settings.tls == .require { tls.certificateVerification = .none }
        return tls
    }

    var place: String { settings.place }

    /// Runs a call on the pool with the time limit.
    private func call<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = client
        return try await Self.limited(what, place: settings.place, within: settings.timeout) { try await body(client) }
    }

    /// Runs work with a time limit; an error that says what failed, where, and why.
    private static func limited<T: Sendable>(
        _ what: String, place: String, within limit: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            return try await withTimeLimit(limit, body)
        } catch let error as CLIError {
            throw error
        } catch is TimeLimitExceeded {
            throw CLIError("\(what) \(place): the database did not answer within \(DurationText.format(limit))")
        } catch {
            let cause = (error as? PostgresTransactionError)?.closureError ?? error
            if let newer = cause as? PostgresSchema.Newer { throw CLIError(newer.description, exitCode: 2) }
            throw CLIError("\(what) \(place): \(Self.sentence(cause))")
        }
    }

    /// What went wrong with the database, in words that name no secret.
    static func sentence(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    // MARK: The journal

    func append(_ line: JournalLine) async throws(Journal.WriteFailure) {
        let stamp = line.stamp
        do {
            try await call("cannot write to") { client in
                try await client.query(
                    """
                    INSERT INTO rollout_journal (time, target, run, try, "user", host, kind, cluster, namespace, release, line)
                    VALUES (\(stamp.time), \(stamp.target), \(stamp.run), \(stamp.attempt), \(stamp.user), \(stamp.host), \(line.kind),
                            \(line.cluster), \(line.namespace), \(line.release), \(line.text))
                    """, logger: Self.logger)
            }
        } catch {
            throw Journal.WriteFailure(place: place, cause: (error as? CLIError)?.description ?? String(describing: error))
        }
    }

    func journal(_ filter: JournalFilter) async throws -> [Journal.Line] {
        try await call("cannot read the journal in") { client in
            let rows = try await client.query(
                """
                SELECT line FROM rollout_journal
                WHERE (\(filter.target)::text IS NULL OR target = \(filter.target)) AND (\(filter.run)::text IS NULL OR run = \(filter.run))
                  AND (\(filter.cluster)::text IS NULL OR cluster = \(filter.cluster)) AND (\(filter.release)::text IS NULL OR release = \(filter.release))
                  AND (\(filter.user)::text IS NULL OR "user" = \(filter.user))
                  AND (\(filter.since)::text IS NULL OR time >= \(filter.since)) AND (\(filter.until)::text IS NULL OR time < \(filter.until))
                ORDER BY seq
                """, logger: Self.logger)
            var lines: [Journal.Line] = []
            for try await text in rows.decode(String.self) {
                if let line = Journal.Line(text) { lines.append(line) }
            }
            return lines
        }
    }

    // MARK: Run records

    func save(_ record: RunRecord) async throws {
        let text = String(decoding: try RunRecord.encoder.encode(record), as: UTF8.self)
        try await call("cannot write run \(record.id) to") { client in
            try await client.query(
                """
                INSERT INTO rollout_runs (id, record) VALUES (\(record.id), \(text))
                ON CONFLICT (id) DO UPDATE SET record = excluded.record, updated = now()
                """, logger: Self.logger)
        }
    }

    /// The text goes into the database whatever its path, so that any machine can resume the run.
    func keep(text: String, of id: String, at path: String?) async throws -> String {
        try await call("cannot keep the script of run \(id) in") { client in
            try await client.query(
                "INSERT INTO rollout_scripts (id, text) VALUES (\(id), \(text)) ON CONFLICT (id) DO UPDATE SET text = excluded.text",
                logger: Self.logger)
        }
        return path ?? "\(id).rollout"
    }

    func keptText(of id: String) async throws -> String? {
        try await call("cannot read the script of run \(id) in") { client in
            for try await text in try await client.query("SELECT text FROM rollout_scripts WHERE id = \(id)", logger: Self.logger).decode(String.self) {
                return text
            }
            return nil
        }
    }

    func record(_ id: String) async throws -> RunRecord? {
        try await records(id).first
    }

    func records() async throws -> [RunRecord] {
        try await records(nil)
    }

    private func records(_ id: String?) async throws -> [RunRecord] {
        try await call("cannot read the runs in") { client in
            let rows = try await client.query(
                "SELECT record FROM rollout_runs WHERE \(id)::text IS NULL OR id = \(id) ORDER BY id", logger: Self.logger)
            var records: [RunRecord] = []
            for try await text in rows.decode(String.self) {
                if let record = try? JSONDecoder().decode(RunRecord.self, from: Data(text.utf8)) { records.append(record) }
            }
            return records
        }
    }

    func publish(_ view: RunView, of run: String) async throws {
        let text = String(decoding: try JSONEncoder().encode(view), as: UTF8.self)
        try await call("cannot put up the view of run \(run) in") { client in
            try await client.query(
                """
                INSERT INTO rollout_views (run, view) VALUES (\(run), \(text))
                ON CONFLICT (run) DO UPDATE SET view = excluded.view, updated = now()
                """, logger: Self.logger)
        }
    }

    func view(of run: String) async throws -> RunView? {
        try await call("cannot read the view of run \(run) in") { client in
            for try await text in try await client.query("SELECT view FROM rollout_views WHERE run = \(run)", logger: Self.logger).decode(String.self) {
                return try? JSONDecoder().decode(RunView.self, from: Data(text.utf8))
            }
            return nil
        }
    }

    /// Runs stay on record: the database is the team's history of them.
    func prune(keeping count: Int) async {}

    // MARK: Leases

    func hold(_ id: String, by holder: Holder) async throws -> (any RunHold)? {
        let hold = PostgresHold(run: id, store: self)
        guard try await hold.take([LeaseKey.run(id)], as: holder) == nil else {
            await hold.release()
            return nil
        }
        return hold
    }

    func isHeld(_ id: String) async throws -> Bool {
        try await !leases(where: LeaseKey.run(id), run: nil).isEmpty
    }

    func leases(of run: String) async throws -> [Lease] {
        try await leases(where: nil, run: run)
    }

    /// Leases that have not expired, by key or by run.
    private func leases(where key: String?, run: String?) async throws -> [Lease] {
        try await call("cannot read the leases in") { client in
            let rows = try await client.query(
                """
                SELECT key, holder, to_char(expires AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM rollout_leases
                WHERE expires > now() AND (\(key)::text IS NULL OR key = \(key)) AND (\(run)::text IS NULL OR run = \(run))
                ORDER BY key
                """, logger: Self.logger)
            var leases: [Lease] = []
            for try await (key, text, expires) in rows.decode((String, String, String).self) {
                guard let holder = try? JSONDecoder().decode(Holder.self, from: Data(text.utf8)) else { continue }
                leases.append(Lease(key: key, holder: holder, expires: expires))
            }
            return leases
        }
    }

    func unlock(_ run: String) async throws {
        try await call("cannot release the leases of run \(run) in") { client in
            try await client.query("DELETE FROM rollout_leases WHERE run = \(run)", logger: Self.logger)
        }
    }

    /// Takes a lease for an owner, unless another owner's has not expired; true when it is the owner's.
    func lease(_ key: String, owner: String, holder: Holder) async throws -> Bool {
        let text = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
        let seconds = Double(settings.lease.components.seconds)
        return try await call("cannot take the lease on \(LeaseKey.releaseName(key)) in") { client in
            let rows = try await client.query(
                """
                INSERT INTO rollout_leases (key, run, owner, holder, expires)
                VALUES (\(key), \(holder.run), \(owner), \(text), now() + make_interval(secs => \(seconds)))
                ON CONFLICT (key) DO UPDATE SET run = excluded.run, owner = excluded.owner, holder = excluded.holder, expires = excluded.expires
                WHERE rollout_leases.expires < now() OR rollout_leases.owner = excluded.owner
                RETURNING key
                """, logger: Self.logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    /// A lease that has not expired; nil when no one holds the key.
    func lease(of key: String) async throws -> Lease? {
        try await leases(where: key, run: nil).first
    }

    /// Moves an owner's leases on by the lease time.
    func renew(owner: String) async throws {
        let seconds = Double(settings.lease.components.seconds)
        try await call("cannot renew the leases in") { client in
            try await client.query(
                "UPDATE rollout_leases SET expires = now() + make_interval(secs => \(seconds)) WHERE owner = \(owner)", logger: Self.logger)
        }
    }

    /// Gives an owner's leases up: all of them, or all but one key.
    func release(owner: String, keeping kept: String? = nil) async {
        _ = try? await call("cannot release the leases in") { client in
            try await client.query(
                "DELETE FROM rollout_leases WHERE owner = \(owner) AND (\(kept)::text IS NULL OR key <> \(kept))", logger: Self.logger)
        }
    }

    // MARK: Requests

    /// The channel a request is announced on, with its run as the payload.
    static let requestChannel = "rollout_requests"

    func send(_ request: RunRequest, to run: String) async throws {
        try await call("cannot send the request to run \(run) in") { client in
            try await client.query(
                """
                WITH sent AS (
                    INSERT INTO rollout_requests (run, kind, gate, "user", host, time)
                    VALUES (\(run), \(request.kind.rawValue), \(request.gate), \(request.user), \(request.host), \(request.time)) RETURNING run)
                SELECT pg_notify(\(Self.requestChannel), run) FROM sent
                """, logger: Self.logger)
        }
    }

    func requests(for run: String, after: Int) async throws -> [(number: Int, request: RunRequest)] {
        try await call("cannot read the requests to run \(run) in") { client in
            let rows = try await client.query(
                """
                SELECT row_number() OVER (ORDER BY seq), kind, gate, "user", host, time FROM rollout_requests WHERE run = \(run) ORDER BY seq OFFSET \(after)
                """, logger: Self.logger)
            var requests: [(number: Int, request: RunRequest)] = []
            for try await (number, kind, gate, user, host, time) in rows.decode((Int, String, String?, String, String, String).self) {
                guard let kind = RunRequest.Kind(rawValue: kind) else { continue }
                requests.append((number, RunRequest(kind: kind, gate: gate, user: user, host: host, time: time)))
            }
            return requests
        }
    }

    /// At once by LISTEN on a connection of its own while the database answers, and every second.
    func wakeups(for run: String) -> AsyncStream<Void> {
        let client = client
        return Wakeups.every(.seconds(1)) { wake in
            while !Task.isCancelled {
                try? await client.withConnection { connection in
                    try await connection.listen(on: Self.requestChannel) { notifications in
                        for try await notification in notifications where notification.payload == run { wake.yield() }
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func close() async {
        running.cancel()
        let running = running
        _ = try? await Self.limited("cannot close", place: place, within: settings.timeout) { await running.value }
    }
}

/// A run held in the database by this process, and the leases it took: each owned by a token of
/// this process's own (so that another process resuming the same run cannot take them), all
/// renewed together every third of the lease time. Every take asks the database, which renews a
/// lease this process still owns and refuses one another owner holds: a run never changes a
/// release on a lease it may have lost while the database was away or a person unlocked it.
final class PostgresHold: RunHold {
    let run: String
    let owner = UUID().uuidString
    private let store: PostgresStore
    private let renewing = Mutex<Task<Void, Never>?>(nil)

    init(run: String, store: PostgresStore) {
        self.run = run
        self.store = store
    }

    func take(_ keys: [String], as holder: Holder) async throws -> Lease? {
        startRenewing()
        for key in keys where try await !store.lease(key, owner: owner, holder: holder) {
            // Gone between the two calls: the next try takes it.
            return try await store.lease(of: key) ?? Lease(key: key, holder: .unnamed, expires: nil)
        }
        return nil
    }

    /// Renews every lease this process owns, every third of the lease time, until released.
    private func startRenewing() {
        renewing.withLock { task in
            guard task == nil else { return }
            let (store, owner) = (store, owner)
            task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: store.settings.lease / 3)
                    guard !Task.isCancelled else { return }
                    _ = try? await store.renew(owner: owner)
                }
            }
        }
    }

    func releaseLeases() async {
        await store.release(owner: owner, keeping: LeaseKey.run(run))
    }

    func release() async {
        renewing.withLock { $0?.cancel() }
        await store.release(owner: owner)
    }

    deinit { renewing.withLock { $0?.cancel() } }
}
