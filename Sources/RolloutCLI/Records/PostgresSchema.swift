import Logging
import PostgresNIO

/// The tables rollout keeps in a shared database, as a list of migrations: the schema's version is
/// how many of them the database has had. rollout brings a database up to its own version when it
/// opens it, forward only, all in one transaction, one process at a time; a database with a newer
/// version than this binary knows is refused, since its rules may not be the ones this one keeps.
enum PostgresSchema {
    /// Each version's statements, in order; a released one is never changed, only followed.
    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE rollout_journal (
                seq bigserial PRIMARY KEY,
                time text NOT NULL, target text NOT NULL, run text NOT NULL, try integer NOT NULL,
                "user" text NOT NULL, host text NOT NULL, kind text NOT NULL,
                cluster text NOT NULL, namespace text NOT NULL, release text NOT NULL,
                line text NOT NULL)
            """,
            "CREATE INDEX rollout_journal_run ON rollout_journal (run)",
            "CREATE INDEX rollout_journal_target ON rollout_journal (target, seq)",
            "CREATE TABLE rollout_runs (id text PRIMARY KEY, record text NOT NULL, updated timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE rollout_scripts (id text PRIMARY KEY, text text NOT NULL)",
            """
            CREATE TABLE rollout_leases (
                key text PRIMARY KEY, run text NOT NULL, owner text NOT NULL, holder text NOT NULL, expires timestamptz NOT NULL)
            """,
            "CREATE INDEX rollout_leases_run ON rollout_leases (run)",
        ],
        // Requests to running runs from elsewhere (approve, hold, abort), with who made them.
        [
            """
            CREATE TABLE rollout_requests (
                seq bigserial PRIMARY KEY, run text NOT NULL, kind text NOT NULL, gate text,
                "user" text NOT NULL, host text NOT NULL, time text NOT NULL)
            """,
            "CREATE INDEX rollout_requests_run ON rollout_requests (run, seq)",
        ],
        // How each run stands, as it last put it up, for `rollout watch`.
        [
            "CREATE TABLE rollout_views (run text PRIMARY KEY, view text NOT NULL, updated timestamptz NOT NULL DEFAULT now())",
        ],
    ]

    /// The version this binary writes.
    static var version: Int { migrations.count }

    /// Brings the database up to `version`; throws, saying why, when it is newer.
    static func migrate(_ connection: PostgresConnection, place: String, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            // One migrating process at a time: the others wait here, then find the work done.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('rollout schema'))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS rollout_schema (version integer NOT NULL)", logger: logger)
            var current = 0
            for try await version in try await connection.query("SELECT version FROM rollout_schema", logger: logger).decode(Int.self) {
                current = version
            }
            guard current <= version else { throw Newer(place: place, found: current, known: version) }
            guard current < version else { return }
            for statements in migrations[current...] {
                for statement in statements { try await connection.query(statement, logger: logger) }
            }
            try await connection.query("DELETE FROM rollout_schema", logger: logger)
            try await connection.query("INSERT INTO rollout_schema (version) VALUES (\(version))", logger: logger)
        }
    }

    /// A database whose schema a newer rollout wrote.
    struct Newer: Error, CustomStringConvertible {
        var place: String
        var found: Int
        var known: Int
        var description: String {
            "\(place) holds rollout's records in schema version \(found), and this rollout knows versions up to \(known): a newer rollout wrote them; use that version (rollout --version) or newer, so that its rules are kept"
        }
    }
}
