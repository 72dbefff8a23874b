import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization
import Testing

/// A rollout run against an emulator holding a generated fleet.
struct FleetRun {
    var code: ExitCode
    var log: EventLog
    var journal: [ChangeRecord]

    /// The rollout's end.
    var summary: FleetSummary? {
        log.all.lazy.compactMap { if case .fleet(_, .ended(let summary)) = $0 { summary } else { nil } }.first
    }

    /// Each member's last state, by label.
    var states: [String: String] {
        Dictionary(uniqueKeysWithValues: (summary?.members ?? []).map { ($0.tag.member.label, $0.state.shown) })
    }

    /// The member events in order, as `label state`.
    var memberEvents: [(MemberTag, MemberState)] {
        log.all.compactMap { if case .fleet(_, .member(let tag, let state)) = $0 { (tag, state) } else { nil } }
    }

    /// The message the rollout statement failed with.
    var failure: String? {
        log.all.lazy.compactMap { event -> String? in
            if case .finished(let info, .failure(let failure)) = event, info.statement.keyword == .rollout { return failure.message }
            return nil
        }.first
    }
}

/// What a test does while a rollout runs: answer its gates, and watch its events.
struct FleetHooks {
    var gates: @Sendable (GateRequest) async -> GateAnswer = { _ in .refuse("no one asked") }
    var during: (@Sendable (RunEvent, Interpreter) -> Void)?
}

/// Runs a fleet script against a fresh emulator whose fleet is `fleet`; `edge` names all its clusters.
func runFleet(
    _ text: String, fleet: DemoFleet = DemoFleet(clusters: 4, releasesPerCluster: 2), deployTime: Double = 0.2,
    faults: FaultSettings = FaultSettings(), hooks: FleetHooks = FleetHooks(), sources: AnalysisSources = AnalysisSources(),
    check: ((EmulatorStore, AutopilotClient) async throws -> Void)? = nil
) async throws -> FleetRun {
    let (gates, during) = (hooks.gates, hooks.during)
    return try await withEmulator(deployTime: deployTime, faults: faults, configure: { $0.fleet = fleet }) { client, emulator in
        let source = SourceFile(name: "fleet.rollout", text: text)
        let fleets = [DemoFleet.fleetName: fleet.clusterNames]
        let (script, diagnostics) = Checker.diagnose(source, scope: CheckScope(fleets: fleets))
        #expect(diagnostics.isEmpty, "\(diagnostics.map { $0.rendered(in: source) })")
        let log = EventLog()
        let journal = Mutex<[ChangeRecord]>([])
        let aliases = fleet.aliases.merging(DemoData.clusterAliases) { a, _ in a }
        let holder = Mutex<Interpreter?>(nil)
        let interpreter = Interpreter(
            api: client, context: RunContext(), resolveCluster: { aliases[$0] ?? $0 },
            journal: { record in journal.withLock { $0.append(record) } }, fleets: fleets, sources: sources,
            events: { event in
                log.record(event)
                if let during, let interpreter = holder.withLock({ $0 }) { during(event, interpreter) }
            })
        holder.withLock { $0 = interpreter }
        await interpreter.setGateHandler(gates)
        let code = await interpreter.run(script)
        try await check?(emulator.store, client)
        return FleetRun(code: code, log: log, journal: journal.withLock { $0 })
    }
}

/// The fleet's releases as `cluster-name/release version STATUS`.
func fleetReleases(_ client: AutopilotClient, _ fleet: DemoFleet) async throws -> [String: String] {
    var found: [String: String] = [:]
    for (name, id) in fleet.aliases {
        for release in try await client.releases(in: id, namespace: DemoFleet.namespace) {
            found["\(name)/\(release.name)"] = "\(release.version) \(release.status.rawValue)"
        }
    }
    return found
}

@Suite struct FleetTests {
    static let upgradeAll = """
        group edge = fleet edge
        group web = releases of chart shop-web on edge
        set tag v2
        set interval 50ms
        """

