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

    /// Runs stay on record: the database is the team's history of them.
    func prune(keeping count: Int) async {}

    // MARK: Leases

    func hold(_ id: String, by holder: Holder) async throws -> (any RunHold)? {
        try await lease(LeaseKey.run(id), for: holder)
    }

    func isHeld(_ id: String) async throws -> Bool {
        try await self.holder(of: LeaseKey.run(id)) != nil
    }

    /// Takes a lease for a holder, unless another holder's has not expired; the lease, renewed
    /// until it is released, or nil.
    func lease(_ key: String, for holder: Holder) async throws -> PostgresLease? {
        let text = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
        let seconds = Double(settings.lease.components.seconds)
        let taken = try await call("cannot take the lease \(key) in") { client in
            let rows = try await client.query(
                """
                INSERT INTO rollout_leases (key, run, holder, expires) VALUES (\(key), \(holder.run), \(text), now() + make_interval(secs => \(seconds)))
                ON CONFLICT (key) DO UPDATE SET run = excluded.run, holder = excluded.holder, expires = excluded.expires
                WHERE rollout_leases.expires < now() OR rollout_leases.run = excluded.run
                RETURNING key
                """, logger: Self.logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        guard taken else { return nil }
        return PostgresLease(key: key, run: holder.run, store: self)
    }

    /// Who holds a lease that has not expired; nil when no one does.
    func holder(of key: String) async throws -> Holder? {
        try await call("cannot read the lease \(key) in") { client in
            let rows = try await client.query("SELECT holder FROM rollout_leases WHERE key = \(key) AND expires > now()", logger: Self.logger)
            for try await text in rows.decode(String.self) {
                return try? JSONDecoder().decode(Holder.self, from: Data(text.utf8))
            }
            return nil
        }
    }

    /// Moves a run's lease on by the lease time; false when it is no longer the run's.
    func renew(_ key: String, of run: String) async throws -> Bool {
        let seconds = Double(settings.lease.components.seconds)
        return try await call("cannot renew the lease \(key) in") { client in
            let rows = try await client.query(
                """
                UPDATE rollout_leases SET expires = now() + make_interval(secs => \(seconds))
                WHERE key = \(key) AND run = \(run) RETURNING key
                """, logger: Self.logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    /// Gives a run's lease up.
    func release(_ key: String, of run: String) async {
        _ = try? await call("cannot release the lease \(key) in") { client in
            try await client.query("DELETE FROM rollout_leases WHERE key = \(key) AND run = \(run)", logger: Self.logger)
        }
    }

    func close() async {
        running.cancel()
        let running = running
        _ = try? await Self.limited("cannot close", place: place, within: settings.timeout) { await running.value }
    }
}

/// What a lease is on, as a key that says so in full, so that no two things share one.
enum LeaseKey {
    /// A run, held by the process running it.
    static func run(_ id: String) -> String { "run/\(id)" }
}

/// A lease this process holds in the database: renewed every third of the lease time until it is
/// released; a renewal that fails is tried again at the next.
final class PostgresLease: RunHold {
    let key: String
    let run: String
    private let store: PostgresStore
    private let renewing: Task<Void, Never>

    init(key: String, run: String, store: PostgresStore) {
        self.key = key
        self.run = run
        self.store = store
        let every = store.settings.lease / 3
        renewing = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                guard !Task.isCancelled else { return }
                _ = try? await store.renew(key, of: run)
            }
        }
    }

    func release() async {
        renewing.cancel()
        await store.release(key, of: run)
    }

    deinit { renewing.cancel() }
}
