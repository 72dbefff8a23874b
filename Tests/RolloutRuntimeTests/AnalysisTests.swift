import AutopilotClient
import AutopilotEmulator
import AutopilotModels
import AutopilotTesting
import RolloutRuntime
import RolloutSyntax
import Synchronization
import Testing

/// A metrics source that answers each query by a rule of the test's, and counts the queries.
final class ScriptedMetrics: MetricsAPI {
    let answer: @Sendable (String) throws -> MetricAnswer
    let asked = Mutex<[String]>([])

    init(_ answer: @escaping @Sendable (String) throws -> MetricAnswer) { self.answer = answer }

    func query(_ promql: String) async throws -> MetricAnswer {
        asked.withLock { $0.append(promql) }
        return try answer(promql)
    }
}

/// Analyses decide by what they measure: the tally's limits, verify's once and for a while, dry
/// runs, no data, and rollouts halting on a member whose analysis fails.
@Suite struct AnalysisTests {
    static func measurement(_ verdict: Verdict) -> AnalysisMeasurement {
        AnalysisMeasurement(analysis: "a", source: .prometheus, query: "q", release: "demo/ns/r", value: nil, verdict: verdict, reason: verdict.rawValue, dryRun: false)
    }

    /// Verdicts in order, the limits, and the measurement (1-based) that fails it, or nil.
    @Test(arguments: [
        ([Verdict.failed], 1, 1, 1 as Int?),
        ([.passed, .passed, .passed], 1, 1, nil),
        ([.failed, .passed, .failed], 2, 1, 3),
        ([.failed, .passed, .passed], 2, 1, nil),
        ([.inconclusive], 2, 1, 1),
        ([.inconclusive, .failed, .inconclusive], 2, 2, 2 + 1),
        ([.inconclusive, .passed, .inconclusive, .failed], 3, 3, nil),
    ])
    func theTallyFailsAnAnalysisAtItsLimits(verdicts: [Verdict], failures: Int, inconclusive: Int, failsAt: Int?) {
        var tally = AnalysisTally(failureLimit: failures, inconclusiveLimit: inconclusive)
        var failedAt: Int?
        for (index, verdict) in verdicts.enumerated() where tally.record(Self.measurement(verdict)) != nil { failedAt = failedAt ?? index + 1 }
        #expect(failedAt == failsAt)
        if failsAt != nil { #expect(tally.failure != nil) }
    }

    static let script = """
        use cluster demo
        use namespace monitoring
        set interval 50ms
        analysis errors = prometheus "ratio{release='${RELEASE}',namespace='${NAMESPACE}',cluster='${CLUSTER}'}" < 0.01 every 20ms failures 2
        """

    @Test(arguments: [
        (MetricAnswer.value(0), "verify errors for testwww", ExitCode.success, "0 is < 0.01"),
        (.value(0.2), "verify errors for testwww", .stepFailed, "analysis errors failed for demo/monitoring/testwww: 0.2 is not < 0.01 (its only measurement)"),
        // Failed by its second measurement, long before the time is up.
        (.value(0.2), "verify errors for testwww during 1m", .stepFailed, "0.2 is not < 0.01 (2 of 2 measurements failed)"),
        (.noData, "verify errors for testwww", .stepFailed, "no data: the query found no series (no-data ok would pass it) (its only measurement)"),
        (.series(["{code=\"200\"}": 1, "{code=\"500\"}": 2]), "verify errors for testwww", .stepFailed, "the query gives 2 series"),
    ])
    func verifyMeasuresOnceOrForAWhile(answer: MetricAnswer, statement: String, code: ExitCode, says: String) async throws {
        let metrics = ScriptedMetrics { _ in answer }
        let (exit, log) = try await run(Self.script + "\n" + statement, sources: AnalysisSources(prometheus: metrics))
        #expect(exit == code)
        #expect("\(log.all)".contains(says), "\(log.all)")
        // The release's names are in the query as sent.
        #expect(metrics.asked.withLock { $0.first } == "ratio{release='testwww',namespace='monitoring',cluster='demo'}")
    }

    @Test func noDataPassesOnlyWhenTheAnalysisSaysSo() async throws {
        let metrics = ScriptedMetrics { _ in .noData }
        let text = Self.script + "\nanalysis quiet = prometheus \"absent\" < 1 no-data ok\nverify quiet for testwww"
        let (code, _) = try await run(text, sources: AnalysisSources(prometheus: metrics))
        #expect(code == .success)
    }

    @Test func aFailedVerifyRunsItsElseAndADryRunOnlySaysWhatItWouldHaveDone() async throws {
        let metrics = ScriptedMetrics { _ in .value(0.5) }
        let failing = try await run(
            Self.script + "\nset tag v9-sick\nupgrade testwww\nwait deployed\nverify errors\nelse rollback", sources: AnalysisSources(prometheus: metrics))
        #expect(failing.0 == .recovered)
        #expect(failing.1.all.contains { if case .change(_, let record) = $0 { record.action == .rollback } else { false } })

        let dry = Self.script + "\nanalysis probe = prometheus \"x\" < 0.01 dry-run\nset tag v9-sick\nupgrade testwww\nwait deployed\nverify probe\nelse rollback"
        let (code, log) = try await run(dry, sources: AnalysisSources(prometheus: metrics))
        #expect(code == .success)
        #expect(!log.all.contains { if case .change(_, let record) = $0 { record.action == .rollback } else { false } })
        #expect(log.all.contains { if case .finished(_, .success(.verified(_, _, let wouldFail?))) = $0 { wouldFail.contains("0.5 is not < 0.01") } else { false } })
        #expect(log.all.contains { if case .measured(_, let m, decided: true) = $0 { m.dryRun && m.verdict == .failed } else { false } })
    }

    @Test func anAnalysisWithNoSourceFailsBeforeAnythingIsSent() async throws {
        let text = Self.script + "\ngroup web = releases demo/monitoring/testwww\nrollout web analyze errors { set tag v9; upgrade }"
        let (code, log) = try await run(text)
        #expect(code == .stepFailed)
        #expect("\(log.all)".contains("no Prometheus server is named: pass --prometheus URL"))
        #expect(log.intents == 0)
    }

    @Test func aMemberWhoseAnalysisFailsHaltsTheRolloutAndOnlyItIsRolledBack() async throws {
        let fleet = DemoFleet(clusters: 1, releasesPerCluster: 6)
        // The canary serves errors once upgraded; every other release, none. The soak is long: the
        // failure ends it.
        let metrics = ScriptedMetrics { query in .value(query.contains("web-01") ? 0.2 : 0) }
        let run = try await runFleet(
            """
            group web = releases of chart shop-web on edge-001
            set interval 50ms
            analysis errors = prometheus "ratio{release='${RELEASE}'}" < 0.01 every 20ms failures 2
            rollout web waves 1, 2, rest parallel 3 soak 1m analyze errors then rollback failed { set tag v2; upgrade; wait deployed }
            """, fleet: fleet, sources: AnalysisSources(prometheus: metrics))
        #expect(run.code == .rolledBack)
        #expect(run.states["edge-001/web/web-01"] == "rolled back")
        #expect(run.states.filter { $0.value == "not started" }.count == 5, "\(run.states)")
        #expect(run.journal.filter { $0.action == .rollback }.map(\.release) == ["web-01", "web-01"])
        #expect(run.failure?.contains("by an analysis in wave 1") == true, "\(run.failure ?? "")")
    }

    @Test func aDryRunAnalysisInARolloutIsMeasuredAndNeverActs() async throws {
        let metrics = ScriptedMetrics { _ in .value(0.9) }
        let run = try await runFleet(
            """
            group web = releases of chart shop-web on edge-001
            set interval 50ms
            analysis errors = prometheus "ratio{release='${RELEASE}'}" < 0.01 every 20ms dry-run
            rollout web waves 1, rest soak 100ms analyze errors then rollback failed { set tag v2; upgrade; wait deployed }
            """, fleet: DemoFleet(clusters: 1, releasesPerCluster: 3), sources: AnalysisSources(prometheus: metrics))
        #expect(run.code == .success)
        #expect(run.journal.allSatisfy { $0.action == .upgrade })
        let decided = run.log.all.filter { if case .measured(_, let m, decided: true) = $0 { m.dryRun && m.verdict == .failed } else { false } }
        #expect(decided.count == 3)
    }

    /// A gate an analysis decides: it opens at the first passing measurement, holds the rollout when
    /// the analysis fails by its limits, and asks a person after the analysis passed when it says so.
    @Test(arguments: [
        ([0.5, 0.0], "", ExitCode.success, 0),
        ([0.5, 0.5], "", .halted, 0),
        ([0.0], " and ask", .success, 1),
    ])
    func aGateWaitsForItsAnalysis(values: [Double], ask: String, code: ExitCode, asked: Int) async throws {
        let answers = Mutex(values[...])
        let metrics = ScriptedMetrics { _ in .value(answers.withLock { $0.count > 1 ? $0.removeFirst() : $0.first! }) }
        let people = Mutex(0)
        let hooks = FleetHooks(gates: { _ in
            people.withLock { $0 += 1 }
            return .pass("approved by a test")
        })
        let run = try await runFleet(
            """
            group web = releases of chart shop-web on edge-001
            set interval 50ms
            analysis errors = prometheus "sum(rate(errors[1m]))" < 0.01 every 20ms failures 2
            rollout web waves 1 gate "health" analysis errors\(ask) rest { set tag v2; upgrade; wait deployed }
            """, fleet: DemoFleet(clusters: 1, releasesPerCluster: 3), hooks: hooks, sources: AnalysisSources(prometheus: metrics))
        #expect(run.code == code, "\(run.failure ?? "")")
        #expect(people.withLock { $0 } == asked)
        let started = run.states.filter { $0.value != "not started" }.count
        #expect(started == (code == .success ? 3 : 1), "\(run.states)")
        if code == .halted { #expect(run.failure?.contains("the gate 'health' before wave 2 was not passed: analysis errors failed") == true, "\(run.failure ?? "")") }
        #expect(metrics.asked.withLock { $0.allSatisfy { $0 == "sum(rate(errors[1m]))" } })
    }

    /// A run stopped during a wave's soak did not finish measuring it: resumed, the wave is measured
    /// again before the next starts, by the analysis the replayed statements define.
    @Test func aResumedRolloutMeasuresTheWaveItStoppedIn() async throws {
        let fleet = DemoFleet(clusters: 1, releasesPerCluster: 3)
        try await withEmulator(deployTime: 0.1, configure: { $0.fleet = fleet }) { client, _ in
            let text = """
                analysis errors = prometheus "ratio{release='${RELEASE}'}" < 0.01 every 20ms failures 2
                group web = releases of chart shop-web on edge-001
                rollout web waves 1, rest soak 5s analyze errors then rollback failed { set tag v2; upgrade; wait deployed }
                """
            let (script, diagnostics) = Parser.parse(SourceFile(name: "fleet.rollout", text: text))
            #expect(diagnostics.isEmpty)
            // web-01, the canary, finished its block before the stop, and serves errors since.
            let metrics = ScriptedMetrics { query in .value(query.contains("web-01") ? 0.3 : 0) }
            let log = EventLog()
            let interpreter = Interpreter(
                api: client, resolveCluster: { fleet.aliases[$0] ?? $0 }, sources: AnalysisSources(prometheus: metrics), events: { log.record($0) })
            let code = await interpreter.run(script, resumingAt: ResumePoint(statement: 2, membersDone: ["edge-001/web/web-01"]))
            #expect(code == .halted, "\(log.steps)")
            #expect(metrics.asked.withLock { $0 }.contains("ratio{release='web-01'}"))
            let states = log.all.compactMap { event -> FleetSummary? in if case .fleet(_, .ended(let summary)) = event { summary } else { nil } }.first?.members
            #expect(states?.filter { $0.state == .notStarted }.count == 2, "the waves after it never start: \(String(describing: states))")
        }
    }
}
