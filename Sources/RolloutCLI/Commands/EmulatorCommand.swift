import ArgumentParser
import AutopilotClient
import AutopilotEmulator
import Foundation
import RolloutSyntax

/// `rollout emulator`: the local CCE Autopilot API, standalone.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the local CCE Autopilot release API until Ctrl-C.",
        discussion: """
            Serves the 14 release and chart operations with demo data, checks SDK-HMAC-SHA256 signatures, \
            and injects faults on request. Change faults while it runs with PUT /_emulator/faults.
            """)

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one.") var port = 8080
    @Option(help: "Keep state in this SQLite file, so it survives restarts.") var state: String?
    @Option(help: "How long a change stays PENDING_* (e.g. 2s, 200ms).", transform: parseDuration) var deployTime: Duration = .seconds(2)
    @Option(name: .customLong("fail-tag"), help: "Deploys of image tags matching this pattern fail (repeatable).") var failTags: [String] = []
    @Option(name: .customLong("fail-release"), help: "Deploys of this release fail (repeatable; patterns).") var failReleases: [String] = []
    @Option(name: .customLong("stuck-release"), help: "Changes to this release stay PENDING_* (repeatable; '*' for all).") var stuckReleases: [String] = []
    @Option(name: .customLong("sick-release"), help: "Upgrades of this release deploy but serve a fifth of their requests with 500, as a -sick tag does (repeatable; patterns).") var sickReleases: [String] = []
    @Option(help: "Latency added to every answer (e.g. 200ms).", transform: parseDuration) var latency: Duration = .zero
    @Option(help: "Share of requests (0 to 1) answered with an error status instead.") var errorRate: Double = 0
    @Option(name: .customLong("error-status"), help: "Statuses --error-rate answers with (repeatable).") var errorStatuses: [Int] = [500, 503, 429]
    @Option(help: "Share of requests (0 to 1) whose connection drops after handling.") var dropRate: Double = 0
    @Option(help: "Requests a second answered; the rest get 429 CCE.02429001 with Retry-After (0: no limit).") var rateLimit: Double = 0
    @Option(help: "Changes under way at once before the next gets 429 CCE.01429003 (0: no limit).") var concurrentChanges = 0
    @Option(help: "The generated fleet of edge clusters, \(DemoFleet.form) (default \(DemoFleet.standard.spelling), or $\(EmulatorFleet.variable)).")
    var fleet: String?
    @Option(name: .customLong("aom-backend"), help: "The Prometheus server (scraping this emulator) that answers its AOM query API, /v1/{project_id}/aom/api/v1/query.")
    var aomBackend: String?
    @Flag(help: "Start empty, without the demo clusters' releases and charts.") var noDemoData = false
    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate chain (with --tls-key).") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.") var tlsKey: String?

    func run() async throws {
        let faults = FaultSettings(
            failTags: failTags, failReleases: failReleases, stuckReleases: stuckReleases, sickReleases: sickReleases,
            latencyMs: Int(DurationText.seconds(latency) * 1000), errorRate: errorRate, errorStatuses: errorStatuses,
            dropRate: dropRate, requestsPerSecond: rateLimit, concurrentChanges: concurrentChanges)
        if let problem = faults.problem { throw CLIError(problem, exitCode: 2) }
        guard (0...65535).contains(port) else { throw CLIError("--port must be between 0 and 65535", exitCode: 2) }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw CLIError("--tls-cert and --tls-key go together", exitCode: 2) }
        var configuration = EmulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.statePath = state
        configuration.demoData = !noDemoData
        configuration.fleet = try EmulatorFleet.shape(option: fleet, environment: ProcessInfo.processInfo.environment)
        configuration.settings = EmulatorSettings(deployTime: DurationText.seconds(deployTime), faults: faults)
        if let aomBackend {
            guard let url = URL(string: aomBackend), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw CLIError("--aom-backend: '\(aomBackend.terminalSafe)' is not an http or https URL", exitCode: 2)
            }
            configuration.aomBackend = url
        }
        if let tlsCertificate, let tlsKey { configuration.tls = EmulatorTLS(certificateFile: tlsCertificate, keyFile: tlsKey) }
        let emulator: Emulator
        do {
            emulator = try Emulator(configuration: configuration)
        } catch {
            throw CLIError("cannot open the state file \(state ?? ""): \(error)")
        }
        do {
            let settled = configuration
            try await emulator.run { url in Console.out(Self.banner(url, settled)) }
        } catch {
            if String(describing: error).contains("Address already in use") {
                throw CLIError("cannot listen on \(host):\(port): the address is already in use (--port 0 picks a free port)")
            }
            throw CLIError("the emulator stopped: \(error)")
        }
        Console.out("emulator stopped")
    }

    static func banner(_ url: URL, _ configuration: EmulatorConfiguration) -> String {
        let clusters = configuration.clusters.map { "\($0.name)=\($0.id)" }.joined(separator: " ")
        let fleet = configuration.fleet.map { fleet in
            "\n  fleet       \(DemoFleet.fleetName): \(fleet.clusters) clusters (\(fleet.clusterNames.first ?? "")…) of \(fleet.releasesPerCluster) releases in namespace \(DemoFleet.namespace)"
        } ?? ""
        return """
            rollout emulator listening on \(url.absoluteString)
              access key  \(EmulatorCredentials.localAccessKey)   secret key \(EmulatorCredentials.localSecretKey)   (local defaults)
              token       \(EmulatorCredentials.localToken)
              project     \(EmulatorCredentials.localProjectID)
              clusters    \(clusters)\(fleet)
              deploy time \(DurationText.format(.milliseconds(Int64(configuration.settings.deployTime * 1000))))\(configuration.statePath.map { "   state \($0)" } ?? "")
              identity    IAM (/v3/projects, /v3/auth/tokens), ECS metadata and pod identity on this port
              faults      \(url.absoluteString)/_emulator/faults
            Stop with Ctrl-C.
            """
    }
}

/// Parses a duration option.
func parseDuration(_ text: String) throws -> Duration {
    guard let duration = DurationText.parse(text) else {
        throw ValidationError("'\(text)' is not a duration; write it like 500ms, 2s, 5m or 1h")
    }
    return duration
}

/// The emulator's generated fleet, as the command line and `ROLLOUT_EMULATOR_FLEET` give it: the
/// same for the standalone emulator, the embedded one, and a client that names its clusters.
enum EmulatorFleet {
    /// The environment variable.
    static let variable = "ROLLOUT_EMULATOR_FLEET"

    /// The fleet an option (else the environment) asks for; the standard one when neither does.
    static func shape(option: String? = nil, environment: [String: String]) throws -> DemoFleet? {
        guard let text = option ?? environment[variable], !text.isEmpty else { return .standard }
        guard let fleet = DemoFleet(spelling: text) else {
            throw CLIError("'\(text)' is not a fleet: write \(DemoFleet.form) (at most 100000 releases)", exitCode: 2)
        }
        return fleet.clusters == 0 ? nil : fleet
    }
}
