import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

@Suite(.serialized) struct CommandTests {
    @Test func helpShowsTheFormsOneALineAndTheExitCodesApart() async throws {
        let help = try await RolloutProcess().run(["--help"], extraEnvironment: ["COLUMNS": "80"])
        let lines = help.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let forms = lines.filter { $0.hasPrefix("rollout ") }
        #expect(forms.count == 6, "each form on a line of its own: \(help.out)")
        let exitCodes = try #require(lines.firstIndex { $0.hasPrefix("Exit codes:") })
        #expect(lines[exitCodes - 1].isEmpty, "\(help.out)")
    }

    @Test func aBadValueFromTheCommandLineStopsTheRunBeforeAnythingRuns() async throws {
        let result = try await RolloutProcess().run(
            ["-c", "echo first; group edge = fleet edge; group web = releases of chart shop-web on edge; rollout web parallel ${N} { upgrade }",
             "--", "N=0"])
        #expect(result.code == 2, "\(result.all)")
        #expect(!result.out.contains("first"), "nothing ran: \(result.all)")
        #expect(result.err.contains("error: parallel needs a whole number from 1, not '0'"), "\(result.all)")
    }

    @Test func aMistypedCommandIsNamedNotTheWordsAfterIt() async throws {
        let result = try await RolloutProcess().run(["chekc", "x.rollout"])
        #expect(result.code == 2, "\(result.all)")
        #expect(result.err == "rollout: no command or script file 'chekc'; did you mean 'rollout check'?\n", "\(result.all)")
    }

    @Test func aScriptThatCannotBeReadSaysWhyInASentence() async throws {
        let rollout = try RolloutProcess()
        let binary = rollout.home.appendingPathComponent("binary.rollout")
        try Data([0xFF, 0xFE, 0x00]).write(to: binary)
        for (file, reason) in [
            (rollout.home.path, "it is a folder, not a file"), (binary.path, "it is not UTF-8 text"),
            (rollout.home.appendingPathComponent("none.rollout").path, "No such file or directory"),
        ] {
            let result = try await rollout.run([file])
            #expect(result.code == 2, "\(result.all)")
            #expect(result.err == "rollout: cannot read \(file): \(reason)\n", "\(result.all)")
        }
    }

