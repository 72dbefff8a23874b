import AutopilotClient
import AutopilotTesting
import AutopilotModels
import RolloutRuntime
import Testing

/// The results and failures of a run's steps, by keyword.
private func results(_ log: EventLog) -> [StepResult] {
    log.all.compactMap { if case .finished(_, .success(let result)) = $0 { return result } else { return nil } }
}

private func failures(_ log: EventLog) -> [String] {
    log.all.compactMap { if case .finished(_, .failure(let failure)) = $0 { return failure.message } else { return nil } }
}

private func diffs(_ log: EventLog) -> [ChangePreview] {
    results(log).compactMap { if case .diff(let preview) = $0 { return preview } else { return nil } }
}

@Suite struct DiffTests {
    @Test func thePendingChangeIsComparedWithTheLiveReleaseNestedAndWithSecretsHidden() async throws {
        let (code, log) = try await run("""
            use cluster demo
            use namespace monitoring
            set tag v9
            set value basic.storage_size = 20G
            set value basic.mysql_password = n3w-s3cret
            set value extra.limits.cpu = 2
            diff testwww
            """)
        #expect(code == .success, "\(failures(log))")
        let preview = try #require(diffs(log).first)
        #expect(preview.title == "testwww version 3 → the upgrade")
        #expect(preview.lines() == [
            "testwww version 3 → the upgrade", "  ~ basic.mysql_password: ****** → ******", "  ~ basic.storage_size: 10G → 20G",
            "  + extra.limits.cpu: 2", "  ~ imageTag: v1 → v9",
        ])
        #expect(!preview.lines().joined().contains("n3w-s3cret"))
    }

    @Test func aDiffLeavesThePendingChangeForTheUpgrade() async throws {
        let (code, log) = try await run("""
            use cluster demo
            use namespace monitoring
            set tag v9
            diff testwww
            upgrade testwww
            expect tag == v9
            """)
        #expect(code == .success, "\(failures(log))")
    }

    @Test func twoVersionsOfTheHistoryAndTheirErrors() async throws {
        let (code, log) = try await run("use cluster demo\ndiff testwww in monitoring from 1 to 2\ndiff testwww in monitoring from 1")
        #expect(code == .success, "\(failures(log))")
        #expect(diffs(log).map { $0.lines() } == [
            ["testwww version 1 → version 2", "  ~ imageTag: v1 → v2"],
            ["testwww version 1 → version 3 (current): no changes"],
        ])
        let (missing, missingLog) = try await run("use cluster demo\ndiff testwww in monitoring from 1 to 7")
        #expect(missing == .stepFailed)
        #expect(failures(missingLog) == ["testwww has no version 7 (it has 1, 2, 3)"])
        let (nothing, nothingLog) = try await run("use cluster demo\ndiff testwww in monitoring")
        #expect(nothing == .stepFailed)
        #expect(failures(nothingLog).first?.hasPrefix("nothing is set for the next change of testwww") == true)
    }

    @Test func anUpgradeIfChangedIsSkippedWhenNothingWouldChangeAndTheSkipIsRecorded() async throws {
        let (code, log) = try await run("""
            use cluster demo
            use namespace shop
            set interval 50ms
            set tag 2.2.0
            upgrade shop-web if changed
            wait deployed
            set tag 2.2.0
            upgrade shop-web if changed
            expect version == 3
            upgrade shop-web
            expect version == 4
            """) { _, client in
            let versions = try await client.history(of: "shop-web", in: "shop", cluster: demoCluster)
            #expect(versions.count == 4)
        }
        #expect(code == .success, "\(failures(log))")
        #expect(log.changes.map { "\($0.versionBefore ?? 0)->\($0.versionAfter ?? 0) \($0.outcome.rawValue)" } == [
            "2->3 applied", "3->3 skipped (unchanged)", "3->4 applied",
        ])
        #expect(log.intents == 2, "nothing is sent, nor is an intent written, for the skip")
        #expect(results(log).contains { if case .unchanged(let release) = $0 { release.version == 3 } else { false } })
    }
}
