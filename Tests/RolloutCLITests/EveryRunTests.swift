import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// Every run is a run: statements given with `-c` or on stdin have a record a resume goes on from,
/// and a change a killed run left with no known outcome is shown as such and settled by the next
/// run on the target before it sends anything.
@Suite struct EveryRunTests {
    /// Polls until `condition` holds (an event in another process), failing after `limit`.
    static func waitUntil(_ what: String, limit: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let start = ContinuousClock.now
        while !(try await condition()) {
            guard ContinuousClock.now - start < limit else {
                Issue.record("\(what) did not happen within \(limit)")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func aChangeOfAKilledCommandLineRunIsShownUnknownThenSettledByTheNextRun() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--latency", "5000ms", "--deploy-time", "0s"])
        defer { emulator.kill9Soon() }
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let child = try rollout.start(endpoint + ["-c", "use cluster demo; set tag v9; upgrade testwww in monitoring"])
        try await Self.waitUntil("the intent on record") {
            (try? String(contentsOf: rollout.journal, encoding: .utf8))?.contains(#""outcome":"sending""#) == true
        }
        // The run reads the release and the charts, then sends the PUT: the third request the
        // emulator admits. It is killed once the PUT is in, before its answer (the latency).
        try await emulator.waitForAdmittedRequests(3)
        await child.kill()
        // The emulator handles the PUT after its latency, though no one waits for the answer.
        try await Self.waitUntil("the change applied") {
            try await emulator.counts("changes")["\(demoCluster)/monitoring/testwww"] == 1
        }
        let shown = try await rollout.run(["journal", "--last", "1"])
        #expect(shown.out.contains("unknown (sent; no result on record)"), "\(shown.all)")
        let next = try await rollout.run(endpoint + ["-c", "status testwww in monitoring on demo"], timeout: .seconds(90))
        #expect(next.code == 0, "\(next.all)")
        #expect(next.err.contains("the upgrade of testwww at line 1 (run "), "\(next.err)")
        #expect(next.err.contains("had no known outcome; reading back shows it was applied (version 4)"), "\(next.err)")
        let settled = try await rollout.run(["journal", "--last", "1"])
        #expect(settled.out.contains("3 → 4    applied (confirmed by reading back)"), "\(settled.all)")
        let again = try await rollout.run(endpoint + ["-c", "status testwww in monitoring on demo"], timeout: .seconds(90))
        #expect(!again.err.contains("no known outcome"), "settled once: \(again.err)")
    }

    @Test func aCommandLineRunThatStoppedInAWaitIsResumed() async throws {
        let rollout = try RolloutProcess()
        let slow = ["ROLLOUT_EMULATOR_DEPLOY_TIME": "1500ms"]
        let statements = "use cluster demo; use namespace monitoring; set interval 100ms; set tag v7; upgrade testwww; wait deployed timeout 200ms; expect tag == v7"
        let first = try await rollout.run(["-c", statements], extraEnvironment: slow)
        #expect(first.code == 4, "\(first.all)")
        let id = try #require(ResumeTests.runID(first.err), "a run that changes has an id and a record: \(first.err)")
        try await Self.waitUntil("the deploy to end", limit: .seconds(30)) {
            let status = try await rollout.run(["-c", "status testwww in monitoring on demo"], extraEnvironment: slow)
            return status.out.contains("DEPLOYED") && status.out.contains("v7")
        }
        let resumed = try await rollout.run(["--resume", id], extraEnvironment: slow)
        #expect(resumed.code == 0, "\(resumed.all)")
        #expect(resumed.err.contains("▶ resuming run \(id) at "), "\(resumed.err)")
        #expect(resumed.out.contains("✔ tag == v7 holds for testwww") && !resumed.out.contains("✔ upgrade"), "\(resumed.out)")
        let reads = try await rollout.run(["-c", "list in monitoring on demo"])
        #expect(!reads.err.contains("▶ run"), "statements that only read have nothing to resume: \(reads.err)")
        let secret = try await rollout.run(["-c", "let DB_PASSWORD = hunter2xyz; sleep 1ms"])
        #expect(secret.err.contains("hold a secret literal, which is never written down"), "\(secret.err)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: rollout.home.appendingPathComponent("state/rollout/runs").path)
        for name in kept {
            let text = try String(contentsOf: rollout.home.appendingPathComponent("state/rollout/runs/\(name)"), encoding: .utf8)
            #expect(!text.contains("hunter2xyz"), "\(name)")
        }
    }
}
