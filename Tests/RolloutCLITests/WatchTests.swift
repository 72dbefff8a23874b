import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import Testing

@testable import RolloutCLI

/// `rollout watch RUN` from another machine: the run's lines as it prints them, and at the end a
/// line saying how it ended, with the run's exit code.
@Suite(.serialized) struct WatchTests {
    @Test func aRunIsFollowedFromAnotherMachineToItsEnd() async throws {
        try await PostgresStateTests.withServer { server in
            let other = try RolloutProcess()
            let (emulator, child, id) = try await RemoteRequestTests.gatedRun(on: try RolloutProcess(), state: server.stateEnvironment, seenFrom: other)
            defer { emulator.kill9Soon() }
            // The view is up while the run waits at its gate.
            try await EveryRunTests.waitUntil("the run's view to show its gate") {
                try await server.sql("select view from rollout_views where run = '\(id)'").contains("waits up to")
            }
            let watch = try other.start(["watch", id], extraEnvironment: server.stateEnvironment)
            let approved = try await other.run(["approve", id, "canary-ok"], extraEnvironment: server.stateEnvironment)
            #expect(approved.code == 0, "\(approved.all)")
            #expect(await child.exit() == 0)
            let code = await watch.exit()
            let (out, err) = await watch.output()
            #expect(code == 0, "\(out)\(err)")
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.contains("⏸ gate 'canary-ok' waits up to 1m for: rollout approve \(id) canary-ok") }, "\(out)")
            #expect(lines.contains { $0.contains("gate 'canary-ok' approved by ") }, "\(out)")
            #expect(lines.contains { $0.contains("edge-002/web/web-01") && $0.contains("succeeded") }, "the last wave's member: \(out)")
            #expect(lines.last == "run \(id) ended: succeeded (exit 0)", "\(out)")
        }
    }

    @Test func aRunWhoseProcessDiedIsSaidStoppedWithHowToResumeIt() async throws {
        let machine = try RolloutProcess()
        let (emulator, child, id) = try await RemoteRequestTests.gatedRun(on: machine, state: [:], seenFrom: machine)
        defer { emulator.kill9Soon() }
        let view = machine.home.appendingPathComponent("state/rollout/runs/\(id).view.json").path
        try await EveryRunTests.waitUntil("the run's view to show its gate") {
            (FileManager.default.contents(atPath: view).map { String(decoding: $0, as: UTF8.self) } ?? "").contains("waits up to")
        }
        kill(await child.processID(), SIGKILL)
        _ = await child.exit()
        let watched = try await machine.run(["watch", id])
        #expect(watched.code == 1, "\(watched.all)")
        #expect(watched.out.contains("⏸ gate 'canary-ok' waits up to"), "the lines it printed: \(watched.out)")
        #expect(watched.out.hasSuffix("run \(id) stopped: its process is gone; rollout --resume \(id) goes on from there\n"), "\(watched.out)")
        let unknown = try await machine.run(["watch", "20260101T000000-nosuch"])
        #expect(unknown.code == 2 && unknown.err.contains("no run 20260101T000000-nosuch is on record"), "\(unknown.all)")
    }

    @Test func aViewKeepsTheLastLinesAndCountsTheOnesItDropped() {
        let view = RunView(printed: 250, lines: (51...250).map { "line \($0)" }, board: [], updated: "")
        #expect(view.lines(after: 0).missed == 50)
        #expect(view.lines(after: 0).new.first == "line 51")
        #expect(view.lines(after: 240) == (0, (241...250).map { "line \($0)" }))
        #expect(view.lines(after: 250).new.isEmpty)
    }
}
