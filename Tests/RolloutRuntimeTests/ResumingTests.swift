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
            _ = try await client.upgrade(
                release: "web-02", in: DemoFleet.namespace, cluster: cluster, chart: chartID, values: ReleaseValues(imageTag: "v2"))
            let log = EventLog()
            let journal = Mutex<[ChangeRecord]>([])
            let interpreter = Interpreter(
                api: client, resolveCluster: { fleet.aliases[$0] ?? $0 }, journal: { record in journal.withLock { $0.append(record) } },
                events: { log.record($0) })
            guard case .rollout(_, _, let body) = script.statements[2].kind else { Issue.record("not a rollout"); return }
            let upgrade = try #require(body.first { $0.kind.keyword == .upgrade })
            let point = ResumePoint(
                statement: 2, membersDone: ["edge-001/web/web-01"],
                appliedEarlier: [ResumePoint.key(member: "edge-001/web/web-02", line: upgrade.location.line, column: upgrade.location.column)])
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
}
