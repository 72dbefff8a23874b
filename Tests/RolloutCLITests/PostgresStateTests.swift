import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import Testing

@testable import RolloutCLI

/// The state in a PostgreSQL database a team shares: its schema, its journal and run records, and a
/// run resumed from a machine that never saw it. Each test has a server of its own, one at a time,
/// so that making clusters does not starve the suites beside them on a small machine.
@Suite(.serialized) struct PostgresStateTests {
    /// Runs a test against a server of its own, stopped after it whatever happens.
    static func withServer(_ body: (PostgresServer) async throws -> Void) async throws {
        let server = try await PostgresServer.start()
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func settings(_ server: PostgresServer) throws -> PostgresSettings {
        try PostgresSettings(url: server.stateURL, password: Secret(PostgresServer.password))
    }

    @Test func theSchemaIsMadeOnceByManyAtOnceAndANewerOneIsRefused() async throws {
        try await Self.withServer { server in
            let settings = try Self.settings(server)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { await (try PostgresStore.open(settings)).close() }
                }
                try await group.waitForAll()
            }
            #expect(try await server.sql("select version from rollout_schema").trimmingCharacters(in: .whitespacesAndNewlines) == "\(PostgresSchema.version)")
            _ = try await server.sql("update rollout_schema set version = 99")
            let refused = await #expect(throws: CLIError.self) { try await PostgresStore.open(settings) }
            #expect(refused?.description.contains("schema version 99, and this rollout knows versions up to \(PostgresSchema.version)") == true, "\(String(describing: refused))")
            #expect(refused?.exitCode == 2)
        }
    }

    @Test func aWrongPasswordOrAPasswordInTheURLIsRefusedAndNeverShown() async throws {
        try await Self.withServer { server in
            let rollout = try RolloutProcess()
            let wrong = try await rollout.run(["journal"], extraEnvironment: ["ROLLOUT_STATE": server.stateURL, "ROLLOUT_STATE_PASSWORD": "not-the-password"])
            #expect(wrong.code != 0 && wrong.err.contains("password authentication failed"), "\(wrong.all)")
            #expect(wrong.err.contains(server.stateURL) && !wrong.all.contains("not-the-password"), "\(wrong.all)")
            let inURL = try await rollout.run(["journal", "--state", server.url])
            #expect(inURL.code == 2 && inURL.err.contains("put no password in the URL"), "\(inURL.all)")
            #expect(!inURL.all.contains(PostgresServer.password), "\(inURL.all)")
            let unknown = try await rollout.run(["journal", "--state", server.stateURL + "?sslmode=maybe"], extraEnvironment: server.stateEnvironment)
            #expect(unknown.code == 2 && unknown.err.contains("sslmode is disable, prefer, require or verify-full, not 'maybe'"), "\(unknown.all)")
            // doctor says the same of the state, on its own line.
            let doctor = try await rollout.run(["doctor"], extraEnvironment: server.stateEnvironment)
            #expect(doctor.code == 0 && doctor.out.contains("✔ state       \(server.stateURL), schema version \(PostgresSchema.version)"), "\(doctor.all)")
            let sick = try await rollout.run(["doctor"], extraEnvironment: ["ROLLOUT_STATE": server.stateURL, "ROLLOUT_STATE_PASSWORD": "not-the-password"])
            #expect(sick.code == 1 && sick.out.contains("✘ state") && sick.out.contains("password authentication failed"), "\(sick.all)")
            #expect(!sick.all.contains("not-the-password"), "\(sick.all)")
        }
    }

    @Test func aRunKeptInTheDatabaseIsResumedFromAnotherMachineAndItsJournalReadFromAThird() async throws {
        try await Self.withServer { server in
            let first = try RolloutProcess()
            let emulator = try await EmulatorProcess.start(first, arguments: ["--fleet", "2x1", "--deploy-time", "1500ms"])
            defer { emulator.kill9Soon() }
            let file = try ResumeTests.script(first, "slow.rollout", """
                group w = clusters edge-001 edge-002
                set tag v2
                rollout w { set interval 100ms; upgrade web-01 in web; wait deployed timeout 300ms }
                """)
            let endpoint = ["--endpoint", emulator.url.absoluteString]
            let environment = server.stateEnvironment.merging(["ROLLOUT_EMULATOR_FLEET": "2x1", "USER": "alice"]) { $1 }
            let failed = try await first.run(endpoint + [file.path], extraEnvironment: environment)
            #expect(failed.code == 5, "the slow deploy fails the first member and halts: \(failed.all)")
            let id = try #require(ResumeTests.runID(failed.err))
            #expect(!FileManager.default.fileExists(atPath: first.journal.path), "nothing is kept in the machine's own files")
            let client = try AutopilotClient(configuration: emulator.configuration)
            defer { Task { try? await client.shutdown() } }
            let cluster = try #require(DemoFleet(clusters: 2, releasesPerCluster: 1).aliases["edge-001"])
            try await EveryRunTests.waitUntil("the first member's deploy to end") {
                try await client.release("web-01", in: DemoFleet.namespace, cluster: cluster).status == .deployed
            }
            let quick = try await RawRequest(method: "PUT", path: "/_emulator/settings", body: Array(#"{"deployTime": 0, "faults": {}}"#.utf8)).send(to: emulator.url)
            #expect(quick.status == 200, "\(quick.body)")
            // Another machine: a clean home with neither the script nor any record of the run.
            let second = try RolloutProcess()
            let resumed = try await second.run(["--resume", id] + endpoint, extraEnvironment: environment.merging(["USER": "bob"]) { $1 })
            #expect(resumed.code == 0, "\(resumed.all)")
            #expect(resumed.out.contains("was made in an earlier try of this run (version 2); it is not sent again"), "\(resumed.out)")
            let counts = try await emulator.counts("changes")
            #expect(counts.count == 2 && Set(counts.values) == [1], "each release changed once: \(counts)")
            let again = try await second.run(["--resume", id] + endpoint, extraEnvironment: environment)
            #expect(again.code == 2 && again.err.contains("run \(id) succeeded; there is nothing to resume"), "\(again.all)")
            // A third machine reads the journal: every change, who made it, filtered as asked.
            let third = try RolloutProcess()
            let all = try await third.run(["journal", "--output", "json", "--run", id], extraEnvironment: server.stateEnvironment)
            let lines = all.out.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
            let applied = lines.filter { $0["outcome"]?.scalarText == "applied" }
            #expect(applied.count == 2, "one upgrade per member: \(all.all)")
            #expect(Set(lines.compactMap { $0["user"]?.scalarText }) == ["alice", "bob"], "\(all.out)")
            let bobs = try await third.run(["journal", "--user", "bob", "--release", "web-01"], extraEnvironment: server.stateEnvironment)
            #expect(bobs.code == 0 && bobs.out.contains(" bob ") && !bobs.out.contains(" alice "), "\(bobs.all)")
            let none = try await third.run(["journal", "--since", "2999-01-01"], extraEnvironment: server.stateEnvironment)
            #expect(none.out.contains("no changes yet (\(server.stateURL)"), "\(none.all)")
        }
    }

    @Test func theDatabaseGoneMidRunSendsNothingUnrecordedAndLosesNothing() async throws {
        var server = try await PostgresServer.start()
        do {
            let rollout = try RolloutProcess()
            let emulator = try await EmulatorProcess.start(rollout, arguments: ["--fleet", "1x2", "--deploy-time", "5s"])
            defer { emulator.kill9Soon() }
            let file = try ResumeTests.script(rollout, "two.rollout", """
                use cluster edge-001
                use namespace web
                set tag v2
                set interval 100ms
                upgrade web-01
                wait deployed for web-01
                upgrade web-02
                """)
            // A short time limit and lease, so that the run fails soon and its hold ends soon.
            let state = "postgres://\(PostgresServer.user)@127.0.0.1:\(server.port)/\(PostgresServer.user)?connect_timeout=2&lease=2s"
            let environment = ["ROLLOUT_STATE": state, "ROLLOUT_STATE_PASSWORD": PostgresServer.password, "ROLLOUT_EMULATOR_FLEET": "1x2"]
            let endpoint = ["--endpoint", emulator.url.absoluteString]
            let child = try rollout.start(endpoint + [file.path], extraEnvironment: environment)
            try await EveryRunTests.waitUntil("the first upgrade's result to be in the journal") {
                ((try? await server.sql("select count(*) from rollout_journal where line::json->>'outcome' = 'applied'")) ?? "").hasPrefix("1")
            }
            // Gone while the run waits for the first deploy (5 s), before the second upgrade.
            try await server.halt()
            let code = await child.exit()
            let (out, err) = await child.output()
            #expect(code == 1, "the step that could not be recorded failed: \(out)\(err)")
            #expect(err.contains("cannot be written") && err.contains(state.prefix { $0 != "?" }), "a clear error naming the database: \(out)\(err)")
            #expect(!(out + err).contains(PostgresServer.password))
            let changed = try await emulator.counts("changes")
            #expect(changed.keys.contains { $0.hasSuffix("web-01") } && !changed.keys.contains { $0.hasSuffix("web-02") }, "the second upgrade was not sent: \(changed)")
            // Back: what was written is there, and the run goes on once its hold has expired.
            server = try await server.startAgain()
            let id = try #require(ResumeTests.runID(err))
            try await EveryRunTests.waitUntil("the dead run's hold to expire") {
                ((try? await server.sql("select count(*) from rollout_leases where expires > now()")) ?? "").hasPrefix("0")
            }
            let journal = try await rollout.run(["journal", "--run", id], extraEnvironment: environment)
            #expect(journal.out.contains("web-01") && journal.out.contains("applied") && !journal.out.contains("web-02"), "\(journal.all)")
            let resumed = try await rollout.run(["--resume", id] + endpoint, extraEnvironment: environment)
            #expect(resumed.code == 0, "\(resumed.all)")
            let counts = try await emulator.counts("changes")
            #expect(counts.count == 2 && Set(counts.values) == [1], "each release changed once: \(counts)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
