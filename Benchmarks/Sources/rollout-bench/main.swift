// rollout-bench: the Swift side of scripts/bench. Each subcommand prints one JSON line.
import ArgumentParser
import AsyncHTTPClient
import AutopilotClient
import AutopilotEmulator
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import RolloutSyntax
import Synchronization

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout-bench", abstract: "Measurements for scripts/bench.",
        subcommands: [Latency.self, FleetSetup.self, Fleet.self, BareServer.self, CheckPhases.self, RawLatency.self])
}

func client(_ url: String) throws -> AutopilotClient {
    guard let endpoint = Endpoint(string: url) else { throw ValidationError("bad --url") }
    return try AutopilotClient(
        configuration: AutopilotConfiguration(endpoint: endpoint, credentials: EmulatorCredentials.localDefaults.clientCredentials))
}

func seconds(since start: ContinuousClock.Instant) -> Double { seconds(ContinuousClock.now - start) }

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// `count` sequential `show` calls over one keep-alive connection.
struct Latency: AsyncParsableCommand {
    @Option var url: String
    @Option var count = 2000

    func run() async throws {
        let api = try client(url)
        _ = try await api.release("testwww", in: "monitoring", cluster: DemoData.demoClusterID)
        let start = ContinuousClock.now
        for _ in 0..<count { _ = try await api.release("testwww", in: "monitoring", cluster: DemoData.demoClusterID) }
        let total = seconds(since: start)
        try await api.shutdown()
        print(#"{"seconds":\#(total),"per_call_ms":\#(total * 1000 / Double(count))}"#)
    }
}

/// Installs `releases` releases (svc-0 …) and waits until they are deployed.
struct FleetSetup: AsyncParsableCommand {
    @Option var url: String
    @Option var releases = 1000

    func run() async throws {
        let api = try client(url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<releases {
                if index >= 64 { try await group.next() }
                group.addTask {
                    _ = try await api.install(
                        release: "svc-\(index)", in: "default", cluster: DemoData.demoClusterID,
                        chart: DemoData.redisChartID, chartVersion: "7.2.4")
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .seconds(1))
        try await api.shutdown()
        print(#"{"installed":\#(releases)}"#)
    }
}

/// Upgrades every release, `concurrency` at a time, each waited to DEPLOYED by polling (every 20 ms unless
/// told otherwise); prints the time, the mean upgrade call and the polls per release.
struct Fleet: AsyncParsableCommand {
    @Option var url: String
    @Option var releases = 1000
    @Option var concurrency = 64
    @Option var tag = "bench"
    @Option(help: "The first poll interval in ms.") var pollMs = 20
    @Option(help: "How much longer each interval is than the one before (1: a fixed interval).") var backoff = 1.0

    func run() async throws {
        let api = try client(url)
        let (pollMs, backoff) = (pollMs, backoff)
        let tally = FleetTally()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<releases {
                if index >= concurrency { try await group.next() }
                group.addTask {
                    let name = "svc-\(index)"
                    let asked = ContinuousClock.now
                    let upgraded = try await api.upgrade(
                        release: name, in: "default", cluster: DemoData.demoClusterID, chart: DemoData.redisChartID,
                        values: ReleaseValues(imageTag: tag))
                    tally.add(upgrade: ContinuousClock.now - asked)
                    var delay = Duration.milliseconds(pollMs)
                    while true {
                        try await Task.sleep(for: delay)
                        delay = min(delay * backoff, .seconds(10))
                        let now = try await api.release(name, in: "default", cluster: DemoData.demoClusterID)
                        tally.addPoll()
                        if now.version >= upgraded.version && now.status == .deployed { return }
                        if now.status.isFailure { throw ValidationError("\(name) failed") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = seconds(since: start)
        try await api.shutdown()
        let (upgradeSeconds, polls) = tally.totals
        print(#"{"seconds":\#(total),"upgrade_ms":\#(upgradeSeconds * 1000 / Double(releases)),"polls_per_release":\#(Double(polls) / Double(releases))}"#)
    }
}

/// What the fleet's calls took: upgrade time in all, and the number of polls.
final class FleetTally: Sendable {
    private let state = Mutex<(upgradeSeconds: Double, polls: Int)>((0, 0))
    func add(upgrade: Duration) { state.withLock { $0.upgradeSeconds += seconds(upgrade) } }
    func addPoll() { state.withLock { $0.polls += 1 } }
    var totals: (Double, Int) { state.withLock { ($0.upgradeSeconds, $0.polls) } }
}

/// A bare Hummingbird route that answers every GET with the bytes of a file.
struct BareServer: AsyncParsableCommand {
    @Option var bodyFile: String

    func run() async throws {
        let body = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: bodyFile)))
        let router = Router()
        router.get("**") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        var logger = Logger(label: "bare")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
            }, logger: logger)
        try await app.runService()
    }
}

/// Where `rollout check`'s time goes: reading the file, the lexer alone, the lexer and parser, and the
/// whole check, each the best of five runs in one process (no process start).
struct CheckPhases: AsyncParsableCommand {
    @Option var file: String

    func run() async throws {
        func best(_ body: () throws -> Int) rethrows -> (Double, Int) {
            var fastest = Double.infinity
            var count = 0
            for _ in 0..<5 {
                let start = ContinuousClock.now
                count = try body()
                fastest = min(fastest, seconds(since: start))
            }
            return (fastest, count)
        }
        // As `rollout check` reads a file: the text, its bytes and its line starts.
        let load = try best { SourceFile(name: file, text: try String(contentsOfFile: file, encoding: .utf8)).text.utf8.count }
        let source = SourceFile(name: file, text: try String(contentsOfFile: file, encoding: .utf8))
        let lex = best {
            var lexer = Lexer(source)
            var tokens = 0
            while lexer.next().kind != .end { tokens += 1 }
            return tokens
        }
        let parse = best { Parser.parse(source).script.statements.count }
        let check = best { Checker.diagnose(source, scope: CheckScope(clusterInUse: true)).diagnostics.count }
        print(#"{"load_ms":\#(load.0 * 1000),"lex_ms":\#(lex.0 * 1000),"tokens":\#(lex.1),"parse_ms":\#(parse.0 * 1000),"statements":\#(parse.1),"check_ms":\#(check.0 * 1000),"problems":\#(check.1)}"#)
    }
}

/// The transport's floor: `count` sequential `show` calls with async-http-client alone (token auth,
/// no generated client, no signing, nothing decoded), over one keep-alive connection.
struct RawLatency: AsyncParsableCommand {
    @Option var url: String
    @Option var count = 2000

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let target = url + "/autopilot/cam/v3/clusters/\(DemoData.demoClusterID)/namespace/monitoring/releases/testwww"
        let start = ContinuousClock.now
        for _ in 0..<count {
            var request = HTTPClientRequest(url: target)
            request.headers.add(name: "X-Auth-Token", value: EmulatorCredentials.localToken)
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
        }
        let total = seconds(since: start)
        try await client.shutdown()
        print(#"{"per_call_ms":\#(total * 1000 / Double(count))}"#)
    }
}