    @Test func aGroupOfClustersByNamePatternReadsTheProjectsClusters() async throws {
        let fleet = DemoFleet(clusters: 12, releasesPerCluster: 1)
        let run = try await runFleet("""
            group edge = clusters matching "edge-00?"
            group web = releases of chart shop-web on edge
            set tag v2
            rollout web { upgrade }
            """, fleet: fleet) { _, client in
            let releases = try await fleetReleases(client, fleet)
            #expect(releases.filter { $0.value == "2 DEPLOYED" || $0.value.hasPrefix("2 ") }.count == 9, "\(releases)")
        }
        #expect(run.code == .success)
        let groups = run.log.all.compactMap { event -> [FleetMember]? in
            if case .finished(_, .success(.group(name: "edge", let members))) = event { return members } else { return nil }
        }
        #expect(groups.first?.map(\.cluster) == (1...9).map { "edge-00\($0)" })
        let empty = try await runFleet("group none = clusters matching \"core-*\"", fleet: fleet)
        #expect(empty.code == .stepFailed)
        #expect(empty.log.all.contains { event in
            if case .finished(_, .failure(let failure)) = event { return failure.message.contains("no cluster's name matches core-* (the project's clusters: demo, edge-001") }
            return false
        })
    }

    @Test func wavesRunInOrderWithinTheirParallelism() async throws {
        let fleet = DemoFleet(clusters: 4, releasesPerCluster: 2)
        let run = try await runFleet(Self.upgradeAll + "\nrollout web waves 1 25% rest parallel 2 { upgrade; wait deployed; expect tag == v2 }") { store, client in
            let releases = try await fleetReleases(client, fleet)
            #expect(Set(releases.values) == ["2 DEPLOYED"], "\(releases)")
            #expect(Set(store.changeCounts().values) == [1], "each release changed once")
        }
        #expect(run.code == .success)
        #expect(run.summary?.outcome == .succeeded)
        #expect(run.states.count == 8 && Set(run.states.values) == ["succeeded"])
        var running = 0
        var most = 0
        var finishedWave = 0
        for (tag, state) in run.memberEvents {
            if state == .running {
                running += 1
                #expect(tag.wave >= finishedWave, "a wave starts only after the one before it ends")
            }
            if state.isFinal {
                running -= 1
                finishedWave = max(finishedWave, tag.wave - 1)
            }
            most = max(most, running)
        }
        #expect(most == 2, "at most two members at a time, and two when there are enough")
        let waves = Dictionary(grouping: run.summary!.members, by: \.tag.wave).mapValues(\.count)
        #expect(waves == [1: 1, 2: 2, 3: 5], "1, 25% of 8 and the rest")
        #expect(run.journal.count == 16 && run.journal.allSatisfy { $0.place.member != nil }, "every change journaled with its member and wave")
        #expect(run.journal.first?.place.wave == 1)
        let results = run.journal.filter { $0.outcome == .applied }
        let ids = Set(results.compactMap(\.requestID))
        #expect(ids.count == results.count && results.count == 8, "each member's change carries the request id of its own answer: \(ids)")
    }

    @Test func withNoHaltRuleTheFirstFailureHaltsAndHolds() async throws {
        let fleet = DemoFleet(clusters: 3, releasesPerCluster: 1)
        let text = Self.upgradeAll.replacingOccurrences(of: "set tag v2", with: "set tag v2-bad") + "\nrollout web waves 1 rest parallel 4 { upgrade; wait deployed }"
        let run = try await runFleet(text, fleet: fleet, faults: FaultSettings(failTags: ["*-bad"])) { store, _ in
            #expect(store.changeCounts().count == 1, "only the first wave's member was changed")
        }
        #expect(run.code == .halted)
        #expect(run.failure?.contains("halted: 1 of 3 members failed (the first failure halts); holding as it is") == true, "\(run.failure ?? "")")
        #expect(run.states == ["edge-001/web/web-01": "FAILED", "edge-002/web/web-01": "not started", "edge-003/web/web-01": "not started"])
    }

    @Test func aHaltRollsBackTheFailedMembers() async throws {
        let fleet = DemoFleet(clusters: 4, releasesPerCluster: 2)
        let run = try await runFleet(
            Self.upgradeAll + "\nrollout web waves 2 rest parallel 2 halt after 2 then rollback failed { set tag ${RELEASE}-v2; upgrade; wait deployed }",
            fleet: fleet, faults: FaultSettings(failTags: ["web-02-v2"])
        ) { _, client in
            let releases = try await fleetReleases(client, fleet)
            #expect(releases["edge-001/web-01"] == "2 DEPLOYED")
            #expect(releases["edge-001/web-02"] == "3 DEPLOYED", "failed, then rolled back to version 1 as version 3")
            #expect(releases["edge-004/web-02"] == "1 DEPLOYED", "never started")
        }
        #expect(run.code == .rolledBack)
        let counts = Dictionary(uniqueKeysWithValues: run.summary!.counts.map { ($0.state, $0.count) })
        #expect(counts["rolled back"] == 2 && counts["succeeded"] ?? 0 >= 2, "\(counts)")
        #expect(run.summary?.members.first { $0.state.shown == "rolled back" }?.state.reason?.contains("FAILED") == true, "the table keeps why it failed")
        let rollbacks = run.journal.filter { $0.action == .rollback && $0.outcome == .applied }
        #expect(rollbacks.count == 2 && rollbacks.allSatisfy { $0.place.member != nil })
    }

    @Test func rollbackAllUndoesEveryMemberAndRollbackWaveOnlyTheLastWave() async throws {
        let fleet = DemoFleet(clusters: 3, releasesPerCluster: 1)
        // Wave 1's tag deploys; wave 2's fails.
        let faults = FaultSettings(failTags: ["v2-x"])
        for (policy, first) in [("rollback all", "3 DEPLOYED"), ("rollback wave", "2 DEPLOYED")] {
            let text = """
                group edge = fleet edge
                group web = releases of chart shop-web on edge
                set interval 50ms
                rollout web waves 1 rest parallel 2 then \(policy) { set tag v${WAVE}-x; upgrade; wait deployed }
                """
            let run = try await runFleet(text, fleet: fleet, faults: faults) { _, client in
                let releases = try await fleetReleases(client, fleet)
                #expect(releases["edge-001/web-01"] == first, "\(policy): \(releases)")
                #expect(releases["edge-002/web-01"] == "3 DEPLOYED", "\(policy): \(releases)")
                #expect(releases["edge-003/web-01"] == "3 DEPLOYED", "\(policy): \(releases)")
            }
            #expect(run.code == .rolledBack, "\(policy): \(run.failure ?? "")")
        }
    }

    @Test func afterTheSoakAMemberNoLongerDeployedHasFailed() async throws {
        let fleet = DemoFleet(clusters: 3, releasesPerCluster: 1)
        let text = "group edge = fleet edge\ngroup web = releases of chart shop-web on edge\nset tag v2-bad\nrollout web waves 1 rest soak 600ms { upgrade }"
        let run = try await runFleet(text, fleet: fleet, faults: FaultSettings(failTags: ["*-bad"])) { store, _ in
            #expect(store.changeCounts().count == 1)
        }
        #expect(run.code == .halted)
        #expect(run.failure?.contains("after the soak of wave 1") == true, "\(run.failure ?? "")")
        #expect(run.summary?.members.first?.state.reason?.contains("after the soak, web-01 version 2 is FAILED") == true)
    }

    @Test func aMemberWhoseElseRecoveredCountsAsFailedUnlessTheScriptSaysOtherwise() async throws {
        let fleet = DemoFleet(clusters: 2, releasesPerCluster: 1)
        let faults = FaultSettings(failTags: ["*-bad"])
        let block = "{ set tag v2-bad; upgrade; wait deployed; else rollback }"
        let base = "group edge = fleet edge\ngroup web = releases of chart shop-web on edge\nset interval 50ms\n"
        let strict = try await runFleet(base + "rollout web waves 1 rest \(block)", fleet: fleet, faults: faults)
        #expect(strict.code == .halted)
        #expect(strict.summary?.members.first?.state.reason == "failed, and its else recovered")
        let forgiving = try await runFleet(base + "rollout web waves 1 rest recovered ok \(block)", fleet: fleet, faults: faults)
        #expect(forgiving.code == .success)
        #expect(Set(forgiving.states.values) == ["recovered"])
    }

    @Test func aGateAsksWithTheWavesSoFarAndARefusalHalts() async throws {
        let fleet = DemoFleet(clusters: 3, releasesPerCluster: 1)
        let asked = Mutex<[GateRequest]>([])
        let text = Self.upgradeAll + "\nrollout web waves 1 gate \"prod\" rest then rollback all { upgrade; wait deployed }"
        let refused = try await runFleet(text, fleet: fleet, hooks: FleetHooks(gates: { request in
            asked.withLock { $0.append(request) }
            return .refuse("declined")
        })) { store, _ in
            #expect(Array(store.changeCounts().values) == [1], "a refused gate holds: nothing is rolled back")
        }
        #expect(refused.code == .halted)
        #expect(refused.failure?.contains("the gate 'prod' before wave 2 was not passed: declined; holding as it is") == true, "\(refused.failure ?? "")")
        let request = try #require(asked.withLock { $0.first })
        #expect(request.name == "prod" && request.wave == 2)
        #expect(request.members.map(\.state.shown) == ["succeeded", "queued", "queued"])
        let passed = try await runFleet(text, fleet: fleet, hooks: FleetHooks(gates: { _ in .pass("approved by a test") }))
        #expect(passed.code == .success)
    }

    @Test func anEmptyGroupSaysWhyItIsEmpty() async throws {
        let run = try await runFleet("group edge = fleet edge\ngroup web = releases of chart redis matching \"api-*\" on edge\nrollout web { upgrade }")
        #expect(run.code == .stepFailed)
        let message = run.log.all.compactMap { event -> String? in
            if case .finished(let info, .failure(let failure)) = event, info.statement.keyword == .group { return failure.message }
            return nil
        }.first
        #expect(message == "group web is empty: no release of chart redis matching api-* on 4 clusters (edge-001, edge-002, edge-003, edge-004), which have 8 releases in all")
    }

    @Test func failedMembersBelowTheHaltRuleFailTheRolloutUnlessItAcceptsThem() async throws {
        let fleet = DemoFleet(clusters: 3, releasesPerCluster: 1)
        // A member on a missing cluster (404) and one whose deploy fails: two of four, below the rule's three.
        let group = "set interval 50ms\ngroup web = releases no-such/web/web-01 edge-001/web/web-01 edge-002/web/web-01 edge-003/web/web-01\n"
        let block = "{ set tag v2-${CLUSTER}; upgrade; wait deployed }"
        let faults = FaultSettings(failTags: ["v2-edge-002"])
        let strict = try await runFleet(group + "rollout web parallel 4 halt after 3 \(block)\necho after", fleet: fleet, faults: faults)
        #expect(strict.code == .stepFailed, "\(strict.log.steps)")
        #expect(strict.summary?.outcome == .failed)
        #expect(strict.failure?.hasPrefix("rollout web: 2 of 4 members failed (no-such/web/web-01: ") == true, "\(strict.failure ?? "")")
        #expect(strict.failure?.contains("2 FAILED, 2 succeeded") == true, "\(strict.failure ?? "")")
        #expect(!strict.log.steps.contains("echo ok"), "the script stops at the failed rollout: \(strict.log.steps)")
        let handled = try await runFleet(group + "rollout web parallel 4 halt after 3 \(block)\nelse echo some failed", fleet: fleet, faults: faults)
        #expect(handled.code == .recovered)
        let accepting = try await runFleet(group + "rollout web parallel 4 halt after 3 failures ok \(block)", fleet: fleet, faults: faults)
        #expect(accepting.code == .success)
        #expect(accepting.summary?.outcome == .failed, "accepted, and still not said to have succeeded")
        #expect(accepting.summary?.tally == "2 FAILED, 2 succeeded", "\(accepting.summary?.tally ?? "")")
        let recovered = try await runFleet(
            group.replacingOccurrences(of: "no-such/web/web-01 ", with: "") + "rollout web parallel 3 recovered ok { set tag v2-${CLUSTER}; upgrade; wait deployed; else rollback }",
            fleet: fleet, faults: faults)
        #expect(recovered.code == .success)
        #expect(recovered.summary?.outcome == .recovered)
        #expect(recovered.summary?.tally.contains("1 recovered") == true && recovered.summary?.tally.contains("all") == false)
    }

    @Test func aMemberOnAMissingClusterAStuckReleaseAndAFailingDeployEachHalt() async throws {
        let fleet = DemoFleet(clusters: 2, releasesPerCluster: 2)
        let missing = try await runFleet("group web = releases no-such/web/web-01 edge-001/web/web-01\nrollout web { upgrade; wait deployed }", fleet: fleet)
        #expect(missing.code == .halted)
        #expect(missing.states["no-such/web/web-01"] == "FAILED")
        #expect(missing.summary?.members.first?.state.reason?.contains("404") == true)
        let stuck = try await runFleet(
            "set timeout 1s\nset interval 100ms\ngroup web = releases edge-001/web/web-01 edge-002/web/web-01\nrollout web { set tag v2; upgrade; wait deployed }",
            fleet: fleet, faults: FaultSettings(stuckReleases: ["web-01"]))
        #expect(stuck.code == .halted)
        #expect(stuck.summary?.members.first?.state.reason?.contains("still PENDING_UPGRADE") == true, "\(stuck.summary?.members.first?.state.reason ?? "")")
        let failing = try await runFleet(
            "set interval 50ms\ngroup web = releases edge-001/web/web-01 edge-002/web/web-01\nrollout web then rollback failed { set tag v2-bad; upgrade; wait deployed }",
            fleet: fleet, faults: FaultSettings(failTags: ["*-bad"]))
        #expect(failing.code == .rolledBack)
        #expect(failing.states == ["edge-001/web/web-01": "rolled back", "edge-002/web/web-01": "not started"])
    }

    @Test func aStopStartsNoMoreMembersAndLetsRunningOnesFinish() async throws {
        let fleet = DemoFleet(clusters: 6, releasesPerCluster: 1)
        let stopped = Mutex(false)
        let run = try await runFleet(
            Self.upgradeAll + "\nrollout web parallel 2 { upgrade; wait deployed }", fleet: fleet,
            hooks: FleetHooks(during: { event, interpreter in
                guard case .fleet(_, .member(_, .changing)) = event, !stopped.withLock({ $0 }) else { return }
                stopped.withLock { $0 = true }
                #expect(interpreter.stopStartingMembers())
            })
        ) { store, _ in
            #expect(Set(store.changeCounts().values) == [1])
        }
        #expect(run.code == .interrupted)
        let counts = Dictionary(uniqueKeysWithValues: run.summary!.counts.map { ($0.state, $0.count) })
        #expect(counts["succeeded"] == 2, "the two running members finished their block: \(counts)")
        #expect(counts["not started"] == 4)
    }

    @Test func withAThirdOfAnswersFaultedEveryMemberDeploysAndNoChangeIsAppliedTwice() async throws {
        let fleet = DemoFleet(clusters: 20, releasesPerCluster: 10)
        let faults = FaultSettings(errorRate: 0.2, errorStatuses: [500, 502, 503, 429], retryAfterSeconds: 0, dropRate: 0.12)
        let run = try await runFleet(
            Self.upgradeAll + "\nrollout web waves 1 10% rest parallel 32 halt after 1 { upgrade; wait deployed }", fleet: fleet, faults: faults
        ) { store, client in
            store.setFaults(FaultSettings())
            let releases = try await fleetReleases(client, fleet)
            #expect(releases.count == 200)
            #expect(Set(releases.values) == ["2 DEPLOYED"], "\(releases.filter { $0.value != "2 DEPLOYED" })")
            #expect(store.changeCounts().count == 200 && Set(store.changeCounts().values) == [1], "no change applied twice")
        }
        #expect(run.code == .success, "\(run.failure ?? ""): \(run.summary?.members.compactMap(\.state.reason) ?? [])")
    }

    @Test func expectsAndASoakReadThroughFaultsAsWaitsDo() async throws {
        let fleet = DemoFleet(clusters: 10, releasesPerCluster: 4)
        let faults = FaultSettings(errorRate: 0.3, errorStatuses: [500, 502, 503, 429], retryAfterSeconds: 0, dropRate: 0.15)
        let text = Self.upgradeAll
            + "\nset interval 50ms\nrollout web waves 50% rest parallel 8 soak 100ms { upgrade; wait deployed; expect tag == v2; expect status == deployed; expect version == 2; expect chart == shop-web }"
        let run = try await runFleet(text, fleet: fleet, faults: faults) { store, client in
            store.setFaults(FaultSettings())
            let releases = try await fleetReleases(client, fleet)
            #expect(releases.count == 40 && Set(releases.values) == ["2 DEPLOYED"], "\(releases.filter { $0.value != "2 DEPLOYED" })")
            #expect(Set(store.changeCounts().values) == [1], "no change applied twice")
        }
        #expect(run.code == .success, "\(run.failure ?? ""): \(run.summary?.members.compactMap(\.state.reason) ?? [])")
        #expect(run.summary?.tally == "all 40 members succeeded")
    }

    @Test func aPlanShowsTheWavesAndOneMembersCalls() async throws {
        let text = "group web = releases edge-001/web/web-01 edge-002/web/web-01 edge-003/web/web-01\nset tag v2\nrollout web waves 1 gate rest parallel 2 soak 1m { upgrade; wait deployed }"
        let (script, diagnostics) = Checker.diagnose(SourceFile(name: "p.rollout", text: text))
        #expect(diagnostics.isEmpty)
        let plan = await Planner.plan(script, name: "p.rollout") { call in WireRequest(method: "\(call)".prefix(12).description, path: "", body: nil) }.text
        #expect(plan.contains("3 members in 2 waves, 2 at a time; the first failure halts, then hold"), "\(plan)")
        #expect(plan.contains("wave 1: edge-001/web/web-01"), "\(plan)")
        #expect(plan.contains("gate 'wave-2': asks before wave 2"), "\(plan)")
        #expect(plan.contains("then soaks 1m and reads its members again"), "\(plan)")
        #expect(plan.contains("for one member, edge-001/web/web-01:"), "\(plan)")
        #expect(plan.contains("the same calls for each of the other 2 members"), "\(plan)")
    }
}
