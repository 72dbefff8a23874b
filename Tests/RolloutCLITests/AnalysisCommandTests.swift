import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import RolloutSyntax
import Testing

/// Analyses as a user runs them: the built command, a real Prometheus server scraping the emulator
/// every second, and a fleet whose one bad member must halt the rollout by what it measures. One test
/// at a time: each starts a Prometheus server, and several at once on a small machine would slow the
/// suites beside them.
@Suite(.serialized) struct AnalysisCommandTests {
    /// One shop-web release per member, `web-01` … `web-10`, on one cluster.
    static let fleet = DemoFleet(clusters: 1, releasesPerCluster: 10)

    /// The share of a release's requests answered with a 5xx over the last 5 s, asked of `source`.
    static func errors(from source: AnalysisSource) -> String {
        "analysis errors = \(source.rawValue) " + """
            "sum(rate(http_requests_total{cluster='${CLUSTER}',namespace='${NAMESPACE}',release='${RELEASE}',code=~'5..'}[5s])) / sum(rate(http_requests_total{cluster='${CLUSTER}',namespace='${NAMESPACE}',release='${RELEASE}'}[5s]))" < 0.01 every 1s failures 2
            """
    }

    static let errors = errors(from: .prometheus)

    /// An emulator with the fleet and a Prometheus server scraping it (also behind the emulator's
    /// AOM API), until `body` ends.
    static func withScrapedFleet(_ body: @Sendable (RolloutProcess, Emulator, PrometheusServer) async throws -> Void) async throws {
        let rollout = try RolloutProcess()
        try await withEmulator(deployTime: 0.3, configure: { $0.fleet = fleet }) { (_: AutopilotClient, emulator: Emulator) in
            let prometheus = try await PrometheusServer.start(scraping: try #require(emulator.url), home: rollout.home)
            emulator.serveAOM(from: prometheus.url)
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

    /// Through Prometheus, and through the emulator's AOM API, signed as the release calls are.
    @Test(arguments: [AnalysisSource.prometheus, .aom])
    func aSickMemberFailsItsAnalysisHaltsTheRolloutAndIsTheOnlyOneRolledBack(source: AnalysisSource) async throws {
        try await Self.withScrapedFleet { rollout, emulator, prometheus in
            // The sick member is the canary, then the second wave's, then one of the last wave drawn by
            // a seed. The soak (4 s) is the bound it must fail within: 2 failures of 1 s, one interval
            // and one scrape.
            var random = SplitMix64(seed: 26)
            for run in 1...3 {
                let sick = String(format: "web-%02d", run < 3 ? run : Int.random(in: 3...10, using: &random))
                emulator.store.setFaults(FaultSettings(sickReleases: [sick]))
                let script = Self.errors(from: source) + """

                    group web = releases of chart shop-web in web on edge-001
                    set interval 100ms
                    rollout web waves 1, 10%, rest parallel 10 soak 4s analyze errors then rollback failed { set tag v\(run); upgrade; wait deployed }
                    """
                // AOM is the target itself, an emulator: no --prometheus needed.
                let named = source == .prometheus ? ["--prometheus", prometheus.url.absoluteString] : []
                let result = try await rollout.run(["--endpoint", try #require(emulator.url).absoluteString] + named + ["--output", "json", "-c", script])
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

    @Test func aPrometheusThatAsksForAPasswordGetsItAndItIsShownNowhere() async throws {
        let rollout = try RolloutProcess()
        try await withEmulator { (_: AutopilotClient, emulator: Emulator) in
            let prometheus = try await PrometheusServer.start(scraping: try #require(emulator.url), home: rollout.home, withBasicAuth: true)
            do {
                let target = ["doctor", "--endpoint", try #require(emulator.url).absoluteString, "--prometheus", prometheus.url.absoluteString]
                let user = ["--prometheus-user", PrometheusServer.user]
                let right = try await rollout.run(target + user, extraEnvironment: ["ROLLOUT_PROMETHEUS_PASSWORD": PrometheusServer.password])
                #expect(right.code == 0 && right.out.contains("✔ prometheus"), "\(right.all)")
                let wrong = try await rollout.run(target + user + ["-v"], extraEnvironment: ["ROLLOUT_PROMETHEUS_PASSWORD": "not-the-password-4711"])
                #expect(wrong.code == 1 && wrong.out.contains("✘ prometheus") && wrong.out.contains("401"), "\(wrong.all)")
                #expect(!right.all.contains(PrometheusServer.password) && !wrong.all.contains("not-the-password-4711"))
                await prometheus.stop()
            } catch {
                await prometheus.stop()
                throw error
            }
        }
    }

    @Test func theBoardShowsEachMembersAnalyses() async throws {
        try await Self.withScrapedFleet { rollout, emulator, prometheus in
            let file = rollout.home.appendingPathComponent("board.rollout")
            try (Self.errors + "\ngroup web = releases edge-001/web/web-01 edge-001/web/web-02\nset interval 100ms\n"
                + "rollout web waves 1 rest soak 3s analyze errors { set tag v2; upgrade; wait deployed }\n").write(to: file, atomically: true, encoding: .utf8)
            let kept = rollout.environment.filter { ["HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "PATH"].contains($0.key) }
            let command = "env -u NO_COLOR " + kept.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
                + " TERM=xterm \(RolloutProcess.binary) --endpoint \(try #require(emulator.url).absoluteString) --prometheus \(prometheus.url.absoluteString) \(file.path)"
            let pane = TmuxPane()
            defer { pane.killSoon() }
            try await pane.start(command)
            // The canary's row: its state, then its analysis's last value and passed measurements.
            let live = try await pane.waitFor("errors 0 ✔", timeout: 30)
            #expect(live.contains("soaking 3s after wave 1, measuring each member by errors"), "\(live)")
            _ = try await pane.waitFor("rollout web succeeded in", timeout: 30)
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
            // A dry run measures and records what it would have done, and changes nothing.
            let dry = Self.errors.replacingOccurrences(of: "analysis errors =", with: "analysis watch =").replacingOccurrences(of: "failures 2", with: "failures 2 dry-run")
            let dryRun = try await rollout.run(target + ["-c", dry + "\n" + script + "set tag v3-sick\nupgrade web-04\nwait deployed\nverify watch during 10s\nelse rollback"])
            #expect(dryRun.code == 0 && dryRun.out.contains("(dry run) would have failed: analysis watch failed for edge-001/web/web-04"), "\(dryRun.all)")
            #expect(!dryRun.out.contains("rollback web-04"), "\(dryRun.out)")
            let recorded = try Self.journal(rollout).filter { $0["kind"] == "analysis" && $0["analysis"] == "watch" }
            #expect(recorded.count == 1 && recorded[0]["dry_run"] == true && recorded[0]["verdict"] == "failed", "\(recorded)")
            // No data fails by default; `no-data ok` passes it.
            let absent = "analysis absent = prometheus \"sum(rate(http_requests_total{release='no-such'}[5s]))\" > 1"
            let none = try await rollout.run(target + ["-c", absent + "\nuse cluster edge-001\nverify absent for web-03 in web"])
            #expect(none.code == ExitCode.stepFailed.rawValue && none.err.contains("no data: the query found no series"), "\(none.all)")
            let allowed = try await rollout.run(target + ["-c", absent + " no-data ok\nuse cluster edge-001\nverify absent for web-03 in web"])
            #expect(allowed.code == 0, "\(allowed.all)")
            // doctor asks both sources a query; a server that does not answer fails it.
            let doctor = try await rollout.run(["doctor"] + target)
            #expect(doctor.code == 0, "\(doctor.all)")
            #expect(doctor.out.contains("✔ prometheus  \(prometheus.url.absoluteString) answered a query"), "\(doctor.out)")
            #expect(doctor.out.contains("✔ aom         \(try #require(emulator.url).absoluteString) answered a signed query"), "\(doctor.out)")
            let nowhere = try await rollout.run(["doctor", target[0], target[1], "--prometheus", "http://127.0.0.1:\(try FreePort.take())"])
            #expect(nowhere.code == 1 && nowhere.out.contains("✘ prometheus"), "\(nowhere.all)")
            // The server's own words for a query it cannot parse, at the statement's place.
            let broken = try await rollout.run(target + ["-c", "analysis bad = prometheus \"sum(rate(x[1m]\" < 1\nuse cluster edge-001\nverify bad for web-03 in web"])
            #expect(broken.err.contains("-c:3: verify bad for web-03 in web: analysis bad failed") && broken.err.contains("bad_data"), "\(broken.err)")
        }
    }

    @Test func aPlanListsTheAnalysesOfEachMemberWithTheirQueriesWritten() async throws {
        let rollout = try RolloutProcess()
        let script = rollout.home.appendingPathComponent("plan.rollout")
        try """
            analysis errors = aom "sum(rate(x{release='${RELEASE}',cluster='${CLUSTER}'}[1m]))" < 0.01 every 5s failures 2
            analysis up = prometheus "min(up)" == 1
            group web = releases edge-001/web/web-01 edge-002/web/web-01
            rollout web waves 1 gate "health" analysis up rest analyze errors { set tag v2; upgrade; wait deployed; verify errors during 1m }
            """.write(to: script, atomically: true, encoding: .utf8)
        let plan = try await rollout.run(["plan", script.path], extraEnvironment: ["ROLLOUT_EMULATOR_FLEET": "2x1"])
        #expect(plan.code == 0, "\(plan.all)")
        for line in [
            "edge-001/web/web-01: errors: aom \"sum(rate(x{release='web-01',cluster='edge-001'}[1m]))\" < 0.01 (every 5s, failing at 2 failed)",
            "edge-002/web/web-01: errors: aom \"sum(rate(x{release='web-01',cluster='edge-002'}[1m]))\" < 0.01 (every 5s, failing at 2 failed)",
            "gate 'health': waits for up to pass (prometheus \"min(up)\" == 1), then opens wave 2",
            "verify errors during 1m",
            "(measures errors every 5s for 1m: aom \"sum(rate(x{release='web-01',cluster='edge-001'}[1m]))\" < 0.01)",
        ] {
            #expect(plan.out.contains(line), "\(line)\n\(plan.out)")
        }
    }

    @Test func theEmulatorsAOMAPIIsSignedAndNamesItsProject() async throws {
        try await withEmulator { (client: AutopilotClient, emulator: Emulator) in
            let url = try #require(emulator.url)
            let project = EmulatorCredentials.localProjectID
            let unsigned = try await RawRequest(method: "POST", path: "/v1/\(project)/aom/api/v1/query", query: "query=up").send(to: url)
            #expect(unsigned.status == 401, "\(unsigned.body)")
            // Signed, it is answered: here by saying no Prometheus is behind it.
            let signed = client.aom(at: Endpoint(url: url))
            let refused = await #expect(throws: AutopilotError.self) { try await signed.query("up") }
            #expect(refused?.description.contains("AOM at \(url.absoluteString) refused the query: unavailable: the emulator has no Prometheus behind its AOM API") == true, "\(String(describing: refused))")
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
                analysis healthy = http "\(try #require(emulator.url).appendingPathComponent("_emulator/health").absoluteString)" expect 200 json status == ok
                analysis unwell = http "\(try #require(emulator.url).appendingPathComponent("_emulator/health").absoluteString)" expect 200 json status == degraded
                use cluster demo
                use release testwww
                verify up
                """
            let passed = try await rollout.run(target + ["-c", script])
            #expect(passed.code == 0 && passed.out.contains("✔ verify up: HTTP 200"), "\(passed.all)")
            let body = try await rollout.run(target + ["-c", script + "\nverify wrong"])
            #expect(body.err.contains("HTTP 200, and the body does not contain \"no such text\""), "\(body.all)")
            let json = try await rollout.run(target + ["-c", script + "\nverify healthy\nverify unwell"])
            #expect(json.out.contains("✔ verify healthy: HTTP 200, status is ok"), "\(json.all)")
            #expect(json.err.contains("HTTP 200, and status is ok, not == degraded"), "\(json.all)")
            let status = try await rollout.run(target + ["-c", script + "\nverify gone"])
            #expect(status.err.contains("not the expected 200"), "\(status.all)")
            // A gate an HTTP probe decides: open when the page answers, holding the rollout when it does not.
            let rollout2 = "group w = releases demo/monitoring/testwww demo/shop/shop-web\nset interval 100ms\n"
                + "rollout w waves 1 gate \"probe\" analysis GATE rest { set tag v7; upgrade; wait deployed }"
            let opened = try await rollout.run(target + ["-c", script + "\n" + rollout2.replacingOccurrences(of: "GATE", with: "up")])
            #expect(opened.code == 0 && opened.out.contains("gate 'probe' passed: analysis up passed: HTTP 200"), "\(opened.all)")
            let held = try await rollout.run(target + ["-c", script + "\n" + rollout2.replacingOccurrences(of: "GATE", with: "gone")])
            #expect(held.code == ExitCode.halted.rawValue && held.all.contains("gate 'probe' not passed: analysis gone failed"), "\(held.all)")
            // A secret in a probe's URL is sent, and shown nowhere: not in the output, the JSON or the journal.
            let secret = "probe-token-7f3a9c"
            let withToken = "analysis keyed = http \"\(metrics)?token=${PROBE_TOKEN}\" expect 200\nuse cluster demo\nverify keyed for testwww"
            for format in ["human", "json"] {
                let keyed = try await rollout.run(target + ["--output", format, "-c", withToken, "--", "PROBE_TOKEN=\(secret)"])
                #expect(keyed.code == 0 && (format == "human" || keyed.out.contains("token=******")), "\(keyed.all)")
                #expect(!keyed.all.contains(secret))
            }
            let journal = try String(contentsOf: rollout.journal, encoding: .utf8)
            #expect(journal.contains("\"kind\":\"analysis\"") && journal.contains("token=******") && !journal.contains(secret), "\(journal)")
        }
    }
}
