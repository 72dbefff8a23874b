import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// The real prompt in a tmux pane: keys in, screen out.
///
/// Each pane has a tmux server of its own (`-L`), started by the test and ended by `kill`, so that no test
/// depends on a server left from before or on a user's own.
struct TmuxPane {
    let name = "rollout-test-\(UUID().uuidString.prefix(8))"

    /// Runs tmux on this pane's server; only `capture-pane` and `list-panes` output is read.
    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String {
        let capture = ["capture-pane", "list-panes"].contains(arguments.first ?? "")
        let child = Child.start(
            "/usr/bin/env", ["tmux", "-L", name, "-f", "/dev/null"] + arguments, environment: ProcessInfo.processInfo.environment,
            captured: capture)
        _ = await child.exit(timeout: .seconds(20))
        return await child.output().out
    }

    /// Runs `command` through the shell in a 160×50 pane in the package's folder, then `sleep 30` so that the
    /// pane stays; if the pane dies all the same, it stays to show how.
    func start(_ command: String) async throws {
        try await tmux([
            "set-option", "-g", "remain-on-exit", "on", ";",
            "new-session", "-d", "-s", name, "-x", "160", "-y", "50", "-c", RolloutProcess.root.path, command + "; sleep 30",
        ])
    }

    func send(_ keys: String...) async throws { try await tmux(["send-keys", "-t", name] + keys) }

    func screen() async throws -> String { try await tmux(["capture-pane", "-t", name, "-p"]) }

    /// Waits until the screen shows `text`; returns the screen.
    ///
    /// The deadline is on the monotonic clock: a wall clock stepped forward on a busy machine once ended a
    /// 15 s wait after less than 5 s.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var shown = ""
        while ContinuousClock.now < deadline {
            shown = try await screen()
            if shown.contains(text) { return shown }
            try await Task.sleep(for: .milliseconds(100))
        }
        let pane = try await tmux(["list-panes", "-t", name, "-F", "dead #{pane_dead}, status #{pane_dead_status}, running #{pane_current_command}"])
        Issue.record("the screen never showed \(text.debugDescription) (pane: \(pane)):\n\(shown)")
        return shown
    }

    /// The last line with text on a screen, without the spaces around it.
    static func lastLine(_ screen: String) -> String? {
        screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
    }

    /// Waits until the last line with text on the screen is `text` (a prompt waiting for input, or a
    /// pager's `:`); returns the screen.
    @discardableResult
    func waitForLastLine(_ text: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var shown = ""
        while ContinuousClock.now < deadline {
            shown = try await screen()
            if Self.lastLine(shown) == text { return shown }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the last line never showed \(text.debugDescription):\n\(shown)")
        return shown
    }

    /// Answers each question whose line holds `question` with `key`, until rollout has exited (the pane
    /// runs the shell's `sleep`); an answer sent twice to one question goes to the next, or to the shell.
    func answerEveryQuestion(_ question: String, with key: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let running = try await tmux(["list-panes", "-t", name, "-F", "#{pane_current_command}"])
            if running.trimmingCharacters(in: .whitespacesAndNewlines) == "sleep" { return }
            if Self.lastLine(try await screen())?.contains(question) == true { try await send(key) }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("rollout was still asking after \(timeout)")
    }

    /// Ends the pane's tmux server; `defer` blocks use `killSoon`, which does not wait.
    func kill() async { _ = try? await tmux(["kill-server"]) }

    /// Ends the pane's tmux server without waiting (for `defer`).
    func killSoon() {
        let pane = self
        Task { await pane.kill() }
    }

    /// Waits until the pane runs `command` (the shell's `sleep` once rollout has exited).
    func waitForCommand(_ command: String, timeout: TimeInterval = 10) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let running = try await tmux(["list-panes", "-t", name, "-F", "#{pane_current_command}"])
            if running.trimmingCharacters(in: .whitespacesAndNewlines) == command { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the pane never ran \(command)")
    }
}

