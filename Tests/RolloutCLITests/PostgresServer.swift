import Foundation
import Glibc
import Testing

/// A real PostgreSQL server (Debian's `postgresql`, which `.ci/run` installs) of its own: a cluster
/// made by `initdb` in a fresh folder, listening on a free loopback port and a socket in that folder,
/// with a `rollout` role whose password is known and a `rollout` database. PostgreSQL refuses to run as root, so as root it runs
/// as the `postgres` user the package makes.
struct PostgresServer {
    let child: Child
    let port: Int
    let folder: URL

    /// The role and password the tests connect with.
    static let user = "rollout"
    static let password = "rollout-test-db-password"

    /// `postgres://rollout:…@127.0.0.1:<port>/rollout`.
    var url: String { url(database: Self.user) }

    /// The test role's URL of a database of the server.
    func url(database: String) -> String { "postgres://\(Self.user):\(Self.password)@127.0.0.1:\(port)/\(database)" }

    /// The folder of the newest PostgreSQL's programs.
    static var binaries: URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap(Int.init).max().map { root.appendingPathComponent("\($0)/bin") }
    }

    /// Makes a cluster and starts it; returns once it accepts the test role's connection.
    static func start() async throws -> PostgresServer {
        guard let bin = binaries else { throw CLIFailure("no PostgreSQL under /usr/lib/postgresql: .ci/run installs it") }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rollout-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let data = folder.appendingPathComponent("data")
        let passwordFile = folder.appendingPathComponent("password")
        try Self.password.write(to: passwordFile, atomically: true, encoding: .utf8)
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: folder.path)
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: passwordFile.path)
        }
        let initdb = try await run(
            bin.appendingPathComponent("initdb").path,
            ["-D", data.path, "-U", user, "--pwfile", passwordFile.path, "-A", "scram-sha-256", "--no-sync", "-E", "UTF8", "--locale", "C"])
        guard initdb.code == 0 else { throw CLIFailure("initdb failed: \(initdb.all)") }
        let server = try await launch(folder: folder, port: try FreePort.take())
        // initdb makes only the `postgres` database; the tests' own is made once the server answers.
        _ = try await server.sql("create database \(user)", at: server.url(database: "postgres"))
        return server
    }

    /// Starts the server of a folder's cluster; returns once it answers.
    private static func launch(folder: URL, port: Int) async throws -> PostgresServer {
        guard let bin = binaries else { throw CLIFailure("no PostgreSQL under /usr/lib/postgresql: .ci/run installs it") }
        let (executable, arguments) = asServerUser(
            bin.appendingPathComponent("postgres").path,
            ["-D", folder.appendingPathComponent("data").path, "-p", String(port), "-h", "127.0.0.1", "-k", folder.path, "-c", "fsync=off"])
        let child = Child.start(executable, arguments, environment: ProcessInfo.processInfo.environment)
        let server = PostgresServer(child: child, port: port, folder: folder)
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(30) {
            if child.status.isSet { throw CLIFailure("postgres exited: \(await child.output().err)") }
            if (try? await server.sql("select 1", at: server.url(database: "postgres"))) != nil { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        await server.stop()
        throw CLIFailure("postgres did not accept connections within 30 s")
    }

    /// Stops the server at once, dropping its connections, and keeps its data (a database gone in
    /// the middle of a run). The signal goes to the server itself: `runuser` passes on only SIGTERM,
    /// which waits for clients to leave.
    func halt() async throws {
        let pidFile = folder.appendingPathComponent("data/postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw CLIFailure("no postmaster.pid in \(pidFile.path)")
        }
        kill(pid, SIGINT)
        _ = await child.exit()
    }

    /// Starts the halted server again, on its port and data; the running server.
    func startAgain() async throws -> PostgresServer {
        try await Self.launch(folder: folder, port: port)
    }

    /// The URL rollout is given: the role without its password, which comes from `stateEnvironment`.
    var stateURL: String { "postgres://\(Self.user)@127.0.0.1:\(port)/\(Self.user)" }

    /// The environment that names this server's database as rollout's state.
    var stateEnvironment: [String: String] { ["ROLLOUT_STATE": stateURL, "ROLLOUT_STATE_PASSWORD": Self.password] }

    /// Runs one statement with psql as the test role (or at `url`), over TCP with its password; the rows as text.
    func sql(_ statement: String, at url: String? = nil) async throws -> String {
        guard let bin = Self.binaries else { throw CLIFailure("no psql") }
        let result = try await Self.run(
            bin.appendingPathComponent("psql").path, ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement, url ?? self.url],
            environment: ["PGCONNECT_TIMEOUT": "2"])
        guard result.code == 0 else { throw CLIFailure("psql: \(result.all)") }
        return result.out
    }

    /// Stops the server and removes its folder.
    func stop() async {
        await child.kill(SIGTERM)
        try? FileManager.default.removeItem(at: folder)
    }

    /// A program as the server's user: itself, or under `runuser -u postgres` as root.
    private static func asServerUser(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        getuid() == 0 ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments) : (executable, arguments)
    }

    private static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (code: Int32, out: String, all: String) {
        let (program, all) = asServerUser(executable, arguments)
        let child = Child.start(program, all, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        let code = await child.exit(timeout: .seconds(60))
        let output = await child.output()
        return (code, output.out, output.out + output.err)
    }
}

/// The tests' PostgreSQL server itself: what the state backend will be tested against.
@Suite struct PostgresServerTests {
    @Test func aServerOfItsOwnAcceptsTheTestRoleAndRefusesAWrongPassword() async throws {
        let server = try await PostgresServer.start()
        do {
            #expect(try await server.sql("create table t (n int); insert into t values (41), (1); select sum(n) from t").contains("42"))
            let wrong = server.url.replacingOccurrences(of: PostgresServer.password, with: "wrong")
            let refused = await #expect(throws: CLIFailure.self) { try await server.sql("select 1", at: wrong) }
            #expect(refused?.description.contains("password authentication failed") == true, "\(String(describing: refused))")
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }
}
