import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import Testing

@testable import RolloutCLI

/// A resumed rollout knows every try of its run: what an earlier try changed is neither sent again
/// nor forgotten by a halt policy.
@Suite struct ResumeFleetTests {
    @Test func aMemberWhoseChangeWasAppliedBeforeItFailedIsNotChangedAgainOnResume() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--fleet", "2x1", "--deploy-time", "1500ms"])
        defer { emulator.kill9Soon() }
        let file = try ResumeTests.script(rollout, "slow.rollout", """
            group w = clusters edge-001 edge-002
            set tag v2
            rollout w { set interval 100ms; upgrade web-01 in web; wait deployed timeout 300ms }
            """)
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let first = try await rollout.run(endpoint + [file.path], extraEnvironment: ["ROLLOUT_EMULATOR_FLEET": "2x1"])
        #expect(first.code == 5, "the slow deploy fails the first member and halts: \(first.all)")
        let id = try #require(ResumeTests.runID(first.err))
        let client = try AutopilotClient(configuration: emulator.configuration)
        defer { Task { try? await client.shutdown() } }
        let cluster = try #require(DemoFleet(clusters: 2, releasesPerCluster: 1).aliases["edge-001"])
        try await EveryRunTests.waitUntil("the first member's deploy to end") {
            try await client.release("web-01", in: DemoFleet.namespace, cluster: cluster).status == .deployed
        }
        // The cause is fixed: deploys are quick again.
        let quick = try await RawRequest(method: "PUT", path: "/_emulator/settings", body: Array(#"{"deployTime": 0, "faults": {}}"#.utf8)).send(to: emulator.url)
        #expect(quick.status == 200, "\(quick.body)")
        let resumed = try await rollout.run(["--resume", id] + endpoint, extraEnvironment: ["ROLLOUT_EMULATOR_FLEET": "2x1"])
        #expect(resumed.code == 0, "\(resumed.all)")
        #expect(resumed.out.contains("was made in an earlier try of this run (version 2); it is not sent again"), "\(resumed.out)")
        let counts = try await emulator.counts("changes")
        #expect(counts.count == 2 && Set(counts.values) == [1], "each release changed once: \(counts)")
    }

    @Test func aHaltPolicyAfterAResumeUndoesWhatEveryTryChanged() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--fleet", "3x1", "--deploy-time", "0s", "--fail-tag", "v2-edge-003"])
        defer { emulator.kill9Soon() }
        let file = try ResumeTests.script(rollout, "waves.rollout", """
            group w = clusters edge-001 edge-002 edge-003
            rollout w waves 1 1 1 soak 3s then rollback all { set interval 50ms; set tag v2-${CLUSTER}; upgrade web-01 in web; wait deployed }
            """)
        let environment = ["ROLLOUT_EMULATOR_FLEET": "3x1"]
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let first = try rollout.start(endpoint + [file.path], extraEnvironment: environment)
        // Killed while it soaks after wave 2: two members changed by this try.
        try await EveryRunTests.waitUntil("waves 1 and 2 to be changed", limit: .seconds(40)) {
            let text = (try? String(contentsOf: rollout.journal, encoding: .utf8)) ?? ""
            return text.components(separatedBy: #""outcome":"applied""#).count == 3
        }
        try await EveryRunTests.waitUntil("the record to show both members finished") {
            let runs = rollout.home.appendingPathComponent("state/rollout/runs")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
            return names.contains { name in
                name.hasSuffix(".json") && ((try? String(contentsOf: runs.appendingPathComponent(name), encoding: .utf8)) ?? "").contains("edge-002")
            }
        }
        await first.kill()
        let resumed = try await rollout.run(["--resume"] + endpoint, extraEnvironment: environment)
        #expect(resumed.code == 6, "\(resumed.all)")
        #expect(resumed.all.contains("rollback all: 3 of 3 members rolled back"), "\(resumed.all)")
        let client = try AutopilotClient(configuration: emulator.configuration)
        defer { Task { try? await client.shutdown() } }
        for (name, cluster) in DemoFleet(clusters: 3, releasesPerCluster: 1).aliases.sorted(by: { $0.key < $1.key }) {
            let release = try await client.release("web-01", in: DemoFleet.namespace, cluster: cluster)
            #expect(release.imageTag?.hasPrefix("v2-") == false, "\(name) is back where it was: \(release.imageTag ?? "")")
        }
    }
}

/// `kill -9` at random moments of a fleet rollout, each followed by `--resume` (itself killed in
/// turn), until the run ends: no statement's change is made twice, and the journal agrees with the
/// emulator.
@Suite struct KilledFleetTests {
    @Test func randomKillsAndResumesChangeEachReleaseOncePerStatement() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--fleet", "6x4", "--deploy-time", "300ms", "--latency", "100ms"])
        defer { emulator.kill9Soon() }
        let environment = ["ROLLOUT_EMULATOR_FLEET": "6x4"]
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let file = try ResumeTests.script(rollout, "two.rollout", """
            group edge = fleet edge
            group web = releases of chart shop-web in web on edge
            rollout web waves 4 rest parallel 4 {
                set interval 50ms
                set tag two-a
                upgrade
                wait deployed
                set tag two-b
                upgrade
                wait deployed
            }
            """)
        func sendingLines() -> Int {
            ((try? String(contentsOf: rollout.journal, encoding: .utf8)) ?? "").components(separatedBy: #""outcome":"sending""#).count - 1
        }
        var arguments = endpoint + [file.path]
        var kills: [Int] = []
        // Five kills in CI; ROLLOUT_TEST_KILLS asks for a longer run.
        let killCount = Int(ProcessInfo.processInfo.environment["ROLLOUT_TEST_KILLS"] ?? "") ?? 5
        for _ in 0..<killCount {
            let before = sendingLines()
            // 48 changes in all: the kills are spread over them, so that a longer run kills more often.
            let more = Int.random(in: 1...max(2, 96 / (killCount + 1) - 1))
            let child = try rollout.start(arguments, extraEnvironment: environment)
            let start = ContinuousClock.now
            while sendingLines() < before + more, !child.status.isSet, ContinuousClock.now - start < .seconds(60) {
                try await Task.sleep(for: .milliseconds(20))
            }
            // A run that ended by itself before the kill has nothing left to resume.
            if child.status.isSet { break }
            await child.kill()
            kills.append(more)
            arguments = ["--resume"] + endpoint
        }
        print("killed after \(kills) sends, \(kills.count) kills")
        var last = try await rollout.run(["--resume"] + endpoint, extraEnvironment: environment, timeout: .seconds(120))
        if last.code == 2, last.err.contains("succeeded; there is nothing to resume") || last.err.contains("no failed or interrupted run") {
            last = RolloutProcess.Result(code: 0, out: "", err: "")
        }
        #expect(last.code == 0, "kills after \(kills) sends: \(last.all)")
        let client = try AutopilotClient(configuration: emulator.configuration)
        defer { Task { try? await client.shutdown() } }
        let fleet = DemoFleet(clusters: 6, releasesPerCluster: 4)
        let counts = try await emulator.counts("changes")
        #expect(counts.count == 24 && Set(counts.values) == [2], "each release changed once by each of the two upgrades (kills after \(kills)): \(counts.filter { $0.value != 2 })")
        var made: [String: Int] = [:]
        for entry in Journal.entries(of: try await FileStore(journal: rollout.journal).journal(.all)) where entry.change.outcome.madeTheChange {
            made["\(entry.change.cluster)/\(entry.change.namespace)/\(entry.change.release)", default: 0] += 1
        }
        #expect(made == counts, "the journal's outcomes are the emulator's: \(made.filter { counts[$0.key] != $0.value })")
        for (_, cluster) in fleet.aliases {
            for index in 1...4 {
                let release = try await client.release(String(format: "web-%02d", index), in: DemoFleet.namespace, cluster: cluster)
                #expect(release.imageTag == "two-b" && release.status == .deployed, "\(release.name) on \(cluster): \(release.imageTag ?? "") \(release.status)")
            }
        }
    }
}