@Suite(.serialized) struct PromptTests {
    static func command(_ rollout: RolloutProcess, _ arguments: String = "") -> String {
        let env = rollout.environment.filter { ["HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "ROLLOUT_EMULATOR_DEPLOY_TIME", "PATH"].contains($0.key) }
        return "env " + env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ") + " TERM=xterm \(RolloutProcess.binary) \(arguments)"
    }

    @Test func bannerCompletionAndCtrlCDuringAWait() async throws {
        try await withEmulator(faults: FaultSettings(stuckReleases: ["stuck-*"])) { client, emulator in
            _ = try await client.install(
                release: "zeta-only", in: "default", cluster: demoCluster, chart: DemoData.redisChartID, chartVersion: "7.2.4")
            _ = try await client.install(
                release: "stuck-one", in: "default", cluster: demoCluster, chart: DemoData.redisChartID, chartVersion: "7.2.4")
            let rollout = try RolloutProcess()
            let pane = TmuxPane()
            defer { pane.killSoon() }
            try await pane.start(Self.command(rollout, "--endpoint \(emulator.url!.absoluteString)"))
            let banner = try await pane.waitFor("Type help")
            #expect(banner.contains("rollout 0.1.0 on \(emulator.url!.absoluteString)"))
            #expect(banner.contains("Type help for the statements"))
            try await pane.send("use cluster demo", "Enter")
            try await pane.waitFor("rollout demo/default>")
            try await pane.send("show zeta", "Tab")
            try await pane.waitFor("show zeta-only")
            try await pane.send("Enter")
            try await pane.waitFor("zeta-only in default on demo")
            try await pane.send("wait deployed for stuck-one", "Enter")
            try await pane.waitFor("stuck-one version 1: PENDING_INSTALL")
            try await pane.send("C-c")
            try await pane.waitFor("stopped waiting for stuck-one; the server may still be working on it")
            // A release that lives only in another namespace completes with its `in <namespace>`.
            try await pane.send("show testw", "Tab")
            try await pane.waitFor("show testwww in monitoring")
            try await pane.send("Enter")
            try await pane.waitFor("testwww in monitoring on demo")
            try await pane.send("status zeta-only", "Enter")
            try await pane.waitFor("zeta-only  version 1")
            // A guide of the reference, as `rollout help runbooks` shows it; Tab completes its name.
            try await pane.send("help runb", "Tab")
            try await pane.waitFor("help runbooks")
            try await pane.send("Enter")
            try await pane.waitFor("A runbook that is a page to read and a script to run.")
            try await pane.send("help lang", "Enter")
            try await pane.waitFor("no statement, command or guide 'lang'; did you mean 'language'?")
            try await pane.send("C-d")
            try await pane.waitForCommand("sleep")
        }
    }

    @Test func anAnalysisDefinedAtThePromptIsCompletedCheckedAndSavedOnLaterLines() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("analysis.rollout").path
        try await withEmulator { _, emulator in
            let health = emulator.url!.appendingPathComponent("_emulator/health").absoluteString
            let pane = TmuxPane()
            defer { pane.killSoon() }
            try await pane.start(Self.command(rollout, "--endpoint \(emulator.url!.absoluteString)"))
            try await pane.waitFor("Type help")
            try await pane.send("analysis healthy = http \"\(health)\" expect 200 json status == ok", "Enter")
            try await pane.waitFor("✔ analysis healthy defined")
            try await pane.send("verify heal", "Tab")
            try await pane.waitFor("verify healthy")
            try await pane.send(" for testwww in monitoring on demo", "Enter")
            try await pane.waitFor("✔ verify healthy for testwww in monitoring on demo: HTTP 200, status is ok")
            try await pane.send("save \(file)", "Enter")
            try await pane.waitFor("saved 3 statements to \(file)")
            try await pane.send("exit", "Enter")
            try await pane.waitForCommand("sleep")
        }
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(saved.contains("analysis healthy = http \"") && saved.contains("verify healthy for testwww in monitoring on demo"), "\(saved)")
    }

    @Test func aSessionSavedAsAScriptRunsAgainWithTheSameEffect() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("session.rollout").path
        let recorded = try await withEmulator { client, emulator in
            let pane = TmuxPane()
            defer { pane.killSoon() }
            try await pane.start(Self.command(rollout, "--yes --endpoint \(emulator.url!.absoluteString)"))
            try await pane.waitFor("Type help")
            for line in [
                "use cluster demo", "use namespace monitoring", "expect tag == nope for testwww; else echo not yet",
                "let DB_PASSWORD = hunter2", "set value basic.db_password = ${DB_PASSWORD}",
                "set value basic.admin_password = s3cret-admin; set tag v5", "upgrade testwww; wait deployed", "show ghost", "upgarde testwww",
                "status testwww",
            ] {
                try await pane.send(line, "Enter")
            }
            try await pane.waitFor("testwww  version 4")
            try await pane.send("save \(file)", "Enter")
            try await pane.waitFor("saved 9 statements to \(file)")
            try await pane.send("save \(file)", "Enter")
            try await pane.waitFor("session.rollout exists; save --force")
            try await pane.send("exit", "Enter")
            try await pane.waitForCommand("sleep")
            return try await client.release("testwww", in: "monitoring", cluster: demoCluster)
        }
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        for expected in [
            "# against http://127.0.0.1:", "# It needs DB_PASSWORD, BASIC_ADMIN_PASSWORD", "use namespace default\nuse cluster demo\nuse namespace monitoring\n",
            "set value basic.db_password = ${DB_PASSWORD}", "set value basic.admin_password = ${BASIC_ADMIN_PASSWORD}",
            "set tag v5\nupgrade testwww\nwait deployed\nstatus testwww\n",
        ] {
            #expect(saved.contains(expected), "\(expected)\n\(saved)")
        }
        // A statement whose else ran cannot replay as it ran: it and its else are left out.
        for left in ["hunter2", "s3cret-admin", "ghost", "upgarde", "expect tag == nope", "not yet"] {
            #expect(!saved.contains(left), "\(left)\n\(saved)")
        }

        let variables = ["DB_PASSWORD=hunter2", "BASIC_ADMIN_PASSWORD=s3cret-admin"]
        let check = try await rollout.run(["check", file, "--var", variables[0], "--var", variables[1]])
        #expect(check.code == 0, "\(check.all)")
        try await withEmulator { client, emulator in
            let again = try await rollout.run(["--yes", "--endpoint", emulator.url!.absoluteString, file, "--"] + variables)
            #expect(again.code == 0, "\(again.all)")
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.version == recorded.version && release.values == recorded.values)
        }
    }

    @Test func hintsEditAndWatch() async throws {
        let rollout = try RolloutProcess()
        // An editor that adds a statement to the file it is given, and keeps a copy of what it was shown.
        let editor = rollout.home.appendingPathComponent("editor.sh")
        let shown = rollout.home.appendingPathComponent("shown.rollout")
        try "#!/bin/sh\ncp \"$1\" '\(shown.path)'\nprintf 'status testwww in monitoring\\n' >> \"$1\"\n"
            .write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let pane = TmuxPane()
        defer { pane.killSoon() }
        // Deploys take 3 s, so that a watch sees the upgrade settle.
        let command = Self.command(rollout, "--fresh-emulator").replacingOccurrences(
            of: "ROLLOUT_EMULATOR_DEPLOY_TIME='200ms'", with: "ROLLOUT_EMULATOR_DEPLOY_TIME='3s'")
        try await pane.start("env EDITOR='\(editor.path)' " + command)
        try await pane.waitFor("rollout demo/default>")
        // The hint at the right: the form of the statement, then where the release named lives.
        try await pane.send("upgrade tes")
        try await pane.waitFor("upgrade [<release>] [if changed] [in <namespace>] [on <cluster>]")
        try await pane.send("twww ")
        // The releases are read in the background once the statement is known; a key after they came shows them.
        try await pane.send("i")
        var tries = 0
        while tries < 100, !(try await pane.screen()).contains("testwww is in namespace monitoring") {
            try await pane.send("BSpace", "i")
            tries += 1
        }
        try await pane.waitFor("testwww is in namespace monitoring")
        try await pane.send("C-u", "set value basic.admin_password = s3cret; set tag v9", "Enter")
        try await pane.waitFor("✔ tag v9 for the next change")
        #expect(!(try await pane.screen()).contains("set tag|pull-policy"), "the hint is gone from the line entered")
        // edit: the last statements, their secret as a variable; what the editor saved runs.
        try await pane.send("edit", "Enter")
        try await pane.waitFor("testwww  version 3")
        let opened = try String(contentsOf: shown, encoding: .utf8)
        #expect(opened.contains("set value basic.admin_password = ${BASIC_ADMIN_PASSWORD}\nset tag v9"), "\(opened)")
        #expect(!opened.contains("s3cret"))
        // Ctrl-X Ctrl-E: the line being typed, run with what the editor added.
        try await pane.send("upgrade testwww in monitoring", "C-x", "C-e")
        try await pane.waitFor("✔ upgrade testwww: version 4")
        try await pane.waitFor("testwww  version 4")
        // watch redraws in place and marks what changed, until Ctrl-C.
        try await pane.send("watch status testwww in monitoring every 1s", "Enter")
        try await pane.waitFor("every 1s: status testwww in monitoring")
        try await pane.waitFor("line changed", timeout: 15)
        try await pane.waitFor("no change", timeout: 15)
        let watching = try await pane.screen()
        #expect(watching.components(separatedBy: "every 1s: status").count == 2, "drawn in place, once: \(watching)")
        try await pane.send("C-c")
        try await pane.waitFor("stopped watching")
        try await pane.send("exit", "Enter")
        try await pane.waitForCommand("sleep")
    }

    @Test func aListLongerThanTheTerminalIsPagedAndAShortOneIsNot() async throws {
        let rollout = try RolloutProcess()
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start("env ROLLOUT_EMULATOR_FLEET=1x80 PAGER='less -FRX' " + Self.command(rollout))
        try await pane.waitFor("rollout demo/default>")
        try await pane.send("list in web on edge-001", "Enter")
        // less holds the screen: its ':' at the foot, where the prompt would otherwise be.
        let paged = try await pane.waitForLastLine(":", timeout: .seconds(10))
        #expect(TmuxPane.lastLine(paged) == ":" && paged.contains("web-01"), "\(paged)")
        #expect(!paged.contains("web-80"), "one page only: \(paged)")
        try await pane.send("q")
        let after = try await pane.waitForLastLine("rollout demo/default>", timeout: .seconds(10))
        #expect(TmuxPane.lastLine(after) == "rollout demo/default>", "the prompt came back after q: \(after)")
        try await pane.send("status testwww in monitoring", "Enter")
        try await pane.waitFor("testwww  version 3")
        // A short result is not paged: the prompt comes back under it (a pager would hold the foot).
        try await pane.waitForLastLine("rollout demo/default>")
        try await pane.send("exit", "Enter")
        try await pane.waitForCommand("sleep")
    }

    @Test func historyIsRecalledAfterARestartAndCtrlCClearsTheLine() async throws {
        let rollout = try RolloutProcess()
        let first = TmuxPane()
        defer { first.killSoon() }
        try await first.start(Self.command(rollout))
        try await first.waitFor("rollout demo/default>")
        try await first.send("status testwww in monitoring", "Enter")
        try await first.waitFor("testwww  version 3")
        try await first.send("context", "Enter")
        let context = try await first.waitFor("target     the local emulator at http://127.0.0.1:")
        #expect(!context.contains("emulator at ?"))
        try await first.send("half typed")
        try await first.waitFor("half typed")
        try await first.send("C-c")
        try await first.waitFor("half typed^C")
        try await first.send("exit", "Enter")
        try await first.waitForCommand("sleep")
        await first.kill()
        let history = try String(contentsOf: rollout.home.appendingPathComponent("state/rollout/history"), encoding: .utf8)
        #expect(history.contains("status\\040testwww"))

        let second = TmuxPane()
        defer { second.killSoon() }
        try await second.start(Self.command(rollout))
        try await second.waitFor("rollout demo/default>")
        try await second.send("C-r", "stat")
        try await second.waitFor("bck:stat")
        try await second.send("Enter")
        try await second.waitFor("testwww  version 3")
        try await second.send("Up", "Up")
        try await second.waitFor("rollout demo/default> status testwww in monitoring")
        try await second.send("C-u", "echo \"two", "Enter")
        try await second.waitFor("...")
        try await second.send("lines\"", "Enter")
        try await second.waitFor("two\nlines")
        try await second.send("use cluster \\", "Enter")
        try await second.send("staging", "Enter")
        try await second.waitFor("rollout staging/default>")
        try await second.send("exit", "Enter")
        try await second.waitForCommand("sleep")
    }

    @Test func stepModeNarratesAndWaitsForEnter() async throws {
        let rollout = try RolloutProcess()
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(Self.command(rollout, "--step scripts/canary.rollout"))
        try await pane.waitFor("We work on the demo cluster, in the shop namespace.")
        try await pane.waitFor("▸ scripts/canary.rollout:7  use cluster demo")
        try await pane.send("Enter")
        try await pane.waitFor("✔ using cluster demo")
        try await pane.send("s", "Enter")
        try await pane.waitFor("↷ skipped use namespace shop")
        try await pane.send("q", "Enter")
        try await pane.waitFor("■ quit at ")
    }

    @Test func aMarkdownRunbookInStepModeNarratesItsProseAndShowsTheDiffBeforeTheChange() async throws {
        let rollout = try RolloutProcess()
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(Self.command(rollout, "--step scripts/runbooks/shop-web-release.md"))
        try await pane.waitFor("Check that the release is healthy")
        try await pane.waitFor("▸ scripts/runbooks/shop-web-release.md:12  use cluster demo")
        for _ in 0..<7 { try await pane.send("Enter") }
        try await pane.waitFor("The diff shows what the upgrade changes")
        try await pane.send("Enter")
        try await pane.waitFor("▸ scripts/runbooks/shop-web-release.md:42  upgrade shop-web if changed")
        let screen = try await pane.waitFor("  ~ resources.memory: 512Mi → 768Mi")
        #expect(screen.contains("The upgrade is sent only when it changes something"), "the prose before the block: \(screen)")
        try await pane.send("Enter")
        try await pane.waitFor("✔ upgrade shop-web: version 3")
        try await pane.send("q", "Enter")
        try await pane.waitFor("■ quit at ")
    }

    @Test func aDiffAtThePromptAndTheCloudConfirmationShowsTheDiffBeforeAsking() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--deploy-time", "0s"])
        defer { emulator.kill9Soon() }
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(Self.command(rollout, "--endpoint \(emulator.url.absoluteString)"))
        try await pane.waitFor("rollout -/default>")
        try await pane.send("use cluster demo; use namespace monitoring; set tag v9; set value basic.storage_size = 20G", "Enter")
        try await pane.waitFor("rollout demo/monitoring>")
        try await pane.send("diff testwww", "Enter")
        try await pane.waitFor("  ~ imageTag: v1 → v9")
        try await pane.send("upgrade testwww", "Enter")
        let asked = try await pane.waitFor("upgrade testwww on 127.0.0.1? [y/N]")
        #expect(asked.contains("testwww version 3 → the upgrade\n  ~ basic.storage_size: 10G → 20G\n  ~ imageTag: v1 → v9"), "\(asked)")
        try await pane.send("n", "Enter")
        try await pane.waitFor("↷ skipped upgrade testwww")
        try await pane.send("diff testwww from 1 to 2", "Enter")
        try await pane.waitFor("testwww version 1 → version 2")
    }
}
