import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// `rollout --resume`: a run goes on from the step that failed or was interrupted, with its
/// context, and nothing done before is done again.
@Suite(.serialized) struct ResumeTests {
    /// Writes a script into the test's home.
    static func script(_ rollout: RolloutProcess, _ name: String, _ text: String) throws -> URL {
        let file = rollout.home.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The run id a script run printed as it began.
    static func runID(_ err: String) -> String? {
        guard let line = err.split(separator: "\n").first(where: { $0.hasPrefix("▶ run ") }) else { return nil }
        return line.split(separator: " ").dropFirst(2).first.map(String.init)
    }

    /// Waits until a process holds the lock of a run (its `flock` on `runs/<id>.lock`), as `/proc/locks`
    /// lists it: trying the lock to see would take it for a moment from the process that wants it.
    static func waitUntilLocked(_ rollout: RolloutProcess, run id: String) async throws {
        let path = rollout.home.appendingPathComponent("state/rollout/runs/\(id).lock").path
        try await EveryRunTests.waitUntil("a process to take the lock of run \(id)") {
            guard let inode = (try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? UInt64,
                let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8)
            else { return false }
            return locks.split(separator: "\n").contains { $0.contains("FLOCK") && $0.contains(":\(inode) ") }
        }
    }

    /// The journal's result lines of a run (not its `sending` lines).
    static func results(_ rollout: RolloutProcess, run: String) throws -> [JSONValue] {
        try String(contentsOf: rollout.journal, encoding: .utf8).split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
            .filter { $0["run"]?.scalarText == run && $0["outcome"] != "sending" }
    }

    @Test func afterAFailedWaitTheRunGoesOnFromTheWaitWithItsContextAndChangesNothingTwice() async throws {
        let rollout = try RolloutProcess()
        let slow = ["ROLLOUT_EMULATOR_DEPLOY_TIME": "1500ms"]
        let file = try Self.script(rollout, "deploy.rollout", """
            use cluster demo
            use namespace shop
            set tag 2.5.0
            set interval 100ms
            upgrade shop-web
            wait deployed timeout 300ms
            expect tag == 2.5.0
            echo done with ${TAG}
            """)
        let first = try await rollout.run([file.path, "--", "TAG=2.5.0"], extraEnvironment: slow)
        #expect(first.code == 4, "\(first.all)")
        let id = try #require(Self.runID(first.err), "\(first.err)")
        #expect(first.err.hasSuffix("↻ rollout --resume \(id) goes on from there\n"), "said where the run stopped: \(first.err)")
        // The deploy goes on without the run; the resumed wait (300 ms, as written) finds it done.
        let settled = try await rollout.run(["-c", "use cluster demo; wait deployed for shop-web in shop timeout 10s"], extraEnvironment: slow)
        #expect(settled.code == 0, "\(settled.all)")
        let resumed = try await rollout.run(["--resume"], extraEnvironment: slow)
        #expect(resumed.code == 0, "\(resumed.all)")
        #expect(!resumed.err.contains("goes on from there"), "a run that succeeded has nothing to resume: \(resumed.err)")
        #expect(resumed.err.contains("▶ resuming run \(id) at \(file.path):6"), "\(resumed.err)")
        #expect(!resumed.out.contains("upgrade shop-web"), "the upgrade is not sent again: \(resumed.out)")
        #expect(resumed.out.contains("✔ shop-web is DEPLOYED (version 3)") && resumed.out.contains("done with 2.5.0"), "\(resumed.out)")
        let changes = try Self.results(rollout, run: id)
        #expect(changes.map { $0["outcome"]?.scalarText ?? "" } == ["applied"], "\(changes)")
        let again = try await rollout.run(["--resume", id])
        #expect(again.code == 2 && again.err.contains("run \(id) succeeded; there is nothing to resume"), "\(again.all)")
    }

    @Test func afterCtrlCItGoesOnAndAnotherProcessCannotResumeItMeanwhile() async throws {
        let rollout = try RolloutProcess()
        let file = try Self.script(rollout, "pause.rollout", "echo first\nsleep 3s\necho second\n")
        let child = try rollout.start([file.path])
        #expect(await child.firstLine.value == "first")
        child.signal(SIGINT)
        #expect(await child.exit() == 130)
        let (_, err) = await child.output()
        let id = try #require(Self.runID(err), "\(err)")
        let resuming = try rollout.start(["--resume", file.path])
        try await Self.waitUntilLocked(rollout, run: id)
        let meanwhile = try await rollout.run(["--resume", id])
        #expect(meanwhile.code == 8 && meanwhile.err.contains("run \(id) is being run or resumed by another process"), "\(meanwhile.all)")
        #expect(await resuming.exit() == 0)
        let (out, resumedErr) = await resuming.output()
        #expect(resumedErr.contains("at \(file.path):2"), "\(resumedErr)")
        #expect(out.contains("second") && !out.contains("first"), "\(out)")
    }

    @Test func aFailedChangeThatSharesALineWithAnAppliedOneIsMadeOnResume() async throws {
        let rollout = try RolloutProcess()
        let file = try Self.script(rollout, "pair.rollout", """
            use cluster demo
            use namespace shop
            set tag 2.5.0
            upgrade shop-web; upgrade shop-cart
            echo done
            """)
        let first = try await rollout.run([file.path])
        #expect(first.code != 0 && first.out.contains("✔ upgrade shop-web"), "\(first.all)")
        let id = try #require(Self.runID(first.err), "\(first.err)")
        let installed = try await rollout.run(["-c", "use cluster demo; use namespace shop; install shop-cart from chart \(DemoData.redisChartID)"])
        #expect(installed.code == 0, "\(installed.all)")
        let resumed = try await rollout.run(["--resume", id])
        #expect(resumed.code == 0, "\(resumed.all)")
        #expect(resumed.out.contains("✔ upgrade shop-cart") && !resumed.out.contains("upgrade shop-web"), "\(resumed.out)")
        let applied = try Self.results(rollout, run: id).filter { $0["outcome"] == "applied" }.map { $0["release"]?.scalarText ?? "" }
        #expect(applied == ["shop-web", "shop-cart"], "each made once: \(applied)")
    }

    @Test func aResumeIsRefusedWithTheReasonWhenItCannotGoOn() async throws {
        let rollout = try RolloutProcess()
        #expect(try await rollout.run(["--resume"]).err.contains("no failed or interrupted run to resume"))
        let unknown = try await rollout.run(["--resume", "20990101T000000Z-000000"])
        #expect(unknown.code == 2 && unknown.err.contains("no run 20990101T000000Z-000000 is on record"), "\(unknown.all)")

        let file = try Self.script(rollout, "fails.rollout", "let NOTE = ${DB_PASSWORD}\nabort \"stop here\"\n")
        let failed = try await rollout.run([file.path, "--", "DB_PASSWORD=hunter2"])
        #expect(failed.code == 1)
        let id = try #require(Self.runID(failed.err), "\(failed.err)")
        let records = rollout.home.appendingPathComponent("state/rollout/runs")
        for name in try FileManager.default.contentsOfDirectory(atPath: records.path) {
            #expect(!(try String(contentsOf: records.appendingPathComponent(name), encoding: .utf8)).contains("hunter2"), "no secret is written")
        }
        let noSecret = try await rollout.run(["--resume", id])
        #expect(noSecret.code == 2 && noSecret.err.contains("needs DB_PASSWORD again (a secret is never written down)"), "\(noSecret.all)")
        let otherTarget = try await rollout.run(["--resume", id, "--endpoint", "http://127.0.0.1:9", "--", "DB_PASSWORD=hunter2"])
        #expect(otherTarget.err.contains("was against the embedded emulator, and this is http://127.0.0.1:9"), "\(otherTarget.all)")
        let otherCluster = try await rollout.run(["--resume", id, "--", "DB_PASSWORD=hunter2"], extraEnvironment: ["ROLLOUT_CLUSTER": "staging"])
        #expect(otherCluster.err.contains("began with cluster demo in use, and this would begin with staging"), "\(otherCluster.all)")

        try "let NOTE = ${DB_PASSWORD}\necho changed\nabort \"stop here\"\n".write(to: file, atomically: true, encoding: .utf8)
        let changed = try await rollout.run(["--resume", id, "--", "DB_PASSWORD=hunter2"])
        #expect(changed.code == 2 && changed.err.contains("changed since run \(id) began (its content hash differs)"), "\(changed.all)")
        try FileManager.default.removeItem(at: file)
        let deleted = try await rollout.run(["--resume", id, "--", "DB_PASSWORD=hunter2"])
        #expect(deleted.code == 2 && deleted.err.contains("the script \(file.path) of run \(id) no longer exists"), "\(deleted.all)")
    }

    @Test func afterKill9MidChangeTheChangeIsReadBackAndNotSentTwice() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--latency", "1500ms", "--deploy-time", "0s"])
        defer { emulator.kill9Soon() }
        let file = try Self.script(rollout, "upgrade.rollout", "use cluster demo\nset tag v9\nupgrade testwww in monitoring\nexpect tag == v9 for testwww in monitoring\n")
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let child = try rollout.start(endpoint + [file.path])
        // Killed while its PUT (the third request, after reading the release and the charts) is in the
        // emulator's latency: sent, unanswered. The emulator finishes what it let through.
        try await emulator.waitForAdmittedRequests(3)
        await child.kill()
        let (_, err) = await child.output()
        let id = try #require(Self.runID(err), "\(err)")
        // The process is gone and its run is still "running": it is the last run to resume.
        let resumed = try await rollout.run(["--resume"] + endpoint, timeout: .seconds(90))
        #expect(resumed.code == 0, "\(resumed.all)")
        #expect(resumed.err.contains("the upgrade of testwww at line 3 (run \(id)) had no known outcome; reading back shows it was"), "\(resumed.err)")
        let client = try AutopilotClient(configuration: emulator.configuration)
        let versions = try await client.history(of: "testwww", in: "monitoring", cluster: demoCluster)
        try await client.shutdown()
        #expect(versions.map(\.version).max() == 4, "applied exactly once: \(versions.map(\.version))")
        let outcomes = try Self.results(rollout, run: id).map { $0["outcome"]?.scalarText ?? "" }
        #expect(outcomes == ["applied (confirmed by reading back)"], "\(outcomes)")
    }

