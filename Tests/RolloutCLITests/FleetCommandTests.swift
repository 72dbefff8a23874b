import AutopilotClient
import Foundation
import RolloutRuntime
import Testing

/// Fleet rollouts as a user runs them: on the embedded emulator's generated fleet, through the
/// built command, its exit codes, journal and JSON; the board under tmux.
@Suite(.serialized) struct FleetCommandTests {
    static let fleet = ["ROLLOUT_EMULATOR_FLEET": "4x2"]
    static let groups = "group edge = fleet edge; group web = releases of chart shop-web on edge; set interval 100ms"

    func journal(_ rollout: RolloutProcess) throws -> [JSONValue] {
        try String(contentsOf: rollout.journal, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    /// Starts a rollout of the whole fleet in the background, `parallel` at a time.
    func startRollout(_ rollout: RolloutProcess, parallel: Int, deployTime: String) -> Child {
        Child.start(
            RolloutProcess.binary, ["-c", Self.groups + "; set tag v2; rollout web parallel \(parallel) { upgrade; wait deployed }"],
            environment: rollout.environment.merging(Self.fleet.merging(["ROLLOUT_EMULATOR_DEPLOY_TIME": deployTime]) { $1 }) { $1 })
    }

    /// Waits (up to 30 s) until the journal's lines so far satisfy `done`.
    func waitForJournal(_ rollout: RolloutProcess, until done: ([JSONValue]) -> Bool) async throws {
        let start = ContinuousClock.now
        while !done((try? journal(rollout)) ?? []), ContinuousClock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func exitCodesSayHowARolloutEnded() async throws {
        let rollout = try RolloutProcess()
        let cases: [(String, Int32, String)] = [
            ("set tag v2; rollout web waves 1 rest parallel 4 { upgrade; wait deployed }", ExitCode.success.rawValue, "rollout web succeeded"),
            ("set tag v3-bad; rollout web waves 1 rest { upgrade; wait deployed }", ExitCode.halted.rawValue, "halted: 1 of 8 members failed"),
            ("set tag v3-bad; rollout web waves 1 rest then rollback failed { upgrade; wait deployed }", ExitCode.rolledBack.rawValue,
             "rollback failed: 1 of 1 member rolled back"),
        ]
        for (statements, code, said) in cases {
            // Each case from the demo data, not from what the case before left.
            let result = try await rollout.run(["--fresh-emulator", "-c", Self.groups + "; " + statements], extraEnvironment: Self.fleet)
            #expect(result.code == code, "\(statements): \(result.all)")
            #expect(result.all.contains(said), "\(result.all)")
            #expect(result.out.contains("MEMBER") && result.out.contains("edge-001/web/web-01"), "the final table: \(result.out)")
        }
        let help = try await rollout.run(["run", "--help"])
        let article = try String(contentsOf: RolloutProcess.root.appendingPathComponent("Sources/RolloutCLI/RolloutCLI.docc/Command.md"), encoding: .utf8)
        for code in ExitCode.allCases { #expect(article.contains("\n| \(code.rawValue) | "), "the command's article has exit code \(code.rawValue)") }
        let words = help.out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for code in ExitCode.allCases { #expect(words.contains("\(code.rawValue) \(code.meaning)"), "\(words)") }
    }

    @Test func theJournalRecordsTheRunWaveAndMemberOfEveryChange() async throws {
        let rollout = try RolloutProcess()
        let script = Self.groups + "; set tag v2; rollout web waves 1 25% rest parallel 3 { upgrade; wait deployed }"
        #expect(try await rollout.run(["-c", script], extraEnvironment: Self.fleet).code == 0)
        #expect(try await rollout.run(["-c", "use cluster edge-001; set tag v3; upgrade web-01 in web"], extraEnvironment: Self.fleet).code == 0)
        let lines = try journal(rollout)
        #expect(lines.count == 18, "an intent and a result for each of 8 members, then 2 for the single change")
        let fleetLines = lines.prefix(16)
        #expect(Set(fleetLines.compactMap { $0["run"]?.scalarText }).count == 1, "one run id for the rollout")
        #expect(fleetLines.allSatisfy { $0["member"]?.scalarText?.hasPrefix("edge-00") == true && $0["wave"] != nil })
        #expect(Set(fleetLines.compactMap { $0["wave"]?.scalarText }) == ["1", "2", "3"])
        #expect(lines.last?["run"] != fleetLines.first?["run"], "another run, another id")
        #expect(lines.last?["member"] == nil)
        let results = fleetLines.filter { $0["outcome"]?.scalarText == "applied" }
        #expect(Set(results.compactMap { $0["request_id"]?.scalarText }).count == 8, "each member's change has its own request id")
    }

    @Test func jsonGivesAnEventPerMemberStep() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(
            ["--output", "json", "-c", Self.groups + "; set tag v2; rollout web waves 1 rest parallel 4 { upgrade; wait deployed }"],
            extraEnvironment: Self.fleet)
        #expect(result.code == 0, "\(result.all)")
        let objects = try result.out.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        let steps = objects.filter { $0["member"] != nil && $0["ok"] != nil }
        #expect(steps.count == 16, "upgrade and wait for each of 8 members")
        #expect(steps.allSatisfy { $0["wave"] != nil && $0["statement"] != nil })
        let states = objects.filter { $0["event"] == "member" }
        #expect(states.contains { $0["state"] == "PENDING_UPGRADE" } && states.filter { $0["state"] == "succeeded" }.count == 8)
        let end = try #require(objects.first { $0["event"] == "rollout_ended" })
        #expect(end["rollout"]?["outcome"] == "succeeded")
        #expect(objects.contains { $0["event"] == "wave_began" && $0["wave"] == 2 })
    }

    @Test func offATerminalAGateFailsUnlessTheCommandLineApprovesIt() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("gated.rollout")
        try (Self.groups.replacingOccurrences(of: "; ", with: "\n") + "\nset tag v2\nrollout web waves 1 gate \"prod\" rest parallel 4 { upgrade; wait deployed }\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let checked = try await rollout.run(["check", file.path], extraEnvironment: Self.fleet)
        #expect(checked.code == 2 && checked.err.contains("the gate 'prod' cannot be answered"), "\(checked.all)")
        let refused = try await rollout.run([file.path], extraEnvironment: Self.fleet)
        #expect(refused.code == 2, "refused before anything is sent: \(refused.all)")
        #expect((try? journal(rollout))?.isEmpty ?? true)
        let unknown = try await rollout.run([file.path, "--approve", "stage"], extraEnvironment: Self.fleet)
        #expect(unknown.code == 2 && unknown.err.contains("--approve stage names no gate of the script (its gates: prod)"), "\(unknown.all)")
        let approved = try await rollout.run([file.path, "--approve", "prod"], extraEnvironment: Self.fleet)
        #expect(approved.code == 0, "\(approved.all)")
        #expect(approved.out.contains("gate 'prod' passed: approved by --approve prod"), "\(approved.out)")
        #expect(try await rollout.run(["check", "--yes", file.path], extraEnvironment: Self.fleet).code == 0)
    }

    @Test func theFirstCtrlCStartsNoMoreMembersAndNoChangeIsSentTwice() async throws {
        let rollout = try RolloutProcess()
        let child = startRollout(rollout, parallel: 2, deployTime: "1500ms")
        try await waitForJournal(rollout) { $0.contains { $0["outcome"] == "applied" } }
        child.signal(SIGINT)
        #expect(await child.exit() == ExitCode.interrupted.rawValue)
        let (out, err) = await child.output()
        #expect(err.contains("stopping: no member starts from now on"), "\(err)")
        #expect(out.contains("not started"), "\(out)")
        let lines = try journal(rollout)
        let intents = lines.filter { $0["outcome"] == "sending" }
        #expect(intents.count == 2, "only the two running members sent a change: \(lines)\n\(out)\n\(err)")
        #expect(Set(intents.compactMap { $0["member"]?.scalarText }).count == intents.count, "none sent twice")
        #expect(lines.count == 2 * intents.count, "each with its result")
    }

    @Test func afterKill9MidWaveTheJournalTellsEachMembersLastIntentAndOutcome() async throws {
        let rollout = try RolloutProcess()
        let child = startRollout(rollout, parallel: 4, deployTime: "1s")
        try await waitForJournal(rollout) { $0.filter { $0["outcome"] == "applied" }.count >= 5 }
        await child.kill(SIGKILL)
        let lines = try journal(rollout)
        var last: [String: String] = [:]
        for line in lines {
            guard let member = line["member"]?.scalarText, let outcome = line["outcome"]?.scalarText else { continue }
            last[member] = outcome
        }
        #expect(last.count >= 5, "\(last)")
        #expect(last.values.allSatisfy { $0 == "applied" || $0 == "sending" }, "\(last)")
        let shown = try await rollout.run(["journal", "--output", "json", "--last", "20"])
        #expect(shown.code == 0 && shown.out.contains("\"member\""), "\(shown.all)")
    }

    /// The command that runs rollout in a pane with this test's state, the fleet and colour.
    func paneCommand(_ rollout: RolloutProcess, _ arguments: String, deployTime: String = "1s") -> String {
        var environment = rollout.environment
        environment["ROLLOUT_EMULATOR_FLEET"] = "4x2"
        environment["ROLLOUT_EMULATOR_DEPLOY_TIME"] = deployTime
        let kept = ["HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "ROLLOUT_EMULATOR_DEPLOY_TIME", "ROLLOUT_EMULATOR_FLEET", "PATH"]
        let env = environment.filter { kept.contains($0.key) }
        return "env -u NO_COLOR " + env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ") + " TERM=xterm \(RolloutProcess.binary) \(arguments)"
    }

    @Test func stepModeStepsWaveByWaveAndAGateAsksAtTheTerminal() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("steps.rollout")
        try "group web = releases edge-001/web/web-01 edge-002/web/web-01 edge-003/web/web-01\nset tag v2\nrollout web waves 1 gate rest parallel 2 { upgrade; wait deployed }\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(paneCommand(rollout, "--step \(file.path)", deployTime: "200ms"))
        // Each of the three statements asks once; the next question is the next one shown.
        for asked in 1...3 {
            try await EveryRunTests.waitUntil("question \(asked) on the screen") {
                try await pane.screen().components(separatedBy: "run? [y]es").count - 1 >= asked
            }
            try await pane.send("Enter")
        }
        try await pane.waitFor("wave 1 of 2: edge-001/web/web-01")
        try await pane.send("Enter")
        let gate = try await pane.waitFor("start wave 2? [y/N]", timeout: 20)
        #expect(gate.contains("gate 'wave-2': the waves so far: 1 succeeded"), "\(gate)")
        try await pane.send("y", "Enter")
        try await pane.waitFor("wave 2 of 2: edge-002/web/web-01, edge-003/web/web-01", timeout: 20)
        try await pane.send("Enter")
        let ended = try await pane.waitFor("rollout web succeeded", timeout: 20)
        #expect(ended.contains("gate 'wave-2' passed: approved at the terminal"), "\(ended)")
        #expect(ended.contains("edge-003/web/web-01  2     succeeded"), "\(ended)")
        #expect(!ended.contains("rollout web  wave"), "no board in step mode: \(ended)")
    }

    @Test func aGateAskedAtTheTerminalIsPassedByRolloutApproveFromAnotherShell() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("gate.rollout")
        try "group web = releases edge-001/web/web-01 edge-002/web/web-01\nset tag v2\nrollout web waves 1 gate rest { upgrade; wait deployed }\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(paneCommand(rollout, file.path, deployTime: "200ms"))
        try await pane.waitFor("start wave 2? [y/N]", timeout: 20)
        let id = try await RemoteRequestTests.running(rollout, environment: [:])
        let watcher = try rollout.start(["watch", id])
        let approved = try await rollout.run(["approve", id, "wave-2"], extraEnvironment: ["USER": "erin"])
        #expect(approved.code == 0, "\(approved.all)")
        let ended = try await pane.waitFor("rollout web succeeded", timeout: 20)
        #expect(ended.contains("gate 'wave-2' passed: approved by erin on "), "no one typed an answer: \(ended)")
        #expect(await watcher.exit() == 0)
        let (out, err) = await watcher.output()
        // Who follows the run sees it wait for the question the terminal asks, and how it was answered.
        #expect((out + err).contains("gate 'wave-2' waits for an answer at the run's terminal, or: rollout approve \(id) wave-2"), "\(out)\(err)")
        #expect((out + err).contains("gate 'wave-2' passed: approved by erin on "), "\(out)\(err)")
    }

    @Test func theBoardShowsEachWaveLiveAndATableAtTheEnd() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("board.rollout")
        try (Self.groups.replacingOccurrences(of: "; ", with: "\n") + "\nset tag v2\nrollout web waves 1 25% rest parallel 3 { upgrade; wait deployed }\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(paneCommand(rollout, file.path))
        let live = try await pane.waitFor("wave 3 of 3", timeout: 30)
        #expect(live.contains("rollout web  wave 3 of 3  ·  3 at a time"), "\(live)")
        #expect(live.contains("wave 1  1 member: 1 succeeded"), "\(live)")
        #expect(live.contains("wave 2  2 members: 2 succeeded"), "\(live)")
        let ended = try await pane.waitFor("rollout web succeeded in", timeout: 30)
        #expect(ended.contains("MEMBER") && ended.contains("edge-004/web/web-02  3     succeeded"), "\(ended)")
        #expect(ended.components(separatedBy: "rollout web  wave").count == 2, "the board was redrawn in place, not repeated: \(ended)")
    }
}
