import AutopilotClient
import AutopilotEmulator
import Foundation
import RolloutRuntime
import RolloutSyntax

/// A connected target: the client, the embedded emulator when there is one, and what the
/// journal and `--debug` need from each call.
final class Session: Sendable {
    let choice: TargetChoice
    let client: AutopilotClient
    /// The project's clusters by name, for the cloud (the emulator's go by aliases).
    let clusterNames: ClusterNames
    let emulator: Emulator?
    let url: URL
    /// The embedded emulator's kept state, held while the session is open.
    private let state: EmbeddedState?
    /// True on the embedded emulator that another process serves.
    private let sharesState: Bool
    /// The connections to the Prometheus server analyses query, kept from query to query.
    private let prometheusPool: ConnectionPool?

    private init(
        choice: TargetChoice, client: AutopilotClient, emulator: Emulator?, url: URL, state: EmbeddedState?,
        sharesState: Bool, prometheusPool: ConnectionPool?
    ) {
        self.prometheusPool = prometheusPool
        self.sharesState = sharesState
        self.choice = choice
        self.client = client
        clusterNames = ClusterNames(client: client)
        self.emulator = emulator
        self.url = url
        self.state = state
    }

    /// What scripts run against: the client, with cluster names resolved on the way out.
    var api: any ReleaseAPI { NamedClusters(client: client, names: clusterNames) }

    /// Where analyses measure: the Prometheus server named, AOM signed as the target's calls are (on
    /// the embedded emulator, the emulator itself), and HTTP probes, through the target's proxy and
    /// TLS settings.
    var sources: AnalysisSources {
        let network = choice.network
        return AnalysisSources(
            prometheus: choice.metrics.map { PrometheusSource(url: $0.url, authorization: $0.authorization, network: network, pool: prometheusPool) },
            aom: (choice.aomEndpoint ?? (choice.isEmbedded ? Endpoint(url: url) : nil)).map { client.aom(at: $0) },
            probe: HTTPProbe(network: network))
    }

    /// True unless it is an embedded emulator in memory, which keeps nothing and knows nothing of
    /// what earlier runs did.
    var keepsState: Bool { !choice.isEmbedded || state != nil || sharesState }

    /// Starts the embedded emulator; its address.
    private static func start(_ configuration: EmulatorConfiguration) async throws -> (Emulator, Endpoint) {
        let started: Emulator
        do {
            started = try Emulator(configuration: configuration)
        } catch {
            throw CLIError("cannot open the embedded emulator's state \(configuration.statePath ?? ""): \(error); --fresh-emulator starts it again")
        }
        return (started, Endpoint(url: try await started.start()))
    }

    /// How long the embedded emulator's deploys take: `ROLLOUT_EMULATOR_DEPLOY_TIME`, read as
    /// `--deploy-time` is (a duration such as 300ms or 2s), else 2 s.
    static func deployTime(_ environment: [String: String]) throws(CLIError) -> Duration {
        guard let text = environment["ROLLOUT_EMULATOR_DEPLOY_TIME"], !text.isEmpty else { return .seconds(2) }
        guard let duration = DurationText.parse(text) else {
            throw CLIError("ROLLOUT_EMULATOR_DEPLOY_TIME='\(text.terminalSafe)' is not a duration such as 300ms or 2s", exitCode: 2)
        }
        return duration
    }

    /// Connects: starts the embedded emulator first when the target is local, on the state kept
    /// under `paths`.
    static func open(_ choice: TargetChoice, debug: Bool, style: Style, paths: Paths = Paths()) async throws -> Session {
        var emulator: Emulator?
        var state: EmbeddedState?
        var shared = false
        let endpoint: Endpoint
        switch choice.kind {
        case .embedded:
            var configuration = EmulatorConfiguration()
            configuration.port = 0
            let deployTime = try Self.deployTime(ProcessInfo.processInfo.environment)
            // The demo fails deploys of image tags ending in -bad, so rollback drills work out of the box.
            configuration.settings = EmulatorSettings(
                deployTime: DurationText.seconds(deployTime), faults: FaultSettings(failTags: ["*-bad"]))
            configuration.fleet = choice.emulatorFleet
            // Its AOM API answers from the Prometheus server analyses are named, as AOM answers for a project.
            configuration.aomBackend = choice.metrics?.url
            switch try await EmbeddedState.claim(paths, fleet: choice.emulatorFleet, fresh: choice.freshEmulator) {
            case .shared(let url, let pid):
                Console.err(style.dim("→ on the embedded emulator that rollout (pid \(pid)) serves at \(url.absoluteString)"))
                endpoint = Endpoint(url: url)
                shared = true
            case .owned(let claimed):
                state = claimed
                configuration.statePath = claimed.path
                (emulator, endpoint) = try await start(configuration)
                claimed.publish(endpoint.url)
            case .inMemory(let warning):
                Console.err(style.yellow("warning: \(warning)"))
                (emulator, endpoint) = try await start(configuration)
            }
        case .remote(let remote, _):
            endpoint = remote
        }
        var configuration = AutopilotConfiguration(endpoint: endpoint, credentials: choice.credentials)
        if !choice.isEmbedded {
            if choice.network.insecureSkipTLSVerification {
                Console.err(style.yellow("warning: TLS certificate verification is off (--insecure-skip-tls-verify); anyone on the path can read and change these calls"))
            }
            configuration.network = choice.network
            configuration.fetcher = choice.fetcher
            configuration.projectLookup = choice.projectLookup
        }
        if debug {
            let credentials = choice.fetcher == nil
                ? "\(choice.credentials.description) from \(choice.credentialSource)"
                : "from \(choice.credentialSource), fetched at the first call and again before they expire"
            Console.err(style.dim("→ credentials: \(credentials)"))
            let proxy = configuration.network.proxies.proxy(for: endpoint.url).map { "through \($0)" } ?? "direct"
            Console.err(style.dim("→ \(endpoint) \(proxy)" + (configuration.network.caFile.map { ", trusting \($0)" } ?? "")))
        }
        if debug { configuration.onCall = CallLog(style: style).observe }
        let pool = try choice.metrics.map { try ConnectionPool(for: $0.url, network: choice.network) }
        return Session(
            choice: choice, client: try AutopilotClient(configuration: configuration), emulator: emulator, url: endpoint.url,
            state: state, sharesState: shared, prometheusPool: pool)
    }

    /// Closes the client and stops the emulator.
    func close() async {
        await prometheusPool?.shutdown()
        try? await client.shutdown()
        await emulator?.stop()
    }
}

/// With `--debug`, a line on standard error for each call on the wire: method, path, status, time
/// and request id, never a secret.
struct CallLog: Sendable {
    let style: Style

    /// Writes one call's line.
    func observe(_ record: CallRecord) {
        let status = record.status.map(String.init) ?? (record.failure ?? "no answer")
        let ms = Int(DurationText.seconds(record.duration) * 1000)
        Console.err(style.dim("→ \(record.method) \(record.path) \(status) \(ms)ms request id \(record.requestID ?? "-")"))
    }
}
