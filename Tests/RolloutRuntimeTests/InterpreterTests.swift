import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization
import Testing

/// Collects events as a run reports them.
final class EventLog: Sendable {
    private let events = Mutex<[RunEvent]>([])

    func record(_ event: RunEvent) { events.withLock { $0.append(event) } }

    var all: [RunEvent] { events.withLock { $0 } }

    /// One line per finished step: `keyword ok` or `keyword failed: message`.
    var steps: [String] {
        all.compactMap { event in
            guard case .finished(let info, let result) = event else { return nil }
            switch result {
            case .success: return "\(info.isElse ? "else " : "")\(info.statement.keyword.rawValue) ok"
            case .failure(let failure): return "\(info.isElse ? "else " : "")\(info.statement.keyword.rawValue) failed: \(failure.kind)"
            }
        }
    }

    var statuses: [String] {
        all.compactMap { event in
            guard case .statusChanged(_, _, let status, let version, _) = event else { return nil }
            return "\(version) \(status)"
        }
    }

    /// The changes' final records (not the `sending` ones written before each call).
    var changes: [ChangeRecord] {
        all.compactMap { if case .change(_, let record) = $0, record.outcome != .sending { return record } else { return nil } }
    }

    var intents: Int {
        all.filter { if case .change(_, let record) = $0 { return record.outcome == .sending } else { return false } }.count
    }
}

/// Runs script text against a fresh emulator.
func run(
    _ text: String, deployTime: Double = 0.2, faults: FaultSettings = FaultSettings(),
    variables: [String: String] = [:], sources: AnalysisSources = AnalysisSources(),
    check: ((EmulatorStore, AutopilotClient) async throws -> Void)? = nil
) async throws -> (ExitCode, EventLog) {
    try await withEmulator(deployTime: deployTime, faults: faults) { client, emulator in
        let source = SourceFile(name: "test.rollout", text: text)
        let context = RunContext(variables: variables)
        let (script, diagnostics) = Checker.diagnose(source, scope: context.checkScope(environment: [:]))
        #expect(diagnostics.isEmpty, "\(diagnostics.map { $0.rendered(in: source) })")
        let log = EventLog()
        let interpreter = Interpreter(
            api: client, context: context, resolveCluster: { DemoData.clusterAliases[$0] ?? $0 }, sources: sources,
            events: { log.record($0) })
        let code = await interpreter.run(script)
        try await check?(emulator.store, client)
        return (code, log)
    }
}

