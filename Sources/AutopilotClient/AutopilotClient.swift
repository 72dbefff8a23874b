import AsyncHTTPClient
public import Foundation
import HTTPTypes
import NIOCore
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The CCE Autopilot release and chart API: every operation, signed as Huawei's SDKs sign, with
/// timeouts, safe retries and one clear error type (`AutopilotError`).
///
/// ```swift
/// let client = try AutopilotClient(configuration: .init(endpoint: .region("cn-north-4"), credentials: .fromEnvironment()!))
/// let answer = try await client.upgrade(release: "testwww", in: "monitoring", cluster: clusterID,
///                                       chart: chartID, values: ReleaseValues(imageTag: "v2"))
/// print(answer.version, answer.requestID ?? "-")   // the new version, and the id to quote to support
/// try await client.shutdown()
/// ```
public final class AutopilotClient: Sendable {
    /// The configuration this client was made with.
    public let configuration: AutopilotConfiguration
    let api: Client
    /// The connection pool; none for a client that only shows calls (`wireRequest(for:)`).
    let httpClient: HTTPClient?
    /// The credentials of each call, fetched again before they expire.
    let credentials: CredentialProvider

    /// Makes a client with its own connection pool; call `shutdown()` when done.
    public init(configuration: AutopilotConfiguration) throws {
        self.configuration = configuration
        var http = try configuration.network.httpConfiguration(
            for: configuration.endpoint.url, connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout)
        http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.connections)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        self.httpClient = httpClient
        credentials = CredentialProvider(
            credentials: configuration.credentials, fetcher: configuration.fetcher, lookup: configuration.projectLookup,
            now: configuration.now)
        let path = configuration.network.path(to: configuration.endpoint.url)
        var middlewares: [any ClientMiddleware] = [
            ErrorMiddleware(path: path, now: configuration.now),
            RetryMiddleware(
                policy: configuration.retry, path: path, rate: AdaptiveRate(), tryLimit: configuration.requestTimeout,
                answerLimit: configuration.answerLimit),
            AuthMiddleware(
                credentials: credentials, endpoint: configuration.endpoint, userAgent: configuration.userAgent, now: configuration.now),
        ]
        if let observe = configuration.onCall { middlewares.append(CallLogMiddleware(observe: observe)) }
        api = Client(
            serverURL: configuration.endpoint.url,
            configuration: Self.runtimeConfiguration,
            transport: AsyncHTTPClientTransport(
                configuration: .init(
                    client: httpClient, timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))),
            middlewares: middlewares)
    }

    /// A client whose calls end at a capturing transport, with no middleware: it sends nothing.
    init(capturingWith transport: CaptureTransport) {
        configuration = AutopilotConfiguration(
            endpoint: Endpoint(url: URL(string: "http://plan.invalid")!), credentials: .none)
        api = Client(serverURL: configuration.endpoint.url, configuration: Self.runtimeConfiguration, transport: transport)
        httpClient = nil
        credentials = CredentialProvider(credentials: .none, fetcher: nil, lookup: nil, now: configuration.now)
    }

    /// How the generated client encodes: one setting for the client that sends and the one that only
    /// shows calls, so that a plan's bodies are the bytes a run sends.
    private static var runtimeConfiguration: OpenAPIRuntime.Configuration {
        var runtime = OpenAPIRuntime.Configuration()
        runtime.jsonEncodingOptions = [.sortedKeys]
        return runtime
    }

    /// Closes the connection pool. The client cannot be used after it.
    public func shutdown() async throws {
        try await httpClient?.shutdown()
    }

    /// The credentials the next call is signed with, fetched or looked up first when needed, and
    /// for fetched ones the service that gave them: what `rollout doctor` shows (never their secrets).
    public func currentCredentials() async throws(AutopilotError) -> (credentials: Credentials, expires: Date?, source: String?) {
        let active = try await credentials.current()
        return (active.credentials, active.expires, active.source)
    }

    /// The project id of the credentials, for a call whose path names the project; `need` says
    /// which call needs it (`chart quotas need`).
    func projectID(for need: String) async throws(AutopilotError) -> String {
        guard let project = try await credentials.current().credentials.projectID else {
            throw AutopilotError(
                kind: .invalidRequest,
                message: "\(need) a project id: set a region (its project is looked up in IAM), project_id in the profile, or HUAWEICLOUD_SDK_PROJECT_ID")
        }
        return project
    }

    /// Runs `body` with a new client and shuts the client down after it, even when it throws.
    public static func with<T: Sendable>(
        _ configuration: AutopilotConfiguration, _ body: (AutopilotClient) async throws -> T
    ) async throws -> T {
        let client = try AutopilotClient(configuration: configuration)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Runs one generated call and maps every failure to an `AutopilotError`.
    func call<T>(_ operation: String, _ body: () async throws -> T) async throws(AutopilotError) -> T {
        do {
            return try await body()
        } catch let error as AutopilotError {
            throw error
        } catch let error as ClientError {
            let cause = TransportFailureClassifier.unwrap(error)
            if let known = cause as? AutopilotError { throw known }
            if cause is CancellationError {
                throw AutopilotError(kind: .cancelled, message: "cancelled; the server may still be working")
            }
            throw AutopilotError(
                kind: .invalidResponse, httpStatus: error.response?.status.code,
                message: "\(operation): the answer does not have the documented shape (\(Self.describe(cause)))",
                requestID: error.response?.headerFields[.requestID])
        } catch {
            throw TransportFailureClassifier.autopilotError(for: error, path: configuration.network.path(to: configuration.endpoint.url))
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? DecodingError).map(DecodingProblem.describe) ?? String(describing: error)
    }

    /// An unexpected answer that the documented cases do not cover.
    func unexpected(_ operation: String, status: Int) -> AutopilotError {
        AutopilotError(kind: .invalidResponse, httpStatus: status, message: "\(operation): unexpected status \(status)")
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
