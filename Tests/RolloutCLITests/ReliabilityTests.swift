import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Synchronization
import Testing

/// A standalone `rollout emulator` process, for kill -9.
struct EmulatorProcess {
    let child: Child
    let url: URL

    /// Starts the emulator and returns once it says where it listens.
    static func start(_ rollout: RolloutProcess, arguments: [String]) async throws -> EmulatorProcess {
        let child = Child.start(RolloutProcess.binary, ["emulator", "--port", "0"] + arguments, environment: rollout.environment)
        let text = await child.firstLine.value
        guard let url = URL(string: String(text.split(separator: " ").last ?? "")) else {
            await child.kill()
            throw CLIFailure("the emulator did not start: \(text)")
        }
        return EmulatorProcess(child: child, url: url)
    }

    /// A count of the control endpoint: `changes` (accepted changes per release) or `requests`
    /// (API requests `admitted` and `throttled`).
    func counts(_ what: String) async throws -> [String: Int] {
        let answer = try await RawRequest(method: "GET", path: "/_emulator/\(what)").send(to: url)
        return (try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Int]) ?? [:]
    }

    /// Waits until the emulator has let `count` API requests through.
    func waitForAdmittedRequests(_ count: Int) async throws {
        try await EveryRunTests.waitUntil("the emulator to admit \(count) requests") {
            try await counts("requests")["admitted", default: 0] >= count
        }
    }

    /// Kills the emulator with SIGKILL and waits until it is gone.
    func kill9() async { await child.kill() }

    /// Kills the emulator without waiting (for `defer`).
    func kill9Soon() { child.signal(SIGKILL) }

    var configuration: AutopilotConfiguration {
        var configuration = AutopilotConfiguration(endpoint: Endpoint(url: url), credentials: EmulatorCredentials.localDefaults.clientCredentials)
        configuration.retry = .never
        return configuration
    }
}

/// The highest answered version per release.
final class Versions: Sendable {
    private let versions = Mutex<[String: Int]>([:])
    func record(_ name: String, _ version: Int) { versions.withLock { $0[name] = max($0[name] ?? 0, version) } }
    var all: [String: Int] { versions.withLock { $0 } }
}

struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite(.serialized) struct ReliabilityTests {
    @Test func answeredUpgradesSurviveKill9OfTheEmulator() async throws {
        let rollout = try RolloutProcess()
        let state = rollout.home.appendingPathComponent("state.sqlite").path
        let first = try await EmulatorProcess.start(rollout, arguments: ["--state", state, "--deploy-time", "0s"])
        let releases = [("testwww", "monitoring"), ("shop-web", "shop"), ("redis-cache", "default")]
        let answered = Versions()
        let client = try AutopilotClient(configuration: first.configuration)
        let charts = Dictionary(uniqueKeysWithValues: try await client.charts().map { ("\($0.name) \($0.version)", $0.id) })
        await withTaskGroup(of: Void.self) { group in
            for (name, namespace) in releases {
                group.addTask {
                    while true {
                        guard let current = try? await client.release(name, in: namespace, cluster: demoCluster),
                            let chart = charts["\(current.chartName) \(current.chartVersion)"],
                            let upgraded = try? await client.upgrade(
                                release: name, in: namespace, cluster: demoCluster, chart: chart,
                                values: ReleaseValues(imageTag: "v\(current.version + 1)"))
                        else { return }
                        answered.record(name, upgraded.version)
                    }
                }
            }
            // Kill in full flow: once every release has had a few upgrades answered (each started below version 4).
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(20), answered.all.count < releases.count || answered.all.values.contains(where: { $0 < 8 }) {
                try? await Task.sleep(for: .milliseconds(100))
            }
            await first.kill9()
        }
        try? await client.shutdown()
        let acknowledged = answered.all
        #expect(acknowledged.count == releases.count, "upgrades were answered before the kill: \(acknowledged)")

        let second = try await EmulatorProcess.start(rollout, arguments: ["--state", state])
        defer { second.kill9Soon() }
        try await AutopilotClient.with(second.configuration) { client in
            for (name, namespace) in releases {
                let history = try await client.history(of: name, in: namespace, cluster: demoCluster)
                let last = try #require(acknowledged[name])
                #expect(history.map(\.version).contains(last), "\(name) version \(last) was answered and must survive")
                #expect(history.first { $0.version == last }?.imageTag == "v\(last)")
            }
        }
    }

    @Test func everyChangeThatReachedTheEmulatorIsJournaledDespiteKill9() async throws {
        let rollout = try RolloutProcess()
        let emulator = try await EmulatorProcess.start(rollout, arguments: ["--deploy-time", "0s"])
        defer { emulator.kill9Soon() }
        var script = "use cluster demo\nuse namespace monitoring\n"
        for index in 1...400 { script += "set tag t\(index)\nupgrade testwww\n" }
        let file = rollout.home.appendingPathComponent("many.rollout")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let running = try rollout.start(["--endpoint", emulator.url.absoluteString, file.path])
        // Killed in the middle: after a few upgrades were put on record, long before the 400th.
        try await EveryRunTests.waitUntil("ten upgrades on record", limit: .seconds(30)) {
            ((try? String(contentsOf: rollout.journal, encoding: .utf8)) ?? "").components(separatedBy: #""outcome":"sending""#).count > 10
        }
        await running.kill()
        let counts = try await AutopilotClient.with(emulator.configuration) { client in
            try await client.release("testwww", in: "monitoring", cluster: demoCluster).version - 3
        }
        let journal = try String(contentsOf: rollout.journal, encoding: .utf8)
        let intents = journal.split(separator: "\n").filter { $0.contains(#""outcome":"sending""#) }.count
        #expect(counts > 5, "the script was upgrading when it was killed")
        #expect(intents >= counts, "every upgrade the emulator applied (\(counts)) has a journal line (\(intents))")
        #expect(intents <= counts + 1)
    }

    @Test func noChangeIsAppliedTwiceUnderErrorsAndDroppedConnections() async throws {
        try await withEmulator(deployTime: 0) { client, emulator in
            let names = (1...50).map { "svc-\($0)" }
            for name in names {
                _ = try await client.install(release: name, in: "default", cluster: demoCluster, chart: DemoData.redisChartID, chartVersion: "7.2.4")
            }
            emulator.store.setFaults(FaultSettings(errorRate: 0.3, errorStatuses: [500, 502, 503, 429], retryAfterSeconds: 0, dropRate: 0.1))
            let rollout = try RolloutProcess()
            let script = "use cluster demo\nuse namespace default\n" + names.map { "set tag 8.0.0\nupgrade \($0)\n" }.joined()
            let file = rollout.home.appendingPathComponent("fleet.rollout")
            try script.write(to: file, atomically: true, encoding: .utf8)
            let result = try await rollout.run(["--endpoint", emulator.url!.absoluteString, file.path], timeout: .seconds(120))
            emulator.store.setFaults(FaultSettings())
            let counts = emulator.store.changeCounts()
            for name in names {
                let count = counts["\(demoCluster)/default/\(name)"] ?? 0
                #expect(count <= 2, "\(name) was changed \(count - 1) times by one upgrade")
            }
            if result.code == 0 {
                for name in names {
                    #expect(try await client.release(name, in: "default", cluster: demoCluster).version == 2)
                }
            } else {
                #expect(result.code == 1)
                // A clear error: the change's outcome, or a read that failed on every try.
                #expect(
                    ["outcome unknown", "HTTP 50", "HTTP 429", "transport failure", "connection closed"].contains { result.err.contains($0) },
                    "\(result.err)")
            }
        }
    }

    @Test func secretsNeverReachOutputJournalOrHistory() async throws {
        let sk = "SK-known-secret-4711"
        let token = "TOKEN-known-secret-0815"
        let password = "pw-known-secret-1234"
        let rollout = try RolloutProcess()
        let script = """
            use cluster demo
            use namespace monitoring
            let DB_PASSWORD = \(password)
            set tag v8
            set value basic.mysql_password = ${DB_PASSWORD}
            set value basic.admin_password = \(password)
            upgrade testwww
            show testwww
            history testwww
            echo "the password is" ${DB_PASSWORD}
            expect value basic.mysql_password == wrong
            """
        let file = rollout.home.appendingPathComponent("secret.rollout")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let environment = ["CLOUD_SDK_SK": sk, "CLOUD_SDK_TOKEN": token, "CLOUD_SDK_AK": "AKNOTSECRET"]
        var outputs: [String] = []
        for arguments in [[file.path], ["--debug", file.path], ["--output", "json", file.path], ["plan", file.path], ["check", file.path]] {
            outputs.append(try await rollout.run(arguments, extraEnvironment: environment).all)
        }
        outputs.append(try await rollout.run(["--endpoint", "http://127.0.0.1:1", "-c", "charts"], extraEnvironment: environment, timeout: .seconds(30)).all)
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(PromptTests.command(rollout) + " --step " + file.path)
        try await pane.answerEveryQuestion("run?", with: "Enter")
        outputs.append(try await pane.screen())
        let prompt = TmuxPane()
        defer { prompt.killSoon() }
        try await prompt.start(PromptTests.command(rollout))
        try await prompt.waitFor("rollout demo/default>")
        try await prompt.send("let API_TOKEN = \(password)", "Enter")
        try await prompt.waitFor("API_TOKEN set")
        // Clear what the terminal echoed of the typing; what rollout prints is checked below.
        try await prompt.send("C-l")
        try await prompt.send("vars", "Enter")
        try await prompt.waitFor("API_TOKEN = ******")
        outputs.append(try await prompt.screen())
        try await prompt.send("exit", "Enter")
        try await prompt.waitForCommand("sleep")
        let journal = (try? String(contentsOf: rollout.journal, encoding: .utf8)) ?? ""
        let history = (try? String(contentsOf: rollout.home.appendingPathComponent("state/rollout/history"), encoding: .utf8)) ?? ""
        #expect(journal.contains("upgrade"), "the journal was written")
        #expect(history.contains("API_TOKEN"), "the history was written")
        for (index, text) in (outputs + [journal, history]).enumerated() {
            for secret in [sk, token, password] {
                #expect(!text.contains(secret), "output \(index) shows a secret:\n\(text)")
            }
        }
    }

    @Test func turningOffTLSVerificationWarnsOnEveryRun() async throws {
        let rollout = try RolloutProcess()
        for _ in 0..<2 {
            let result = try await rollout.run(
                ["--endpoint", "https://127.0.0.1:1", "--insecure-skip-tls-verify", "-c", "charts"],
                extraEnvironment: ["CLOUD_SDK_AK": "ak", "CLOUD_SDK_SK": "sk"], timeout: .seconds(30))
            #expect(result.err.hasPrefix("warning: TLS certificate verification is off"))
            #expect(result.code == 1)
        }
    }
}
