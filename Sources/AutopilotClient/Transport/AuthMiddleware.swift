import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Adds the project, user agent and credentials to every try: an `SDK-HMAC-SHA256` signature over
/// the request as Huawei's SDK signs it, or an `X-Auth-Token`. Temporary credentials that the
/// gateway refuses with a 401 are fetched again once and the try sent again: a 401 comes from the
/// gateway before the call reaches CCE, so even a change answered 401 was not applied.
struct AuthMiddleware: ClientMiddleware {
    let credentials: CredentialProvider
    let endpoint: Endpoint
    let userAgent: String
    let now: @Sendable () -> Date

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: [UInt8]? = nil
        if let body { bytes = try await [UInt8](collecting: body, upTo: .max) }
        let active = try await credentials.current()
        let (response, answer) = try await send(request, bytes, baseURL, with: active, next: next)
        guard response.status.code == 401, credentials.canRenew, let renewed = try await credentials.renew(after: active) else {
            return (response, answer)
        }
        _ = try? await [UInt8](collecting: answer ?? HTTPBody(), upTo: 1 << 20)
        return try await send(request, bytes, baseURL, with: renewed, next: next)
    }

    private func send(
        _ request: HTTPRequest, _ bytes: [UInt8]?, _ baseURL: URL, with active: CredentialProvider.Active,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.userAgent] = userAgent
        if let projectID = active.credentials.projectID { request.headerFields[.projectID] = projectID }
        switch active.credentials {
        case .none:
            return try await next(request, bytes.map { HTTPBody($0) }, baseURL)
        case .token(let token, _):
            request.headerFields[.authToken] = token.value
            return try await next(request, bytes.map { HTTPBody($0) }, baseURL)
        case .accessKey(let key):
            guard let signer = active.signer else { return try await next(request, bytes.map { HTTPBody($0) }, baseURL) }
            if let securityToken = key.securityToken { request.headerFields[.securityToken] = securityToken.value }
            let (path, query) = Self.split(request.path ?? "/")
            let signable = SignableRequest(
                method: request.method.rawValue, path: Endpoint(url: baseURL).pathPrefix + path, query: query,
                headers: request.headerFields.map { ($0.name.rawName, $0.value) }, body: bytes)
            let parts = signer.sign(signable, host: endpoint.hostHeader, date: now())
            for (name, value) in parts.addedHeaders { request.headerFields[HTTPField.Name(name)!] = value }
            request.headerFields[.authorization] = parts.authorization
            // The SDK puts the query on the wire in exactly its canonical form.
            let canonicalQuery = Canonical.query(query)
            request.path = canonicalQuery.isEmpty ? path : "\(path)?\(canonicalQuery)"
            return try await next(request, bytes.map { HTTPBody($0) }, baseURL)
        }
    }

    /// Splits `/a/b?x=1&y` into the path and the decoded query pairs.
    static func split(_ pathAndQuery: String) -> (path: String, query: [(name: String, value: String)]) {
        guard let mark = pathAndQuery.firstIndex(of: "?") else { return (pathAndQuery, []) }
        let path = String(pathAndQuery[..<mark])
        let query = pathAndQuery[pathAndQuery.index(after: mark)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                name: PercentEncoding.decodeString(String(parts[0])),
                value: parts.count > 1 ? PercentEncoding.decodeString(String(parts[1])) : ""
            )
        }
        return (path, query)
    }
}

/// One HTTP exchange as `--debug` shows it: never a header value, a body or a secret.
public struct CallRecord: Sendable {
    /// `GET`, `PUT`, ...
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The HTTP status, or nil when no answer came.
    public var status: Int?
    /// How long the exchange took.
    public var duration: Duration
    /// The answer's `X-Request-Id`.
    public var requestID: String?
    /// Why no answer came, when none did.
    public var failure: String?
}

/// Reports every try on the wire (innermost, so retries show one by one).
struct CallLogMiddleware: ClientMiddleware {
    let observe: @Sendable (CallRecord) -> Void

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let clock = ContinuousClock()
        let start = clock.now
        let path = AuthMiddleware.split(request.path ?? "/").path
        do {
            let (response, responseBody) = try await next(request, body, baseURL)
            observe(
                CallRecord(
                    method: request.method.rawValue, path: path, status: response.status.code,
                    duration: clock.now - start, requestID: response.headerFields[.requestID]))
            return (response, responseBody)
        } catch {
            let failure = TransportFailureClassifier.failure(for: error, path: CallPath(host: baseURL.host ?? ""))
            observe(
                CallRecord(
                    method: request.method.rawValue, path: path, status: nil, duration: clock.now - start,
                    requestID: nil, failure: failure.cause.rawValue))
            throw error
        }
    }
}
