import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import Testing

/// Analyses as a user runs them: the built command, a real Prometheus server scraping the emulator
/// every second, and a fleet whose one bad member must halt the rollout by what it measures.
@Suite struct AnalysisCommandTests {
    /// One shop-web release per member, `web-01` … `web-10`, on one cluster.
    static let fleet = DemoFleet(clusters: 1, releasesPerCluster: 10)

    /// The share of a release's requests answered with a 5xx over the last 5 s.
    static let errors = """
        analysis errors = prometheus "sum(rate(http_requests_total{cluster='${CLUSTER}',namespace='${NAMESPACE}',release='${RELEASE}',code=~'5..'}[5s])) / sum(rate(http_requests_total{cluster='${CLUSTER}',namespace='${NAMESPACE}',release='${RELEASE}'}[5s]))" < 0.01 every 1s failures 2
        """

    /// An emulator with the fleet and a Prometheus server scraping it, until `body` ends.
    static func withScrapedFleet(_ body: @Sendable (RolloutProcess, Emulator, PrometheusServer) async throws -> Void) async throws {
        let rollout = try RolloutProcess()
        try await withEmulator(deployTime: 0.3, configure: { $0.fleet = fleet }) { (_: AutopilotClient, emulator: Emulator) in
            let prometheus = try await PrometheusServer.start(scraping: try #require(emulator.url), home: rollout.home)
            do {
                // Every release has a ratio once two scrapes make a rate.
                _ = try await prometheus.waitForValue(of: #"count(http_requests_total{release="web-10",code="500"})"#)
                _ = try await prometheus.waitForValue(of: #"sum(rate(http_requests_total{release="web-10"}[5s]))"#)
                try await body(rollout, emulator, prometheus)
                await prometheus.stop()
            } catch {
                await prometheus.stop()
                throw error
            }
        }
    }

    /// The journal's lines.
    static func journal(_ rollout: RolloutProcess) throws -> [JSONValue] {
        try String(contentsOf: rollout.journal, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    /// The JSON lines of a run's standard output.
    static func events(_ output: String) throws -> [JSONValue] {
        try output.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try JSONValue.parse(String($0)) }
    }

    @Test func aSickMemberFailsItsAnalysisHaltsTheRolloutAndIsTheOnlyOneRolledBack() async throws {
        try await Self.withScrapedFleet { rollout, emulator, prometheus in
            // The sick member is the canary, then the second wave's, then one of the last wave drawn by
            // a seed. The soak (4 s) is the bound it must fail within: 2 failures of 1 s, one interval
            // and one scrape.
            var random = SplitMix64(seed: 26)
            for run in 1...3 {
                let sick = String(format: "web-%02d", run < 3 ? run : Int.random(in: 3...10, using: &random))
                emulator.store.setFaults(FaultSettings(sickReleases: [sick]))
                let script = Self.errors + """

                    group web = releases of chart shop-web in web on edge-001
                    set interval 100ms
                    rollout web waves 1, 10%, rest parallel 10 soak 4s analyze errors then rollback failed { set tag v\(run); upgrade; wait deployed }
                    """
                let result = try await rollout.run(
                    ["--endpoint", try #require(emulator.url).absoluteString, "--prometheus", prometheus.url.absoluteString, "--output", "json", "-c", script])
                #expect(result.code == ExitCode.rolledBack.rawValue, "run \(run), \(sick): \(result.all)")
                let events = try Self.events(result.out)
                let ended = try #require(events.last { $0["event"] == "rollout_ended" }?["rollout"]?["members"])
                guard case .array(let members) = ended else { throw CLIFailure("no members in \(ended)") }
                let states = Dictionary(uniqueKeysWithValues: members.map { ($0["member"]?.scalarText ?? "", $0["state"]?.scalarText ?? "") })
                let sickLabel = "edge-001/web/\(sick)"
                let sickWave = try #require(members.first { $0["member"]?.scalarText == sickLabel }?["wave"]?.scalarText.flatMap(Int.init))
                #expect(states[sickLabel] == "rolled back", "run \(run): \(states)")
                for member in members where member["member"]?.scalarText != sickLabel {
                    let wave = member["wave"]?.scalarText.flatMap(Int.init) ?? 0
                    // No false promotion: no wave after the sick member's started; no false halt: every
                    // member that ran succeeded and stays upgraded.
                    #expect(member["state"] == (wave > sickWave ? "not started" : "succeeded"), "run \(run), \(sick): \(member)")
                }
                // The sick member failed within its failure count, one interval and one scrape: at
                // most four measurements of one second.
                let measured = events.filter { $0["event"] == "measured" && $0["release"]?.scalarText == sickLabel }
                #expect(measured.last?["decided"] == true && measured.last?["verdict"] == "failed", "\(measured)")
                #expect(measured.count <= 4, "run \(run): \(measured.count) measurements of \(sick)")
                let healthy = events.filter { $0["event"] == "measured" && $0["release"]?.scalarText != sickLabel }
                // The members of earlier waves were measured, and passed every time.
                #expect(healthy.isEmpty == (sickWave == 1), "run \(run): \(healthy.count) measurements of healthy members")
                #expect(healthy.allSatisfy { $0["verdict"] == "passed" }, "run \(run): \(healthy.filter { $0["verdict"] != "passed" })")
                // Only the sick member was rolled back, and the journal holds the measurement that decided.
                let rollbacks = try Self.journal(rollout).filter { $0["action"] == "rollback" && $0["outcome"] == "applied" }
                #expect(rollbacks.count == run && rollbacks.last?["release"]?.scalarText == sick, "run \(run): \(rollbacks)")
                let decided = try Self.journal(rollout).filter { $0["kind"] == "analysis" && $0["release"]?.scalarText == sickLabel }
                #expect(decided.last?["verdict"] == "failed" && decided.last?["query"]?.scalarText?.contains("release='\(sick)'") == true)
                // The next run starts once the errors the sick version served are out of the window.
                _ = try await prometheus.waitFor(#"sum(rate(http_requests_total{release="\#(sick)",code="500"}[5s])) == 0"#)
            }
        }
    }

    @Test func verifyAfterAnUpgradeRollsBackASickReleaseAndPassesAHealthyOne() async throws {
        try await Self.withScrapedFleet { rollout, emulator, prometheus in
            let target = ["--endpoint", try #require(emulator.url).absoluteString, "--prometheus", prometheus.url.absoluteString]
            let script = Self.errors + "\nuse cluster edge-001\nuse namespace web\nset interval 100ms\n"
            let healthy = try await rollout.run(target + ["-c", script + "set tag v2\nupgrade web-01\nwait deployed\nverify errors during 3s\nelse rollback"])
            #expect(healthy.code == 0, "\(healthy.all)")
            #expect(healthy.out.contains("✔ verify errors during 3s: 0 is < 0.01"), "\(healthy.out)")
            let sick = try await rollout.run(target + ["-c", script + "set tag v2-sick\nupgrade web-02\nwait deployed\nverify errors during 5s\nelse rollback"])
            #expect(sick.code == ExitCode.recovered.rawValue, "\(sick.all)")
            #expect(sick.err.contains("analysis errors failed for edge-001/web/web-02:"), "\(sick.err)")
            #expect(sick.out.contains("rollback web-02"), "\(sick.out)")
            // No data fails by default; `no-data ok` passes it.
            let absent = "analysis absent = prometheus \"sum(rate(http_requests_total{release='no-such'}[5s]))\" > 1"
            let none = try await rollout.run(target + ["-c", absent + "\nuse cluster edge-001\nverify absent for web-03 in web"])
            #expect(none.code == ExitCode.stepFailed.rawValue && none.err.contains("no data: the query found no series"), "\(none.all)")
            let allowed = try await rollout.run(target + ["-c", absent + " no-data ok\nuse cluster edge-001\nverify absent for web-03 in web"])
            #expect(allowed.code == 0, "\(allowed.all)")
            // The server's own words for a query it cannot parse, at the statement's place.
            let broken = try await rollout.run(target + ["-c", "analysis bad = prometheus \"sum(rate(x[1m]\" < 1\nuse cluster edge-001\nverify bad for web-03 in web"])
            #expect(broken.err.contains("-c:3: verify bad for web-03 in web: analysis bad failed") && broken.err.contains("bad_data"), "\(broken.err)")
        }
    }

    @Test func anHTTPProbeChecksStatusAndBodyOfALocalServer() async throws {
        let rollout = try RolloutProcess()
        try await withEmulator { (_: AutopilotClient, emulator: Emulator) in
            // The emulator's /metrics is a local server with a known body.
            let metrics = try #require(emulator.url).appendingPathComponent("metrics").absoluteString
            let target = ["--endpoint", try #require(emulator.url).absoluteString]
            let script = """
                analysis up = http GET "\(metrics)" expect 200 contains "http_requests_total" timeout 5s
                analysis wrong = http "\(metrics)" expect 200 contains "no such text"
                analysis gone = http "\(try #require(emulator.url).appendingPathComponent("no-such-page").absoluteString)" expect 200
                use cluster demo
                use release testwww
                verify up
                """
            let passed = try await rollout.run(target + ["-c", script])
            #expect(passed.code == 0 && passed.out.contains("✔ verify up: HTTP 200"), "\(passed.all)")
            let body = try await rollout.run(target + ["-c", script + "\nverify wrong"])
            #expect(body.err.contains("HTTP 200, and the body does not contain \"no such text\""), "\(body.all)")
            let status = try await rollout.run(target + ["-c", script + "\nverify gone"])
            #expect(status.err.contains("not the expected 200"), "\(status.all)")
        }
    }
}
