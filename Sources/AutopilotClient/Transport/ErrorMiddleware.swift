import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The outermost middleware: an HTTP error status becomes an API `AutopilotError` read from the
/// body in any of Huawei's shapes; a transport failure becomes one that says which.
struct ErrorMiddleware: ClientMiddleware {
    let path: CallPath
    /// The local clock, compared with the server's `Date` when a signature is refused as expired.
    let now: @Sendable () -> Date

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody): (HTTPResponse, HTTPBody?)
        do {
            (response, responseBody) = try await next(request, body, baseURL)
        } catch {
            let failure = TransportFailureClassifier.autopilotError(for: error, path: path)
            throw await TransportFailureClassifier.explained(failure, url: baseURL, path: path)
        }
        let status = response.status.code
        guard status >= 300 else { return (response, responseBody) }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: responseBody ?? HTTPBody(), upTo: 1 << 20)
        } catch {
            throw TransportFailureClassifier.autopilotError(for: error, path: path)
        }
        let requestID = response.headerFields[.requestID]
        if status < 400 {
            let location = response.headerFields[.location].map { " to \($0)" } ?? ""
            throw AutopilotError(
                kind: .invalidResponse, httpStatus: status, message: "unexpected redirect\(location)",
                requestID: requestID)
        }
        throw ErrorBody.error(
            status: status, requestID: requestID, retryAfter: RetryPolicy.retryAfter(response), body: bytes,
            clockOffset: status == 401 ? GatewayHint.clockOffset(dateHeader: response.headerFields[.date], now: now()) : nil)
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`, the service's id of an answer.
    static let requestID = HTTPField.Name("X-Request-Id")!
    /// `X-Project-Id`.
    static let projectID = HTTPField.Name("X-Project-Id")!
    /// `X-Auth-Token`.
    static let authToken = HTTPField.Name("X-Auth-Token")!
    /// `X-Security-Token`.
    static let securityToken = HTTPField.Name("X-Security-Token")!
    /// `X-Sdk-Date`.
    static let sdkDate = HTTPField.Name("X-Sdk-Date")!
    /// `Host`.
    static let host = HTTPField.Name("Host")!
}
