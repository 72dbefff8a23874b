import Foundation
import Testing

/// Markdown runbooks, `diff`, `upgrade if changed` and `plan --live`, as a user runs them.
@Suite(.serialized) struct RunbookAndDiffTests {
    static let runbook = "scripts/runbooks/shop-web-release.md"

    @Test func theRunbookIsCheckedPlannedAndRunAndASecondRunChangesNothing() async throws {
        let rollout = try RolloutProcess()
        let check = try await rollout.run(["check", Self.runbook])
        #expect(check.code == 0 && check.out == "\(Self.runbook): ok\n", "\(check.all)")
        let plan = try await rollout.run(["plan", Self.runbook])
        #expect(plan.code == 0, "\(plan.all)")
        #expect(plan.out.contains("\(Self.runbook):12  use cluster demo"), "positions are lines of the .md file: \(plan.out)")
        #expect(!plan.out.contains("rollout plan --live"), "the sh block is left alone")
        let first = try await rollout.run([Self.runbook])
        #expect(first.code == 0, "\(first.all)")
        #expect(first.out.contains("shop-web version 2 → the upgrade\n  ~ imageTag: 2.1.0 → 2.2.0\n  ~ resources.memory: 512Mi → 768Mi"), "\(first.out)")
        #expect(first.out.contains("✔ upgrade shop-web: version 3"), "\(first.out)")
        let live = try await rollout.run(["plan", "--live", Self.runbook])
        #expect(live.code == 0, "nothing would change now: \(live.all)")
        #expect(live.out.contains("(no call: shop-web would not change, so the upgrade is skipped)"), "\(live.out)")
        let second = try await rollout.run([Self.runbook])
        #expect(second.code == 0, "\(second.all)")
        #expect(second.out.contains("= shop-web unchanged at version 3 DEPLOYED"), "\(second.out)")
        let journal = try await rollout.run(["journal", "--last", "2"])
        #expect(journal.out.contains("3 → 4") == false && journal.out.contains("3 → 3    skipped (unchanged)"), "\(journal.out)")
    }

    @Test func planLiveShowsEachChangesDiffAndSaysByItsExitCodeThatSomethingWouldChange() async throws {
        let rollout = try RolloutProcess()
        let script = rollout.home.appendingPathComponent("tag.rollout")
        try "use cluster demo\nuse namespace monitoring\nset tag v9\nset value db.password = ${DB_PASSWORD}\nupgrade testwww\n"
            .write(to: script, atomically: true, encoding: .utf8)
        let plan = try await rollout.run(["plan", "--live", script.path, "--", "DB_PASSWORD=hunter2"])
        #expect(plan.code == 7, "\(plan.all)")
        #expect(plan.out.contains("(reads only; no change is sent)"), "\(plan.out)")
        #expect(plan.out.contains("testwww version 3 → the upgrade\n       + db.password: ******\n       ~ imageTag: v1 → v9"), "\(plan.out)")
        #expect(!plan.all.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: rollout.journal.path), "a plan changes nothing")
        let show = try await rollout.run(["-c", "status testwww in monitoring on demo"])
        #expect(show.out.contains("version 3"), "\(show.all)")
    }

    @Test func aDiffOfVersionsInJSONAndItsErrors() async throws {
        let rollout = try RolloutProcess()
        let json = try await rollout.run(["--output", "json", "-c", "use cluster demo; diff testwww in monitoring from 1 to 2"])
        #expect(json.code == 0, "\(json.all)")
        #expect(json.out.contains(#""changes":[{"kind":"changed","new":"v2","old":"v1","path":"imageTag"}]"#), "\(json.out)")
        let missing = try await rollout.run(["-c", "use cluster demo; diff testwww in monitoring from 1 to 9"])
        #expect(missing.code == 1)
        #expect(missing.err.contains("-c:1: diff testwww from 1 to 9 in monitoring: testwww has no version 9 (it has 1, 2, 3)"), "\(missing.err)")
        let bad = try await rollout.run(["-c", "use cluster demo; diff testwww from 0"])
        #expect(bad.code == 2 && bad.err.contains("'0' is not a version"), "\(bad.all)")
    }

    @Test func aMarkdownFileWithNoBlockOrAnOpenFenceIsRefusedWithItsPlace() async throws {
        let rollout = try RolloutProcess()
        let none = rollout.home.appendingPathComponent("notes.md")
        try "# Notes\n\n```sh\nls\n```\n".write(to: none, atomically: true, encoding: .utf8)
        let refused = try await rollout.run([none.path])
        #expect(refused.code == 2)
        #expect(refused.err.hasPrefix("\(none.path):1:1: error: \(none.path) has no ```rollout block to run"), "\(refused.err)")
        let open = rollout.home.appendingPathComponent("open.md")
        try "# Deploy\n\n```rollout\nuse cluster demo\nlist\n".write(to: open, atomically: true, encoding: .utf8)
        let check = try await rollout.run(["check", open.path, "--format", "json"])
        #expect(check.code == 2)
        #expect(check.out.contains(#""line":3"#) && check.out.contains("this fence is never closed"), "\(check.out)")
    }

    @Test func planLiveOfARolloutLooksAtEveryMemberNotOnlyTheOneItShows() async throws {
        let rollout = try RolloutProcess()
        let fleet = ["ROLLOUT_EMULATOR_FLEET": "2x1"]
        let script = rollout.home.appendingPathComponent("fleet.rollout")
        try """
            group edge = fleet edge
            group web = releases of chart shop-web in web on edge
            set tag 2.4.0
            rollout web { upgrade if changed; wait deployed }
            """.write(to: script, atomically: true, encoding: .utf8)
        let first = try await rollout.run(["-c", "use cluster edge-001; set tag 2.4.0; upgrade web-01 in web; wait deployed"], extraEnvironment: fleet)
        #expect(first.code == 0, "\(first.all)")
        let partly = try await rollout.run(["plan", "--live", script.path], extraEnvironment: fleet)
        #expect(partly.code == 7, "edge-002 is not at the target yet, though the member shown is: \(partly.all)")
        #expect(partly.out.contains("for one member, edge-001/web/web-01:") && partly.out.contains("web-01 would not change"), "\(partly.out)")
        let run = try await rollout.run([script.path], extraEnvironment: fleet)
        #expect(run.code == 0, "\(run.all)")
        let done = try await rollout.run(["plan", "--live", script.path], extraEnvironment: fleet)
        #expect(done.code == 0, "every member is at the target: \(done.all)")
    }
}