    @Test func aHaltedFleetResumesWithTheMembersThatHadNotFinished() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--fleet", "2x2", "--fail-release", "web-02", "--deploy-time", "0s"])
        defer { emulator.kill9Soon() }
        let fleet = ["ROLLOUT_EMULATOR_FLEET": "2x2"]
        let file = try Self.script(rollout, "fleet.rollout", """
            group edge = fleet edge
            group web = releases of chart shop-web in web on edge
            set tag 2.3.0
            rollout web waves 1, rest halt after 1 { set interval 100ms; upgrade; wait deployed }
            echo finished
            """)
        let endpoint = ["--endpoint", emulator.url.absoluteString]
        let halted = try await rollout.run(endpoint + [file.path], extraEnvironment: fleet)
        #expect(halted.code == 5, "\(halted.all)")
        let id = try #require(Self.runID(halted.err), "\(halted.err)")
        let cleared = try await RawRequest(method: "DELETE", path: "/_emulator/faults").send(to: emulator.url)
        #expect(cleared.status == 200 || cleared.status == 204)
        let resumed = try await rollout.run(["--resume", id] + endpoint, extraEnvironment: fleet)
        #expect(resumed.code == 0, "\(resumed.all)")
        #expect(resumed.out.contains("resuming: 1 of 4 members finished in an earlier try and are not run again"), "\(resumed.out)")
        #expect(resumed.out.contains("finished"))
        var applied: [String: Int] = [:]
        for line in try Self.results(rollout, run: id) where line["outcome"] == "applied" {
            applied[line["member"]?.scalarText ?? "", default: 0] += 1
        }
        #expect(applied == [
            "edge-001/web/web-01": 1, "edge-001/web/web-02": 2, "edge-002/web/web-01": 1, "edge-002/web/web-02": 1,
        ], "the member done is not changed again; the failed one is changed again: \(applied)")
    }

    @Test func theRunIdIsOnEveryJSONStepAndJournalLine() async throws {
        let rollout = try RolloutProcess()
        let file = try Self.script(rollout, "tag.rollout", "use cluster demo\nset tag v5\nupgrade testwww in monitoring\n")
        let result = try await rollout.run(["--output", "json", file.path])
        #expect(result.code == 0, "\(result.all)")
        let objects = result.out.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        let first = try #require(objects.first)
        #expect(first["event"] == "run_began" && first["script"]?.scalarText == file.path, "\(first)")
        let id = try #require(first["run"]?.scalarText)
        #expect(objects.dropFirst().allSatisfy { $0["run"]?.scalarText == id }, "\(result.out)")
        let journal = try String(contentsOf: rollout.journal, encoding: .utf8).split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(journal.count == 2 && journal.allSatisfy { $0["run"]?.scalarText == id && $0["line"] == 3 }, "\(journal)")
    }
}
