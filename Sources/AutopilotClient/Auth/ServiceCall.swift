import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// One small exchange with an identity service (IAM, the ECS metadata service, CCE pod identity),
/// outside the API's middleware: a few calls an hour, each on a short-lived connection.
struct ServiceCall {
    /// The answer: status, headers and the whole body.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        /// The body as text.
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body as a JSON object, or nil.
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    let network: NetworkSettings
    var timeout: Duration = .seconds(10)
    /// The connections to reuse (a metrics source's, asked again and again); nil for a client of its
    /// own, shut down after the call.
    var pool: ConnectionPool?

    /// Sends a request and reads the whole answer; a failure to connect or read is an `AutopilotError`
    /// that names the service.
    func send(
        _ method: HTTPMethod, _ url: URL, headers: [(String, String)] = [], body: [UInt8]? = nil, service: String
    ) async throws(AutopilotError) -> Answer {
        let path = network.path(to: url)
        let client: HTTPClient
        if let pool {
            client = pool.client
        } else {
            let configuration = try network.httpConfiguration(for: url, connectTimeout: min(timeout, .seconds(3)), readTimeout: timeout)
            client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        let owned = pool == nil
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            // The limit holds for the body too, however slowly it comes; a second over the HTTP
            // client's own deadline, so that its more telling errors (refused, timed out) come first.
            let answer = try await withTimeLimit(timeout + .seconds(1)) { [request] in
                let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                let bytes = try await response.body.collect(upTo: 1 << 20)
                return Answer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
            }
            if owned { try? await client.shutdown() }
            return answer
        } catch {
            if owned { try? await client.shutdown() }
            var failure = await TransportFailureClassifier.explained(
                TransportFailureClassifier.autopilotError(for: error, path: path), url: url, path: path)
            failure.message = "\(service): \(failure.message)"
            throw failure
        }
    }

    /// The error for a success whose body is not what the service documents (HTML from a captive
    /// portal, JSON cut short): what came back, never a guess at what it meant.
    static func notTheDocumentedAnswer(_ answer: Answer, service: String, expected: String) -> AutopilotError {
        let type = answer.headers.first(name: "Content-Type").map { ", \($0)" } ?? ""
        let what = answer.body.isEmpty ? "an empty body" : "\(answer.json == nil ? "not JSON" : "JSON of another shape"): \(ErrorBody.snippet(answer.body))"
        return AutopilotError(
            kind: .invalidResponse, httpStatus: answer.status,
            message: "\(service): the answer is not \(expected) (HTTP \(answer.status)\(type)): \(what)",
            requestID: answer.headers.first(name: "X-Request-Id") ?? answer.headers.first(name: "X-IAM-Trace-Id"))
    }

    /// The error for an answer that is not a success, read as Huawei's error bodies are, with the
    /// service named and IAM's trace id as the request id when there is no other.
    static func failure(_ answer: Answer, service: String) -> AutopilotError {
        let requestID = answer.headers.first(name: "X-Request-Id") ?? answer.headers.first(name: "X-IAM-Trace-Id")
        var error = ErrorBody.error(status: answer.status, requestID: requestID, retryAfter: nil, body: answer.body)
        error.message = "\(service): \(error.message)"
        return error
    }
}

/// Connections kept open for a service asked again and again (a metrics source during a rollout's
/// soak), through the proxy and TLS settings for its URL. Shut it down when done.
public final class ConnectionPool: Sendable {
    let client: HTTPClient

    /// A pool for the service at `url`.
    public init(for url: URL, network: NetworkSettings, timeout: Duration = .seconds(10)) throws {
        var configuration = try network.httpConfiguration(for: url, connectTimeout: min(timeout, .seconds(3)), readTimeout: timeout)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// A pool on an existing client, which its owner shuts down.
    init(client: HTTPClient) {
        self.client = client
    }

    /// Closes the connections; the pool cannot be used after it.
    public func shutdown() async {
        try? await client.shutdown()
    }
}
