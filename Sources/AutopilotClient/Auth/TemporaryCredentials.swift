public import Foundation
import NIOHTTP1

/// A source of credentials that is asked again when they near their expiry: the ECS metadata
/// service, CCE pod identity, or an IAM token.
public protocol CredentialFetcher: Sendable {
    /// Names the source without a secret, e.g. `the ECS metadata service at http://169.254.169.254`.
    var source: String { get }
    /// Fetches credentials anew.
    func fetch() async throws(AutopilotError) -> FetchedCredentials
}

/// Credentials as a fetcher got them: when they expire, and from where.
public struct FetchedCredentials: Sendable {
    /// The credentials.
    public var credentials: Credentials
    /// When they stop working; nil for ones that do not expire.
    public var expires: Date?
    /// Where they came from.
    public var source: String

    /// Fetched credentials.
    public init(credentials: Credentials, expires: Date?, source: String) {
        self.credentials = credentials
        self.expires = expires
        self.source = source
    }
}

/// Temporary AK/SK from the metadata service of an ECS host with an agency: a session token by
/// `PUT /meta-data/latest/api/token`, then `GET /openstack/latest/securitykey`, as Huawei's SDKs ask.
/// Never through a proxy: the service is link-local.
public struct MetadataService: CredentialFetcher {
    /// The address every ECS host reaches its metadata service at.
    public static let standardEndpoint = URL(string: "http://169.254.169.254")!
    /// Where this one asks.
    public let endpoint: URL
    /// How long a call may take; short, because a host that is not on ECS has no service to answer.
    public let timeout: Duration

    /// The metadata service at an address (the standard one unless a test points elsewhere).
    public init(endpoint: URL = standardEndpoint, timeout: Duration = .seconds(3)) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    /// `the ECS metadata service at <url>`.
    public var source: String { "the ECS metadata service at \(endpoint.absoluteString)" }