@Suite struct InterpreterTests {
    @Test func upgradeAndWaitDeployed() async throws {
        let (code, log) = try await run("""
            use cluster demo
            use namespace monitoring
            set tag v9
            set value basic.storage_size = 20G
            set interval 50ms
            upgrade testwww
            wait deployed
            expect tag == v9
            expect version == 4
            expect value basic.storage_size == 20G
            """, deployTime: 2) { _, client in
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.values[path: "basic.mysql_user"] == "magento", "earlier values are kept")
        }
        #expect(code == .success)
        #expect(log.statuses.first == "4 PENDING_UPGRADE")
        #expect(log.statuses.last == "4 DEPLOYED")
        #expect(log.changes.map { "\($0.action.rawValue) \($0.versionBefore ?? 0)->\($0.versionAfter ?? 0) \($0.outcome.rawValue)" } == ["upgrade 3->4 applied"])
        #expect(log.intents == 1, "the intent is recorded before the call")
    }

    @Test func aReleaseInAnotherNamespaceIsNamedWithTheStatementToType() async throws {
        let (code, log) = try await run("use cluster demo\nshow testwww")
        #expect(code == .stepFailed)
        let failures = log.all.compactMap { event -> String? in
            if case .finished(_, .failure(let failure)) = event { return failure.message } else { return nil }
        }
        #expect(failures.count == 1)
        #expect(failures.first?.hasSuffix("; testwww is in namespace monitoring: show testwww in monitoring") == true, "\(failures)")
        // The statement to type is the one that failed, every argument kept.
        for (statement, typed) in [
            ("wait deployed for testwww timeout 5m", "wait deployed for testwww timeout 5m in monitoring"),
            ("expect version == 3 for testwww", "expect version == 3 for testwww in monitoring"),
            ("rollback testwww to 1", "rollback testwww to 1 in monitoring"),
            ("diff testwww from 1 to 2", "diff testwww from 1 to 2 in monitoring"),
        ] {
            let (_, log) = try await run("use cluster demo\n\(statement)")
            let said = log.all.compactMap { event -> String? in
                if case .finished(_, .failure(let failure)) = event { return failure.message } else { return nil }
            }
            #expect(said.first?.hasSuffix("; testwww is in namespace monitoring: \(typed)") == true, "\(said)")
            #expect(said.first?.contains("is gone") == false, "it was never in the namespace it was looked for in: \(said)")
            #expect(Checker.diagnose(SourceFile(name: "t", text: "use cluster demo\n" + typed)).diagnostics.isEmpty, "\(typed) reads and checks")
        }
        // A name found nowhere keeps the service's answer.
        let (_, unknown) = try await run("use cluster demo\nstatus ghost")
        let message = unknown.all.compactMap { event -> String? in
            if case .finished(_, .failure(let failure)) = event { return failure.message } else { return nil }
        }.first
        #expect(message?.contains(" is in namespace ") == false)
    }

    @Test func theIssueSketchRunsWithItsVariable() async throws {
        let sketch = """
            # canary.rollout: upgrade the shop's web tier, roll back if it does not come up
            use cluster demo                  # a cluster id, or an alias that a profile defines
            use namespace monitoring
            set tag ${TAG}                    # values.imageTag of the next upgrade; ${NAME} expands variables
            set pull-policy IfNotPresent      # values.imagePullPolicy
            set value basic.storage_size = 20G   # any other chart value
            set timeout 5m                    # for wait; also: set interval 2s
            set interval 100ms
            upgrade testwww                   # PUT action=upgrade with what is set
            wait deployed                     # poll until DEPLOYED; FAILED, UNKNOWN or the timeout fail it
            else rollback 1                   # runs only if the statement before it failed
            expect tag == ${TAG}
            """
        let (code, log) = try await run(sketch, variables: ["TAG": "v3"])
        #expect(code == .success)
        #expect(log.steps.suffix(3) == ["upgrade ok", "wait ok", "expect ok"])
    }

    @Test func aFailedDeployIsRolledBackByElse() async throws {
        let (code, log) = try await run("""
            use cluster demo; use namespace monitoring; set interval 50ms
            set tag v9-bad
            upgrade testwww
            wait deployed
            else { rollback 1; wait deployed }
            echo "never printed"
            """, faults: FaultSettings(failTags: ["*-bad"])) { _, client in
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.version == 5)
            #expect(release.description == "Rollback to 1")
            #expect(release.imageTag == "v1", "the old values are back")
            #expect(release.status == .deployed)
        }
        #expect(code == .recovered)
        #expect(log.steps.suffix(4) == ["upgrade ok", "wait failed: waitFailed", "else rollback ok", "else wait ok"])
    }

    @Test func theOneLinerRecoversWithRollback() async throws {
        let (code, _) = try await run(
            "use cluster demo; set tag v2-bad; set interval 50ms; upgrade testwww in monitoring; wait deployed; else rollback 1",
            faults: FaultSettings(failTags: ["*-bad"]))
        #expect(code == .recovered)
        let (success, _) = try await run(
            "use cluster demo; set tag v2; set interval 50ms; upgrade testwww in monitoring; wait deployed; else rollback 1")
        #expect(success == .success)
    }

    @Test func rollbackWithoutVersionGoesToTheLastDeployedBeforeTheCurrent() async throws {
        let (code, _) = try await run("use cluster demo\nrollback shop-web in shop") { _, client in
            let release = try await client.release("shop-web", in: "shop", cluster: demoCluster)
            #expect(release.version == 3)
            #expect(release.description == "Rollback to 1")
        }
        #expect(code == .success)
    }

    @Test func aWaitThatTimesOutExitsWith4() async throws {
        let (code, log) = try await run(
            "use cluster demo; set interval 50ms; upgrade redis-cache in default; wait deployed timeout 300ms",
            faults: FaultSettings(stuckReleases: ["redis-cache"]))
        #expect(code == .timedOut)
        #expect(log.steps.last == "wait failed: timedOut")
    }

    @Test func anUpgradeWaitsForAPendingReleaseToClear() async throws {
        let (code, log) = try await run("""
            use cluster demo; set interval 50ms
            set tag 7.2.5
            upgrade redis-cache in default
            set tag 7.2.6
            upgrade
            wait deployed
            expect tag == 7.2.6
            """, deployTime: 2)
        #expect(code == .success)
        let progress = log.all.compactMap { if case .progress(_, let text) = $0 { return text } else { return nil } }
        #expect(progress.first == "redis-cache is PENDING_UPGRADE (version 2); waiting for it to finish before the change")
    }

    @Test func unhandledFailuresExitWith1AndStop() async throws {
        let (code, log) = try await run("use cluster demo\nshow ghost in monitoring\necho \"not reached\"")
        #expect(code == .stepFailed)
        #expect(log.steps == ["use ok", "show failed: api"])
        let (expectation, _) = try await run("use cluster demo\nexpect tag == v7 for testwww in monitoring")
        #expect(expectation == .stepFailed)
        let (aborted, _) = try await run("abort \"stop\"")
        #expect(aborted == .stepFailed)
    }

    @Test func anElseThatFailsToo() async throws {
        let (code, log) = try await run("use cluster demo\nshow ghost\nelse show ghost2\nelse echo recovered")
        #expect(code == .recovered)
        #expect(log.steps == ["use ok", "show failed: api", "else show failed: api", "else echo ok"])
    }

    @Test func cancellingARunInterruptsItsWait() async throws {
        try await withEmulator(faults: FaultSettings(stuckReleases: ["*"])) { client, _ in
            let (script, _) = Parser.parse(SourceFile(name: "t", text: "use cluster \(demoCluster); set interval 50ms; upgrade testwww in monitoring; wait deployed"))
            let log = EventLog()
            let interpreter = Interpreter(api: client, events: { log.record($0) })
            let task = Task { await interpreter.run(script) }
            // Cancel once the wait has looked at the release at least once.
            while log.statuses.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            task.cancel()
            #expect(await task.value == .interrupted)
            #expect(log.steps.last == "wait failed: interrupted")
        }
    }

    @Test func aWaitPollsThroughTransientErrors() async throws {
        try await withEmulator(deployTime: 0.5) { client, emulator in
            let log = EventLog()
            let interpreter = Interpreter(api: client, resolveCluster: { DemoData.clusterAliases[$0] ?? $0 }, events: { log.record($0) })
            let (upgrade, _) = Parser.parse(SourceFile(name: "t", text: "use cluster demo; set interval 50ms; upgrade testwww in monitoring"))
            #expect(await interpreter.run(upgrade) == .success)
            // Every answer is a 500 for a while: each look fails after the client's own tries, and the wait goes on.
            emulator.store.setFaults(FaultSettings(errorRate: 1, errorStatuses: [500]))
            let (wait, _) = Parser.parse(SourceFile(name: "t", text: "wait deployed timeout 30s"))
            let waiting = Task { await interpreter.run(wait) }
            while !log.all.contains(where: { if case .progress(_, let text) = $0 { return text.contains("still waiting") } else { return false } }) {
                try await Task.sleep(for: .milliseconds(50))
            }
            emulator.store.setFaults(FaultSettings())
            #expect(await waiting.value == .success)
            #expect(log.statuses.last == "4 DEPLOYED")
        }
    }

    @Test func aChangeAnsweredWithA500IsReadBackAndSentAgainOnlyWhenNothingChanged() async throws {
        // The emulator answers injected errors instead of handling the request, so nothing was applied:
        // the upgrade is sent again until it goes through, and the release ends one version higher. The
        // client tries reads often enough here that only the change's own answers matter.
        let faults = FaultSettings(errorRate: 0.5, errorStatuses: [500, 502])
        try await withEmulator(faults: faults, client: { $0.retry = RetryPolicy(maxAttempts: 16, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)) }) {
            client, emulator in
            let log = EventLog()
            let interpreter = Interpreter(api: client, resolveCluster: { DemoData.clusterAliases[$0] ?? $0 }, events: { log.record($0) })
            let releases = [("testwww", "monitoring", 4), ("shop-web", "shop", 3), ("redis-cache", "default", 2)]
            let text = "use cluster demo; set interval 20ms\n" + releases.map { "set tag v9; upgrade \($0.0) in \($0.1)" }.joined(separator: "\n")
            let code = await interpreter.run(Parser.parse(SourceFile(name: "t", text: text)).script)
            emulator.store.setFaults(FaultSettings())
            #expect(code == .success, "\(log.all.compactMap { if case .finished(_, .failure(let f)) = $0 { return f.message } else { return nil } })")
            for (name, namespace, version) in releases {
                #expect(emulator.store.changeCounts()["\(demoCluster)/\(namespace)/\(name)"] == 1, "\(name) applied once")
                let release = try await client.release(name, in: namespace, cluster: demoCluster)
                #expect(release.version == version)
            }
        }
    }

    @Test func settingsAreUsedOnceButTimeoutsStay() async throws {
        let (code, _) = try await run("""
            use cluster demo; use namespace shop; set interval 50ms; set timeout 20s
            set tag 3.0.0
            upgrade shop-web
            wait deployed
            upgrade shop-web
            wait deployed
            expect tag == 3.0.0
            expect version == 4
            """)
        #expect(code == .success)
    }

    @Test func dryRunChangesNothing() async throws {
        let (code, log) = try await run("use cluster demo\nset dry-run on\nset tag v9\nupgrade testwww in monitoring\nexpect version == 3") { store, _ in
            #expect(store.changeCounts().isEmpty)
        }
        #expect(code == .success)
        #expect(log.changes.first?.outcome == .dryRun)
    }

    @Test func installThenUninstall() async throws {
        let (code, _) = try await run("""
            use cluster demo; set interval 50ms
            set tag 7.0.0
            install cache-two from chart \(DemoData.redisChartID) in default
            wait deployed
            expect chart == redis
            uninstall
            wait deleted
            """)
        #expect(code == .success)
    }

    @Test func echoNeverShowsSecretVariables() async throws {
        let (_, log) = try await run("let DB_PASSWORD = hunter2\necho \"password is\" ${DB_PASSWORD}")
        let messages = log.all.compactMap { event -> String? in
            if case .finished(_, .success(.message(let text))) = event { return text }
            return nil
        }
        // The event holds the text; the secret part is masked on every way out, by its value.
        #expect(messages.last.map(SecretValues.known.mask) == "password is ******")
    }
}

