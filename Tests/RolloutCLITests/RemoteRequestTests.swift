import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import Testing

/// A running run answered from another shell: `rollout approve` passes its gate, `rollout hold`
/// stops it starting more, `rollout abort` halts it with its policy; each said with who asked, and
/// kept on record.
@Suite(.serialized) struct RemoteRequestTests {
    /// A rollout of four members, one a wave, each deploy taking `deploy`.
    static func script(_ header: String) -> String {
        """
        group edge = fleet edge
        group web = releases of chart shop-web in web on edge
        rollout web \(header) { set interval 50ms; set tag v2; upgrade; wait deployed }
        """
    }

    /// Waits until a run is on record and held by its process; its id.
    static func running(_ other: RolloutProcess, environment: [String: String]) async throws -> String {
        var id: String?
        var seen = ""
        try await EveryRunTests.waitUntil("the run to be running") {
            let runs = try await other.run(["runs"], extraEnvironment: environment)
            seen = runs.all
            id = runs.out.split(separator: "\n").first { $0.contains(" running ") }?.split(separator: " ").first.map(String.init)
            return id != nil
        }
        return try #require(id, "\(seen)")
    }

    /// A rollout of two members on its own emulator, started on `machine` with the state `state`
    /// names (a database's environment, or none: local files), once it is running as `other` sees
    /// it: then it waits up to a minute at its gate `canary-ok`.
    static func gatedRun(
        on machine: RolloutProcess, state: [String: String], seenFrom other: RolloutProcess
    ) async throws -> (emulator: EmulatorProcess, child: Child, id: String) {
        let emulator = try await EmulatorProcess.start(machine, arguments: ["--fleet", "2x1", "--deploy-time", "300ms"])
        let file = try ResumeTests.script(machine, "gated.rollout", Self.script(#"waves 1 gate "canary-ok" rest"#))
        let environment = state.merging(["ROLLOUT_EMULATOR_FLEET": "2x1"]) { $1 }
        let child = try machine.start(["--endpoint", emulator.url.absoluteString, "--gate-wait", "60s", file.path], extraEnvironment: environment)
        return (emulator, child, try await Self.running(other, environment: state))
    }

    @Test func aGateIsPassedByRollOutApproveFromAnotherMachine() async throws {
        try await PostgresStateTests.withServer { server in
            let other = try RolloutProcess()
            let (emulator, child, id) = try await Self.gatedRun(on: try RolloutProcess(), state: server.stateEnvironment, seenFrom: other)
            defer { emulator.kill9Soon() }
            let approved = try await other.run(["approve", id, "canary-ok"], extraEnvironment: server.stateEnvironment.merging(["USER": "carol"]) { $1 })
            #expect(approved.code == 0 && approved.out.contains("gate 'canary-ok' of run \(id) approved (asked by carol on "), "\(approved.all)")
            let code = await child.exit()
            let (out, err) = await child.output()
            #expect(code == 0, "\(out)\(err)")
            #expect((out + err).contains("gate 'canary-ok' approved by carol on "), "said with who approved it: \(out)\(err)")
            #expect(try await server.sql("select \"user\" || ' ' || kind || ' ' || gate from rollout_requests").contains("carol approve canary-ok"))
            let counts = try await emulator.counts("changes")
            #expect(counts.count == 2, "both waves ran: \(counts)")
            let ended = try await other.run(["approve", id, "canary-ok"], extraEnvironment: server.stateEnvironment)
            #expect(ended.code == 2 && ended.err.contains("run \(id) is not running: succeeded (exit 0)"), "\(ended.all)")
        }
    }

    @Test func aGateThatNamesWhoMayPassItTakesOnlyThemAndNeverItsRunner() async throws {
        let machine = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(machine, arguments: ["--fleet", "2x1", "--deploy-time", "300ms"])
        defer { emulator.kill9Soon() }
        let file = try ResumeTests.script(machine, "gated.rollout", Self.script(#"waves 1 gate "canary-ok" by alice, ops rest"#))
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let runner = ["ROLLOUT_EMULATOR_FLEET": "2x1", "USER": "ops"]
        let approveOnCommandLine = try await machine.run(endpoint + ["--approve", "canary-ok", "--gate-wait", "1s", file.path], extraEnvironment: runner)
        #expect(approveOnCommandLine.code == 2, "\(approveOnCommandLine.all)")
        #expect(approveOnCommandLine.err.contains("--approve canary-ok cannot pass the gate 'canary-ok': only rollout approve from alice or ops does"))
        let child = try machine.start(endpoint + ["--yes", "--gate-wait", "60s", file.path], extraEnvironment: runner)
        let id = try await Self.running(machine, environment: [:])
        for (user, gate, refusal) in [
            ("mallory", "canary-ok", "you (mallory) cannot pass the gate 'canary-ok' of run \(id): only alice or ops may pass it"),
            ("ops", "canary-ok", "you (ops) cannot pass the gate 'canary-ok' of run \(id): ops runs this rollout, and someone else must pass its gate"),
            ("alice", "prod", "run \(id) has no gate 'prod' (its gates: canary-ok)"),
        ] {
            let refused = try await machine.run(["approve", id, gate], extraEnvironment: ["USER": user])
            #expect(refused.code == 2 && refused.err.contains(refusal), "\(refused.all)")
        }
        // The run judges too: a request put on record some other way is refused there.
        try #"{"kind":"approve","gate":"canary-ok","user":"mallory","host":"elsewhere","time":"2026-12-06T00:00:00Z"}"#.appending("\n")
            .write(to: machine.home.appendingPathComponent("state/rollout/runs/\(id).requests.jsonl"), atomically: false, encoding: .utf8)
        let approved = try await machine.run(["approve", id, "canary-ok"], extraEnvironment: ["USER": "alice"])
        #expect(approved.code == 0, "\(approved.all)")
        let code = await child.exit()
        let (out, err) = await child.output()
        #expect(code == 0, "--yes does not pass it; alice does: \(out)\(err)")
        #expect(err.contains("✘ gate 'canary-ok': the approval by mallory on elsewhere"), "\(err)")
        #expect((out + err).contains("gate 'canary-ok' approved by alice on "), "\(out)\(err)")
    }

    @Test func holdFromAnotherShellStopsTheNextWaveAndTheRunResumesLater() async throws {
        let machine = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(machine, arguments: ["--fleet", "4x1", "--deploy-time", "1s"])
        defer { emulator.kill9Soon() }
        let file = try ResumeTests.script(machine, "waves.rollout", Self.script("waves 1 1 1 rest"))
        let environment = ["ROLLOUT_EMULATOR_FLEET": "4x1"]
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let child = try machine.start(endpoint + [file.path], extraEnvironment: environment)
        // Another shell on the same machine: the same local files.
        let id = try await Self.running(machine, environment: [:])
        let held = try await machine.run(["hold", id], extraEnvironment: ["USER": "bob"])
        #expect(held.code == 0, "\(held.all)")
        let code = await child.exit()
        let (out, err) = await child.output()
        #expect(code == 5, "held: \(out)\(err)")
        #expect(err.contains("held by bob on "), "\(err)")
        let changed = try await emulator.counts("changes")
        #expect(changed.count < 4, "the waves after the hold did not start: \(changed)")
        let runs = try await machine.run(["runs"])
        #expect(runs.out.contains("\(id)  held (exit 5)"), "\(runs.out)")
        let resumed = try await machine.run(endpoint + ["--resume", id], extraEnvironment: environment)
        #expect(resumed.code == 0, "\(resumed.all)")
        let counts = try await emulator.counts("changes")
        #expect(counts.count == 4 && Set(counts.values) == [1], "each release changed once: \(counts)")
    }

    @Test func abortHaltsTheRolloutWithItsPolicy() async throws {
        try await PostgresStateTests.withServer { server in
            let machine = try RolloutProcess()
            let emulator = try await EmulatorProcess.start(machine, arguments: ["--fleet", "4x1", "--deploy-time", "1s"])
            defer { emulator.kill9Soon() }
            let file = try ResumeTests.script(machine, "waves.rollout", Self.script("waves 1 1 1 rest then rollback all"))
            let environment = server.stateEnvironment.merging(["ROLLOUT_EMULATOR_FLEET": "4x1"]) { $1 }
            let child = try machine.start(["--endpoint", emulator.url.absoluteString, file.path], extraEnvironment: environment)
            let other = try RolloutProcess()
            let id = try await Self.running(other, environment: server.stateEnvironment)
            let aborted = try await other.run(["abort", id], extraEnvironment: server.stateEnvironment.merging(["USER": "dave"]) { $1 })
            #expect(aborted.code == 0, "\(aborted.all)")
            let code = await child.exit()
            let (out, err) = await child.output()
            #expect(code == 6, "halted and rolled back: \(out)\(err)")
            #expect((out + err).contains("halted by dave on "), "\(out)\(err)")
            let client = try AutopilotClient(configuration: emulator.configuration)
            defer { Task { try? await client.shutdown() } }
            for (_, cluster) in DemoFleet(clusters: 4, releasesPerCluster: 1).aliases {
                let release = try await client.release("web-01", in: DemoFleet.namespace, cluster: cluster)
                #expect(release.imageTag != "v2", "rolled back or never changed")
            }
        }
    }
}
