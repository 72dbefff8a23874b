import AsyncHTTPClient
import Foundation
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

    /// Sends a request and reads the whole answer; a failure to connect or read is an `AutopilotError`
    /// that names the service.
    func send(
        _ method: HTTPMethod, _ url: URL, headers: [(String, String)] = [], body: [UInt8]? = nil, service: String
    ) async throws(AutopilotError) -> Answer {
        let path = network.path(to: url)
        let configuration = try network.httpConfiguration(for: url, connectTimeout: min(timeout, .seconds(3)), readTimeout: timeout)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
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
            try? await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
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