/// A statement's timeout holds however slowly the server answers: a read is cut off when the
/// statement's time is up (after one last look), not when the client's own 120 s a call are.
@Suite struct StatementDeadlineTests {
    @Test func aWaitEndsAtItsTimeoutWhenEveryAnswerIsSlow() async throws {
        let (code, log) = try await run("""
            use cluster demo
            wait deployed for testwww in monitoring timeout 300ms
            """, faults: FaultSettings(latencyMs: 120_000))
        #expect(code == .timedOut, "\(code)")
        let failure = log.all.compactMap { event -> String? in
            if case .finished(_, .failure(let failure)) = event { return failure.message } else { return nil }
        }.first
        #expect(failure?.contains("no answer before the statement's timeout") == true, "\(String(describing: failure))")
    }
}

/// A chart goes by its id or, as a group's query takes it, by its name.
@Suite struct ChartByNameTests {
    @Test func aChartIsNamedByItsNameWhereTheProjectHasOneVersion() async throws {
        let (code, log) = try await run("""
            chart shop-web
            values redis
            use cluster demo
            set chart shop-web
            set tag v9
            upgrade shop-web in shop
            """)
        #expect(code == .success, "\(log.steps)")
        let (typo, typoLog) = try await run("chart shp-web")
        #expect(typo == .stepFailed)
        #expect(typoLog.all.contains { event in
            if case .finished(_, .failure(let failure)) = event { return failure.message == "no chart 'shp-web' in the project, by id or name; did you mean 'shop-web'?" }
            return false
        })
    }
}
