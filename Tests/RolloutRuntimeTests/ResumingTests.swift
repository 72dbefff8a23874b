import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import RolloutRuntime
import RolloutSyntax
import Synchronization
import Testing

@Suite struct ResumingTests {
    /// A fleet of one cluster with three releases; the rollout is resumed with web-01 done and
    /// web-02 cut off after its upgrade was made (here, by the test, as the earlier try would have).
    @Test func aResumedRolloutSkipsFinishedMembersAndDoesNotRemakeACutOffMembersChange() async throws {
        let fleet = DemoFleet(clusters: 1, releasesPerCluster: 3)
        try await withEmulator(deployTime: 0.1, configure: { $0.fleet = fleet }) { client, _ in
            let cluster = fleet.aliases["edge-001"]!
            let text = """
                group web = releases edge-001/web/web-01 edge-001/web/web-02 edge-001/web/web-03
                set tag v2
                rollout web { set interval 50ms; upgrade; wait deployed }
                """
            let source = SourceFile(name: "fleet.rollout", text: text)
            let (script, diagnostics) = Parser.parse(source)
            #expect(diagnostics.isEmpty)
            let before = try await client.history(of: "web-02", in: DemoFleet.namespace, cluster: cluster).count
            let chart = try await client.release("web-02", in: DemoFleet.namespace, cluster: cluster)
            let charts = try await client.charts()
            let chartID = try #require(charts.first { $0.name == chart.chartName && $0.version == chart.chartVersion }?.id)
            let made = try await client.upgrade(
                release: "web-02", in: DemoFleet.namespace, cluster: cluster, chart: chartID, values: ReleaseValues(imageTag: "v2"))
            let log = EventLog()
            let journal = Mutex<[ChangeRecord]>([])
            let interpreter = Interpreter(
                api: client, resolveCluster: { fleet.aliases[$0] ?? $0 }, journal: { record in journal.withLock { $0.append(record) } },
                events: { log.record($0) })
            guard case .rollout(_, _, let body) = script.statements[2].kind else { Issue.record("not a rollout"); return }
            let upgrade = try #require(body.first { $0.kind.keyword == .upgrade })
            let earlier = ChangeRecord(
                action: .upgrade, cluster: cluster, namespace: DemoFleet.namespace, release: "web-02", versionBefore: made.version - 1,
                versionAfter: made.version, outcome: .applied, values: .object([:]),
                place: ChangePlace(line: upgrade.location.line, column: upgrade.location.column, member: "edge-001/web/web-02", wave: 1))
            let point = ResumePoint(statement: 2, membersDone: ["edge-001/web/web-01"], memberChanges: ["edge-001/web/web-02": [earlier]])
            let code = await interpreter.run(script, resumingAt: point)
            #expect(code == .success, "\(log.steps)")
            let sent = journal.withLock { $0 }.filter { $0.outcome == .applied }.map(\.release)
            #expect(sent == ["web-03"], "only the member that had not started is changed: \(sent)")
            #expect(try await client.history(of: "web-02", in: DemoFleet.namespace, cluster: cluster).count == before + 1, "web-02 changed once")
            let web03 = try await client.release("web-03", in: DemoFleet.namespace, cluster: cluster)
            #expect(web03.imageTag == "v2", "the replayed set tag reached the rollout")
            let web01 = try await client.release("web-01", in: DemoFleet.namespace, cluster: cluster)
            #expect(web01.imageTag != "v2", "a finished member is not run again")
        }
    }

    static func release(version: Int, status: ReleaseStatus = .deployed) -> Release {
        Release(name: "r", namespace: "n", chartName: "c", version: version, status: status)
    }

    @Test(arguments: [
        (Keyword.upgrade, Int?(3), ReadBack.found(release(version: 4)), ChangeVerdict.applied(version: 4)),
        (.upgrade, 3, .found(release(version: 3)), .notApplied),
        (.upgrade, 3, .found(release(version: 5)), .unknown),
        (.rollback, 3, .found(release(version: 4, status: .pendingRollback)), .applied(version: 4)),
        (.upgrade, 3, .gone, .notApplied),
        (.upgrade, 3, .unknown, .unknown),
        (.install, nil, .found(release(version: 1)), .applied(version: 1)),
        (.install, nil, .gone, .notApplied),
        (.uninstall, 3, .gone, .applied(version: nil)),
        (.uninstall, 3, .found(release(version: 3, status: .deleting)), .applied(version: nil)),
        (.uninstall, 3, .found(release(version: 3)), .notApplied),
    ])
    func whetherAChangeWasAppliedIsJudgedFromTheReleaseReadBack(action: Keyword, before: Int?, found: ReadBack, verdict: ChangeVerdict) {
        #expect(ChangeVerdict.judge(action, versionBefore: before, readBack: found) == verdict)
    }

    @Test func aResumedWaitAcceptsOnlyTheVersionThisRunMade() async throws {
        try await withEmulator(deployTime: 0) { client, _ in
            let text = "use cluster demo\nuse namespace monitoring\nset interval 50ms\nupgrade testwww\nwait deployed"
            let (script, diagnostics) = Parser.parse(SourceFile(name: "w.rollout", text: text))
            #expect(diagnostics.isEmpty)
            let now = try await client.release("testwww", in: "monitoring", cluster: DemoData.clusterAliases["demo"]!)
            // The run's upgrade made version `now.version - 1`; someone else's came after it.
            let log = EventLog()
            let interpreter = Interpreter(api: client, resolveCluster: { DemoData.clusterAliases[$0] ?? $0 }, events: { log.record($0) })
            let key = "\(DemoData.clusterAliases["demo"]!)/monitoring/testwww"
            let code = await interpreter.run(script, resumingAt: ResumePoint(statement: 4, versionsMade: [key: now.version - 1]))
            #expect(code == .stepFailed, "\(log.steps)")
            let failures = log.all.compactMap { event -> String? in
                if case .finished(_, .failure(let failure)) = event { return failure.message }
                return nil
            }
            #expect(failures.first?.contains("past version \(now.version - 1) that this run's change made") == true, "\(failures)")
        }
    }
}