    @Test func successExitsZeroWithATable() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["-c", "use cluster demo; history testwww in monitoring"])
        #expect(result.code == 0, "\(result.all)")
        #expect(result.out.contains("VERSION  UPDATED                    STATUS    CHART                TAG  DESCRIPTION"))
        #expect(result.out.contains("Rollback to 1"))
    }

    @Test func everyRunOnTheEmbeddedEmulatorStartsInTheDemoClusterWithNoNamespaceChosen() async throws {
        let rollout = try RolloutProcess()
        // As the prompt starts: `list` shows every namespace of demo, for -c, stdin and check alike.
        for result in [try await rollout.run(["-c", "list"]), try await rollout.run(["-"], stdin: "list\n")] {
            #expect(result.code == 0, "\(result.all)")
            for release in ["redis-cache  default", "testwww      monitoring", "shop-web     shop"] { #expect(result.out.contains(release), "\(result.out)") }
        }
        let script = rollout.home.appendingPathComponent("list.rollout")
        try "list\n".write(to: script, atomically: true, encoding: .utf8)
        #expect(try await rollout.run(["check", script.path]).code == 0)
        // A cloud target has no such default: the cluster is named.
        let cloud = try await rollout.run(["check", script.path, "--endpoint", "http://127.0.0.1:9"])
        #expect(cloud.code == 2 && cloud.all.contains("list needs a cluster, and none is in use"), "\(cloud.all)")
    }

    @Test func aFailedStepExitsOneAndNamesTheStep() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["-c", "use cluster demo\nshow ghost in monitoring\necho unreachable"])
        #expect(result.code == 1)
        #expect(result.err.contains("✘ -c:2: show ghost in monitoring: HTTP 404 CCE.01404001: Release ghost not found in namespace monitoring (request id "))
        #expect(!result.out.contains("unreachable"))
    }

    @Test func anInvalidScriptExitsTwoAndRunsNothing() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["-c", "use cluster demo; upgrade testwww in monitoring; upgarde x"])
        #expect(result.code == 2)
        #expect(result.err == "-c:1:50: error: unknown statement 'upgarde'\nuse cluster demo; upgrade testwww in monitoring; upgarde x\n                                                 ^~~~~~~\nnote: did you mean 'upgrade'?\n")
        #expect(!FileManager.default.fileExists(atPath: rollout.journal.path), "nothing ran")
        #expect(try await rollout.run(["--outptu", "json"]).code == 2)
        #expect(try await rollout.run(["missing.rollout"]).err == "rollout: cannot read missing.rollout: No such file or directory\n")
        #expect(try await rollout.run(["-c", "list", "--", "1X=2"]).code == 2)
    }

    @Test func theRollbackDrillRecoversWithExitThree() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["scripts/rollback-drill.rollout"])
        #expect(result.code == 3, "\(result.all)")
        #expect(result.out.contains("failed and its else recovered; the rollout ends here"))
    }

    @Test func runsOnTheEmbeddedEmulatorSeeEachOthersChangesAndAgreeWithTheJournal() async throws {
        let rollout = try RolloutProcess()
        let upgrade = try await rollout.run(["-c", "use cluster demo; set tag v8; upgrade testwww in monitoring; wait deployed"])
        #expect(upgrade.code == 0, "\(upgrade.all)")
        let show = try await rollout.run(["-c", "show testwww in monitoring on demo"])
        #expect(show.out.contains("version     4") && show.out.contains("v8"), "\(show.all)")
        let journal = try await rollout.run(["journal", "--last", "1"])
        #expect(journal.out.contains("testwww  \(DemoData.clusterAliases["demo"]!)  monitoring  -       3 → 4    applied"), "\(journal.all)")
        // A second process while the first holds the state works on the first one's emulator: the
        // same releases, and its change is there for everyone after.
        let holder = try rollout.start(["-c", "sleep 6s"])
        let lock = rollout.home.appendingPathComponent("state/rollout/emulator-\(DemoFleet.standard.spelling).lock")
        let holderID = await holder.processID()
        try await EveryRunTests.waitUntil("the holder to say where it serves") {
            let lines = ((try? String(contentsOf: lock, encoding: .utf8)) ?? "").split(separator: "\n")
            return lines.count == 2 && lines[0] == "\(holderID)"
        }
        let meanwhile = try await rollout.run(["-c", "show testwww in monitoring on demo"])
        #expect(meanwhile.err.contains("on the embedded emulator that rollout (pid "), "\(meanwhile.all)")
        #expect(meanwhile.out.contains("version     4"), "\(meanwhile.all)")
        let change = try await rollout.run(["-c", "use cluster demo; set tag v9; upgrade testwww in monitoring; wait deployed"])
        #expect(change.code == 0, "\(change.all)")
        let refused = try await rollout.run(["--fresh-emulator", "-c", "show testwww in monitoring on demo"])
        #expect(refused.code == 1 && refused.err.contains("cannot start again from the demo data; nothing was run"), "\(refused.all)")
        #expect(await holder.exit() == 0)
        let after = try await rollout.run(["-c", "show testwww in monitoring on demo"])
        #expect(after.out.contains("version     5") && after.out.contains("v9"), "the change made meanwhile was kept: \(after.all)")
        let journaled = try await rollout.run(["journal", "--last", "1"])
        #expect(journaled.out.contains("4 → 5    applied"), "\(journaled.all)")
        let fresh = try await rollout.run(["--fresh-emulator", "-c", "show testwww in monitoring on demo"])
        #expect(fresh.out.contains("version     3"), "\(fresh.all)")
    }

    @Test func checkWritesGitHubAnnotationsAndJSONOnStandardOutput() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("bad.rollout")
        try "use cluster demo\nupgarde testwww\nwait deployed timeout 5x\n".write(to: file, atomically: true, encoding: .utf8)
        let github = try await rollout.run(["check", "--format", "github", file.path])
        #expect(github.code == 2)
        let annotations = github.out.split(separator: "\n")
        #expect(annotations.count >= 2, "\(github.all)")
        #expect(annotations.allSatisfy { $0.hasPrefix("::error file=\(file.path),line=") })
        #expect(github.err.isEmpty)
        let json = try await rollout.run(["check", "--format", "json", file.path])
        #expect(json.code == 2)
        let objects = json.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == annotations.count, "\(json.all)")
        #expect(Set(objects.compactMap { $0["line"] as? Int }) == [2, 3], "\(json.all)")
        let good = try await rollout.run(["check", "--format", "json", "scripts/canary.rollout"])
        #expect(good.code == 0 && good.out.isEmpty, "\(good.all)")
    }

    @Test func aWaitThatTimesOutExitsFour() async throws {
        try await withEmulator(faults: FaultSettings(stuckReleases: ["redis-cache"])) { _, emulator in
            let rollout = try RolloutProcess()
            let url = try #require(emulator.url)
            let result = try await rollout.run([
                "--endpoint", url.absoluteString, "-c",
                "use cluster demo; set interval 100ms; upgrade redis-cache; wait deployed timeout 500ms",
            ])
            #expect(result.code == 4, "\(result.all)")
            #expect(result.err.contains("is still PENDING_UPGRADE (version 2) after 500ms"))
        }
    }

    @Test func ctrlCInterruptsWithExit130() async throws {
        let rollout = try RolloutProcess()
        let child = try rollout.start(["-c", "echo sleeping; sleep 30s"])
        // Ctrl-C once the run is under way, as the sleep begins: it names the statement it stopped, whether
        // that had begun ("interrupted while sleeping") or was about to ("interrupted before it started").
        #expect(await child.firstLine.value == "sleeping")
        child.signal(SIGINT)
        #expect(await child.exit() == 130)
        let text = await child.output().err
        #expect(text.contains("⏹ -c:1: sleep 30s: interrupted"), "\(text)")
        #expect(!text.contains("✔"), "nothing after the Ctrl-C is said to have succeeded: \(text)")
    }

    @Test func jsonOutputIsOneObjectPerStatement() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["--output", "json", "-c", "use cluster demo; status testwww in monitoring; show nope"])
        #expect(result.code == 1)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let objects = try lines.map { try JSONValue.parse($0) }
        #expect(objects[1]["result"]?["release"]?["version"] == 3)
        #expect(objects[1]["ok"] == true)
        #expect(objects[2]["ok"] == false)
        #expect(objects[2]["error"]?["http_status"] == 404)
        #expect(objects[2]["error"]?["request_id"]?.scalarText?.count == 32)
        #expect(lines[1].hasPrefix(#"{"else":false,"location":"-c:1","ok":true,"result":{"release":{"chart_name":"magento-mysql""#))
    }

    @Test func aScriptOnStdinRunsWithoutPromptOrColour() async throws {
        let rollout = try RolloutProcess()
        let piped = try await rollout.run([], stdin: "use cluster demo\nstatus testwww in monitoring\n", extraEnvironment: ["NO_COLOR": ""])
        #expect(piped.code == 0, "\(piped.all)")
        #expect(piped.out.contains("testwww  version 3  DEPLOYED"))
        #expect(!piped.out.contains("\u{1B}["))
        let dash = try await rollout.run(["-"], stdin: "use cluster demo; status testwww in monitoring")
        #expect(dash.code == 0)
    }

    @Test func aShebangScriptRuns() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run([], executable: RolloutProcess.root.appendingPathComponent("scripts/oneliner.rollout").path)
        #expect(result.code == 0, "\(result.all)")
        #expect(result.out.contains("testwww is DEPLOYED (version 4)"))
    }

    @Test func variablesComeFromTheCommandLine() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["scripts/canary.rollout", "--", "TAG=3.1.4"])
        #expect(result.code == 0, "\(result.all)")
        #expect(result.out.contains("shop-web now runs 3.1.4"))
    }

    @Test func checkReportsEveryProblem() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("bad.rollout")
        try "use cluster demo\nsleep 5q\nwait deploid for x\nelse\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await rollout.run(["check", file.path, "scripts/canary.rollout"])
        #expect(result.code == 2)
        #expect(result.err.components(separatedBy: ": error: ").count == 4)
        #expect(result.err.contains("note: did you mean 'deployed'?"))
        #expect(result.out == "scripts/canary.rollout: ok\n")
    }

    @Test func thePlanShowsCallsWithoutSendingAnything() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["plan", "scripts/rollback-drill.rollout"])
        #expect(result.code == 0)
        #expect(result.out.contains(#"{"action":"rollback","chart_id":"<the release's chart>","parameters":{"release_version":1},"values":{}}"#))
        #expect(!FileManager.default.fileExists(atPath: rollout.journal.path))
    }

    @Test func changesAreJournaled() async throws {
        let rollout = try RolloutProcess()
        _ = try await rollout.run(["-c", "use cluster demo; set tag v7; set value basic.admin_password = hunter2; upgrade testwww in monitoring"])
        let journal = try String(contentsOf: rollout.journal, encoding: .utf8)
        let entry = try JSONValue.parse(String(journal.split(separator: "\n").last!))
        #expect(entry["action"] == "upgrade")
        #expect(entry["version_before"] == 3)
        #expect(entry["version_after"] == 4)
        #expect(entry["request_id"]?.scalarText?.count == 32)
        #expect(entry["values"]?[path: "basic.admin_password"] == "******")
        #expect(!journal.contains("hunter2"))
        let listed = try await rollout.run(["journal", "--last", "5"])
        #expect(listed.out.contains("upgrade  testwww  \(DemoData.clusterAliases["demo"]!)  monitoring  -       3 → 4    applied"), "\(listed.out)")
    }

    @Test func aProfileThatOthersCanReadWithASecretIsRefused() async throws {
        let rollout = try RolloutProcess()
        try FileManager.default.createDirectory(at: rollout.configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
            default = "lab"
            [profiles.lab]
            endpoint = "http://127.0.0.1:1"
            ak = "HPUAEXAMPLE"
            sk = "very-secret-sk"
            """.write(to: rollout.configFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: rollout.configFile.path)
        let refused = try await rollout.run(["-c", "charts"])
        #expect(refused.code == 2)
        #expect(refused.err.contains("refusing \(rollout.configFile.path): it holds a secret (lab.sk) and others can read it (mode 644)"))
        #expect(!refused.all.contains("very-secret-sk"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rollout.configFile.path)
        let accepted = try await rollout.run(["-c", "charts"], timeout: .seconds(30))
        #expect(accepted.code == 1, "the profile is read; the endpoint is down")
        #expect(accepted.err.contains("connection refused (127.0.0.1:1)"))
        #expect(!accepted.all.contains("very-secret-sk"))
    }

    @Test func debugShowsCallsButNoSecrets() async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(["--debug", "-c", "use cluster demo; status testwww in monitoring"])
        #expect(result.err.contains("→ GET /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww 200 "))
        #expect(!result.all.contains(EmulatorCredentials.localSecretKey))
    }

    @Test func versionAndCompletionScripts() async throws {
        let rollout = try RolloutProcess()
        #expect(try await rollout.run(["--version"]).out == "0.1.0\n")
        for shell in ["bash", "zsh", "fish"] {
            let script = try await rollout.run(["--generate-completion-script", shell])
            #expect(script.code == 0)
            #expect(script.out.contains("rollout"))
        }
    }
}
