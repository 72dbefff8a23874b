import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// The journal as the built command writes and reads it: every change on record before it is sent.
@Suite(.serialized) struct JournalTests {
    @Test func journalLastShowsThatManyChanges() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run([
            "-c", "use cluster demo; use namespace shop; set interval 50ms; upgrade shop-web; wait deployed; upgrade shop-web; wait deployed; upgrade shop-web",
        ])
        #expect(result.code == 0, "\(result.all)")
        let listed = try await rollout.run(["journal", "--last", "2"])
        let rows = listed.out.split(separator: "\n").dropFirst()
        #expect(rows.count == 2, "\(listed.out)")
        #expect(rows.first?.contains("3 → 4") == true)
        #expect(rows.last?.contains("4 → 5") == true)
        let json = try await rollout.run(["journal", "--last", "2", "--output", "json"])
        #expect(json.out.split(separator: "\n").count == 4, "the intent and result of each of the two changes")
    }

    @Test func aChangeWhoseIntentCannotBeJournaledIsNotSent() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            let blocker = rollout.home.appendingPathComponent("blocker")
            try "not a folder".write(to: blocker, atomically: true, encoding: .utf8)
            let result = try await rollout.run(
                ["--endpoint", emulator.url!.absoluteString, "-c", "use cluster demo; set tag v9; upgrade testwww in monitoring"],
                extraEnvironment: ["XDG_STATE_HOME": blocker.appendingPathComponent("state").path])
            #expect(result.code == 1, "\(result.all)")
            #expect(
                result.err.contains("not sent: this run cannot hold the releases it changes: the state folder \(blocker.path)/state/rollout/runs cannot be made: \(blocker.path) is a file, not a folder"),
                "\(result.err)")
            #expect(emulator.store.changeCounts().isEmpty, "nothing was sent")
            // The run is held, but its journal is a folder: it cannot be read to settle what earlier runs left.
            try FileManager.default.createDirectory(at: rollout.journal, withIntermediateDirectories: true)
            let unwritable = try await rollout.run(
                ["--endpoint", emulator.url!.absoluteString, "-c", "use cluster demo; set tag v9; upgrade testwww in monitoring"])
            #expect(unwritable.code == 1, "\(unwritable.all)")
            #expect(unwritable.err == "rollout: cannot read the journal \(rollout.journal.path): it is a folder, not a file\n", "\(unwritable.err)")
            #expect(emulator.store.changeCounts().isEmpty, "nothing was sent")
        }
    }

    @Test func aChangeInterruptedInFlightIsReadBackAndJournaledAsWhatHappened() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--latency", "1500ms", "--deploy-time", "0s"])
        defer { emulator.kill9Soon() }
        let child = try rollout.start([
            "--endpoint", emulator.url.absoluteString, "-c", "use cluster demo; set tag v9; upgrade testwww in monitoring",
        ])
        // The upgrade reads the release and the charts, then sends its PUT: once the emulator has admitted a
        // third request, the PUT is in its latency, sent and not yet answered.
        try await emulator.waitForAdmittedRequests(3)
        child.signal(SIGINT)
        #expect(await child.exit() == 130)
        let (_, err) = await child.output()
        let client = try AutopilotClient(configuration: emulator.configuration)
        let now = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
        try await client.shutdown()
        let lines = try String(contentsOf: rollout.journal, encoding: .utf8).split(separator: "\n")
        let result = try JSONValue.parse(String(lines.last!))
        // The server finishes what it admitted though the client went away, and the read-back, slowed by
        // the same latency, comes after: the change was applied, and the journal says so.
        #expect(now.version == 4)
        #expect(result["outcome"] == "applied (confirmed by reading back)", "\(err)")
        #expect(result["version_after"] == 4)
        #expect(err.contains("reading back shows version 4: the upgrade was applied"), "\(err)")
    }
}
