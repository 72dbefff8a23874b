import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Adds the project, user agent and credentials to every try: an `SDK-HMAC-SHA256` signature over
/// the request as Huawei's SDK signs it, or an `X-Auth-Token`.
struct AuthMiddleware: ClientMiddleware {
    let endpoint: Endpoint
    let userAgent: String
    let now: @Sendable () -> Date
    private let projectID: String?
    private let scheme: Scheme

    /// How each try is authenticated. The signer is made once: it holds the HMAC key.
    private enum Scheme {
        case none
        case token(Secret)
        case signed(Signer, securityToken: Secret?)
    }

    init(credentials: Credentials, endpoint: Endpoint, userAgent: String, now: @escaping @Sendable () -> Date) {
        self.endpoint = endpoint
        self.userAgent = userAgent
        self.now = now
        projectID = credentials.projectID
        switch credentials {
        case .none: scheme = .none
        case .token(let token, _): scheme = .token(token)
        case .accessKey(let key): scheme = .signed(Signer(accessKey: key.id, secretKey: key.secret), securityToken: key.securityToken)
        }
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.userAgent] = userAgent
        if let projectID { request.headerFields[.projectID] = projectID }
        switch scheme {
        case .none:
            return try await next(request, body, baseURL)
        case .token(let token):
            request.headerFields[.authToken] = token.value
            return try await next(request, body, baseURL)
        case .signed(let signer, let securityToken):
            if let securityToken { request.headerFields[.securityToken] = securityToken.value }
            var bytes: [UInt8]? = nil
            if let body { bytes = try await [UInt8](collecting: body, upTo: 256 << 20) }
            let (path, query) = Self.split(request.path ?? "/")
            let prefix = baseURL.path.hasSuffix("/") ? String(baseURL.path.dropLast()) : baseURL.path
            let signable = SignableRequest(
                method: request.method.rawValue, path: prefix + path, query: query,
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
            let failure = TransportFailureClassifier.failure(for: error, host: baseURL.host ?? "")
            observe(
                CallRecord(
                    method: request.method.rawValue, path: path, status: nil, duration: clock.now - start,
                    requestID: nil, failure: failure.cause.rawValue))
            throw error
        }
    }
}