    /// Asks for a session token, then for the agency's temporary credentials.
    public func fetch() async throws(AutopilotError) -> FetchedCredentials {
        let call = ServiceCall(network: NetworkSettings(), timeout: timeout)
        let service = "ECS metadata service"
        var headers: [(String, String)] = []
        let token = try await call.send(
            .PUT, endpoint.appendingPathComponent("meta-data/latest/api/token"),
            headers: [("X-Metadata-Token-Ttl-Seconds", "21600")], service: service)
        if token.status == 200 {
            headers.append(("X-Metadata-Token", token.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if ![404, 405, 503].contains(token.status) {
            throw ServiceCall.failure(token, service: service)
        }
        let answer = try await call.send(.GET, endpoint.appendingPathComponent("openstack/latest/securitykey"), headers: headers, service: service)
        if answer.status == 401, answer.text.contains("Please configure Cloud Service Agency first") {
            throw AutopilotError(
                kind: .api, httpStatus: 401,
                message: "\(service): this ECS host has no agency, so it has no temporary credentials; give the host an agency, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK")
        }
        guard answer.status == 200 else { throw ServiceCall.failure(answer, service: service) }
        return try TemporaryKey.parse(answer, service: service, source: source)
    }
}

/// Temporary AK/SK from CCE pod identity: `POST {}` to `HC_CONTAINER_CREDENTIALS_FULL_URI` with the
/// contents of `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` as `Authorization`, as Huawei's SDKs do.
public struct PodIdentity: CredentialFetcher {
    /// The credential endpoint.
    public let uri: URL
    /// The file the pod's projected token is in (read anew on every fetch: it rotates).
    public let tokenFile: String

    /// Pod identity at an endpoint, with its token file.
    public init(uri: URL, tokenFile: String) {
        self.uri = uri
        self.tokenFile = tokenFile
    }

    /// Pod identity as the environment configures it; nil when the variables are not both set.
    public static func fromEnvironment(_ environment: [String: String]) throws(CredentialProblem) -> PodIdentity? {
        let uriText = environment["HC_CONTAINER_CREDENTIALS_FULL_URI"].flatMap { $0.isEmpty ? nil : $0 }
        let file = environment["HC_CONTAINER_AUTHORIZATION_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        guard uriText != nil || file != nil else { return nil }
        guard let uriText, let file else {
            throw CredentialProblem(
                message: "CCE pod identity needs both HC_CONTAINER_CREDENTIALS_FULL_URI and HC_CONTAINER_AUTHORIZATION_TOKEN_FILE; only \(uriText == nil ? "the token file" : "the URI") is set")
        }
        do { return PodIdentity(uri: try Endpoint(parsing: uriText, queryAllowed: true).url, tokenFile: file) } catch {
            throw CredentialProblem(message: "HC_CONTAINER_CREDENTIALS_FULL_URI: \(error)")
        }
    }

    /// `CCE pod identity at <uri>`.
    public var source: String { "CCE pod identity at \(uri.absoluteString)" }

    /// Posts the pod's token and reads the temporary credentials.
    public func fetch() async throws(AutopilotError) -> FetchedCredentials {
        let service = "CCE pod identity"
        let token: String
        do { token = try SecretFile.text(tokenFile, holding: nil) } catch {
            throw AutopilotError(kind: .invalidRequest, message: "\(service): the token file: \(error)")
        }
        let answer = try await ServiceCall(network: NetworkSettings(), timeout: .seconds(5)).send(
            .POST, uri, headers: [("Authorization", token), ("Content-Type", "application/json")], body: Array("{}".utf8),
            service: service)
        guard answer.status == 200 else { throw ServiceCall.failure(answer, service: service) }
        return try TemporaryKey.parse(answer, service: service, source: source)
    }
}

/// The first of several fetchers that answers, kept from then on: the metadata service, then pod
/// identity, as the SDKs' chain ends.
public struct FirstAnswering: CredentialFetcher {
    /// The fetchers, in order.
    public let fetchers: [any CredentialFetcher]

    /// Tries `fetchers` in order.
    public init(_ fetchers: [any CredentialFetcher]) { self.fetchers = fetchers }

    /// Each source, joined by "then".
    public var source: String { fetchers.map(\.source).joined(separator: ", then ") }

    /// The first answer; when none gives credentials, an error that says what each said (and
    /// that none answered only when none did).
    public func fetch() async throws(AutopilotError) -> FetchedCredentials {
        var failures: [AutopilotError] = []
        for fetcher in fetchers {
            do {
                return try await fetcher.fetch()
            } catch {
                failures.append(error)
            }
        }
        let noneAnswered = failures.allSatisfy { $0.kind == .transport }
        let lead = noneAnswered ? "no credential service answered: " : "no credential service gave credentials: "
        throw AutopilotError(kind: .invalidRequest, message: lead + failures.map(\.description).joined(separator: "; "))
    }
}

/// The answer of the metadata service and of pod identity: `{"credential": {"access", "secret",
/// "securitytoken", "expires_at"}}`, with the other spellings Huawei's SDKs accept.
enum TemporaryKey {
    static func parse(_ answer: ServiceCall.Answer, service: String, source: String) throws(AutopilotError) -> FetchedCredentials {
        let root = answer.json ?? [:]
        let fields = (root["credential"] as? [String: Any]) ?? (root["credentials"] as? [String: Any]) ?? root
        func text(_ names: String...) -> String? { names.lazy.compactMap { fields[$0] as? String }.first }
        guard let access = text("access", "accessKeyId", "access_key_id"), let secret = text("secret", "secretAccessKey", "secret_access_key")
        else {
            throw AutopilotError(
                kind: .invalidResponse, httpStatus: answer.status,
                message: "\(service): the answer (\(answer.body.count) bytes, not shown: it may hold a secret) has no credential with access and secret")
        }
        let token = text("securitytoken", "securityToken", "security_token")
        let expires = text("expires_at", "expiration").flatMap(IAMTime.parse)
        return FetchedCredentials(
            credentials: .accessKey(AccessKey(id: access, secret: Secret(secret), securityToken: token.map { Secret($0) })),
            expires: expires, source: source)
    }
}

/// Times as IAM and the metadata service write them: `2026-12-02T07:00:00.000000Z` (any fraction,
/// or none).
enum IAMTime {
    static func parse(_ text: String) -> Date? {
        let whole = text.prefix(19)
        guard whole.count == 19 else { return nil }
        return try? Date(String(whole) + "Z", strategy: .iso8601)
    }
}
