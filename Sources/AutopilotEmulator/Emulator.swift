public import AutopilotClient
public import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import UnixSignals
import Synchronization

/// A local CCE Autopilot release API on Hummingbird: the server side of the same OpenAPI document,
/// with real signature checks, Helm-like release lifecycles, faults on purpose, and optional
/// durable state.
///
/// In-process: `let url = try await emulator.start()` … `await emulator.stop()`.
/// Standalone: `try await emulator.run()` serves until SIGINT or SIGTERM.
public final class Emulator: Sendable {
    /// The configuration it was made with.
    public let configuration: EmulatorConfiguration
    /// Its state.
    public let store: EmulatorStore
    /// Its IAM and credential services.
    public let identity: IdentityService
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)
    private let boundURL = Mutex<URL?>(nil)
    private let aomBackend: Mutex<URL?>

    /// Makes an emulator; opens the state file when one is set, and seeds demo data when the state is new.
    public init(configuration: EmulatorConfiguration = EmulatorConfiguration()) throws {
        self.configuration = configuration
        aomBackend = Mutex(configuration.aomBackend)
        let clock = configuration.now
        identity = IdentityService(credentials: configuration.credentials, now: clock)
        store = try EmulatorStore(
            clusters: configuration.clusters + (configuration.demoData ? configuration.fleet?.emulatedClusters ?? [] : []),
            settings: configuration.settings,
            persistence: try configuration.statePath.map { try Persistence(path: $0) },
            now: { clock().timeIntervalSince1970 })
        if configuration.demoData && store.isEmpty {
            let now = clock().timeIntervalSince1970
            try store.seed(charts: DemoData.charts(at: now), releases: DemoData.releases(at: now) + (configuration.fleet?.releases(at: now) ?? []))
        }
    }

    /// Names the Prometheus server behind the AOM query API from now on: one that scrapes this
    /// emulator, so it can be started once the emulator's address is known.
    public func serveAOM(from backend: URL?) {
        aomBackend.withLock { $0 = backend }
    }

    /// The base URL once listening.
    public var url: URL? { boundURL.withLock { $0 } }

    /// Client settings for this emulator: its URL and its first AK/SK.
    public var clientConfiguration: AutopilotConfiguration? {
        url.map { AutopilotConfiguration(endpoint: Endpoint(url: $0), credentials: configuration.credentials.clientCredentials) }
    }

    /// Starts serving in the background and returns the base URL once it is listening.
    public func start() async throws -> URL {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = try makeApplication { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: Self.groupConfiguration(app, signals: []))
        let task = Task { try await group.run() }
        running.withLock { $0 = (group, task) }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw EmulatorError(status: 500, code: "EMULATOR", message: "did not start") }
        let url = URL(string: "\(scheme)://\(Self.urlHost(configuration.host)):\(port)")!
        boundURL.withLock { $0 = url }
        return url
    }

    /// Stops serving and waits until it has.
    public func stop() async {
        guard let (group, task) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Serves until SIGINT or SIGTERM; `onListening` gets the base URL once it is listening.
    public func run(onListening: @escaping @Sendable (URL) -> Void) async throws {
        let host = Self.urlHost(configuration.host)
        let scheme = self.scheme
        let app = try makeApplication { [self] port in
            let url = URL(string: "\(scheme)://\(host):\(port)")!
            self.boundURL.withLock { $0 = url }
            onListening(url)
        }
        let group = ServiceGroup(configuration: Self.groupConfiguration(app, signals: [.sigterm, .sigint]))
        try await group.run()
    }

    private var scheme: String { configuration.tls == nil ? "http" : "https" }

    private func makeApplication(onPort: @escaping @Sendable (Int) -> Void) throws -> some ApplicationProtocol {
        let router = Router()
        // Errors the router answers itself (no route, wrong method) in Huawei's shape; the responder
        // around it gives them their request id.
        router.add(middleware: HuaweiErrorMiddleware(addsRequestID: false))
        ControlRoutes.register(on: router, store: store)
        MetricsRoutes.register(on: router, store: store)
        AOMRoutes.register(on: router, backend: { [weak self] in self?.aomBackend.withLock { $0 } }, projectID: configuration.credentials.projectID)
        IdentityRoutes.register(on: router, identity: identity)
        // Compact answers, keys sorted: pretty-printing costs the emulator time on every answer.
        var runtime = OpenAPIRuntime.Configuration()
        runtime.jsonEncodingOptions = [.sortedKeys]
        try! EmulatorAPI(store: store).registerHandlers(on: AlignedParameterTransport(router: router), configuration: runtime)
        let responder = EmulatorResponder(
            store: store, identity: identity, routes: router.buildResponder())
        return Application(
            responder: responder,
            server: try serverBuilder(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in onPort(channel.localAddress?.port ?? 0) },
            logger: Self.quietLogger)
    }

    /// HTTP/1.1, inside TLS when a certificate is configured.
    private func serverBuilder() throws -> HTTPServerBuilder {
        guard let tls = configuration.tls else { return .http1() }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
            return try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw EmulatorError(status: 500, code: "EMULATOR", message: "cannot serve TLS with \(tls.certificateFile) and \(tls.keyFile): \(error)")
        }
    }

    /// A shutdown lets requests in flight finish, but a client that stalls mid-request cannot hold it up
    /// longer than a few seconds.
    private static func groupConfiguration(_ app: some Service, signals: [UnixSignal]) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: signals, logger: quietLogger)
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        configuration.maximumCancellationDuration = .seconds(2)
        return configuration
    }

    private static func urlHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    private static let quietLogger: Logger = {
        var logger = Logger(label: "rollout.emulator")
        logger.logLevel = .critical
        return logger
    }()
}
