public import Foundation
import NIOHTTP1
import Synchronization

/// The project id of a region, looked up in IAM as Huawei's SDKs do when AK/SK credentials carry
/// none: `GET {iam}/v3/projects?name={region}`, AK/SK-signed; the answer is cached per AK and region
/// for the life of the process.
public struct ProjectLookup: Sendable {
    /// The region whose project is wanted.
    public let region: Region
    /// How IAM is reached.
    public let network: NetworkSettings

    /// A lookup in a region's IAM.
    public init(region: Region, network: NetworkSettings = NetworkSettings()) {
        self.region = region
        self.network = network
    }

    private static let cache = Mutex<[String: String]>([:])

    /// The project id for a key; zero or several projects is an error quoting IAM's trace id.
    public func projectID(for key: AccessKey, now: Date = Date()) async throws(AutopilotError) -> String {
        let cacheKey = "\(key.id)|\(region.id)"
        if let known = Self.cache.withLock({ $0[cacheKey] }) { return known }
        let service = "IAM project lookup at \(region.iam)"
        let path = "/v3/projects"
        let query = [(name: "name", value: region.id)]
        var headers: [(name: String, value: String)] = [("User-Agent", RolloutVersion.userAgent)]
        if let token = key.securityToken { headers.append(("X-Security-Token", token.value)) }
        let signable = SignableRequest(method: "GET", path: region.iam.pathPrefix + path, query: query, headers: headers)
        let parts = Signer(accessKey: key.id, secretKey: key.secret).sign(signable, host: region.iam.hostHeader, date: now)
        let url = region.iam.url(path: path, query: Canonical.query(query))
        let answer = try await ServiceCall(network: network).send(
            .GET, url, headers: headers.map { ($0.name, $0.value) } + parts.addedHeaders.map { ($0.name, $0.value) }
                + [("Authorization", parts.authorization)],
            service: service)
        guard answer.status == 200 else { throw ServiceCall.failure(answer, service: service) }
        let trace = answer.headers.first(name: "X-IAM-Trace-Id") ?? "none"
        guard let projects = answer.json?["projects"] as? [[String: Any]] else {
            throw ServiceCall.notTheDocumentedAnswer(answer, service: service, expected: "IAM's list of projects")
        }
        let ids = projects.compactMap { $0["id"] as? String }
        guard ids.count == 1, let id = ids.first else {
            let found = ids.isEmpty ? "no project" : "\(ids.count) projects (\(ids.joined(separator: ", ")))"
            throw AutopilotError(
                kind: .api, httpStatus: answer.status,
                message: "\(service): IAM has \(found) named \(region.id) for this key (X-IAM-Trace-Id \(trace)); set the project id (project_id in the profile, or HUAWEICLOUD_SDK_PROJECT_ID)",
                requestID: trace)
        }
        Self.cache.withLock { $0[cacheKey] = id }
        return id
    }
}

/// An IAM user token for accounts without AK/SK: `POST {iam}/v3/auth/tokens` with a password, and
/// optionally then the token of an agency the user may assume. Valid 24 hours; fetched again before
/// it expires.
public struct IAMToken: CredentialFetcher {
    /// The user, their account (domain) and password.
    public struct User: Sendable {
        /// The IAM user name.
        public var name: String
        /// The account name the user belongs to.
        public var domain: String
        /// The password.
        public var password: Secret

        /// A user of an account.
        public init(name: String, domain: String, password: Secret) {
            self.name = name
            self.domain = domain
            self.password = password
        }
    }

    /// An agency to assume with the user's token.
    public struct Agency: Sendable {
        /// The agency's name.
        public var name: String
        /// The account that made the agency.
        public var domain: String

        /// An agency of an account.
        public init(name: String, domain: String) {
            self.name = name
            self.domain = domain
        }
    }

    /// The region whose project the token is scoped to.
    public let region: Region
    /// Who signs in.
    public let user: User
    /// The agency to assume, if any.
    public let agency: Agency?
    /// How IAM is reached.
    public let network: NetworkSettings

    /// A token for a user, optionally assuming an agency.
    public init(region: Region, user: User, agency: Agency? = nil, network: NetworkSettings = NetworkSettings()) {
        self.region = region
        self.user = user
        self.agency = agency
        self.network = network
    }

    /// `an IAM token for user <name> of <domain> (agency ...)`.
    public var source: String {
        "an IAM token for user \(user.name) of \(user.domain)" + (agency.map { ", assuming agency \($0.domain)/\($0.name)" } ?? "")
            + " from \(region.iam)"
    }

    /// Signs in, then assumes the agency when there is one.
    public func fetch() async throws(AutopilotError) -> FetchedCredentials {
        let scope: [String: Any] = ["project": ["name": region.id]]
        let password: [String: Any] = [
            "auth": [
                "identity": [
                    "methods": ["password"],
                    "password": ["user": ["name": user.name, "password": user.password.value, "domain": ["name": user.domain]]],
                ],
                "scope": scope,
            ]
        ]
        var token = try await request(password, token: nil)
        if let agency {
            let assume: [String: Any] = [
                "auth": [
                    "identity": ["methods": ["assume_role"], "assume_role": ["domain_name": agency.domain, "agency_name": agency.name]],
                    "scope": scope,
                ]
            ]
            token = try await request(assume, token: token.credentials)
        }
        return token
    }

    private func request(_ body: [String: Any], token: Credentials?) async throws(AutopilotError) -> FetchedCredentials {
        let service = "IAM token at \(region.iam)"
        var headers = [("Content-Type", "application/json;charset=UTF-8"), ("User-Agent", RolloutVersion.userAgent)]
        if case .token(let secret, _) = token { headers.append(("X-Auth-Token", secret.value)) }
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])).map(Array.init) ?? []
        let url = region.iam.url(path: "/v3/auth/tokens")
        let answer = try await ServiceCall(network: network).send(.POST, url, headers: headers, body: bytes, service: service)
        guard answer.status == 201 || answer.status == 200 else { throw ServiceCall.failure(answer, service: service) }
        guard let subject = answer.headers.first(name: "X-Subject-Token"), !subject.isEmpty else {
            throw AutopilotError(kind: .invalidResponse, httpStatus: answer.status, message: "\(service): the answer has no X-Subject-Token")
        }
        let fields = answer.json?["token"] as? [String: Any]
        let project = (fields?["project"] as? [String: Any])?["id"] as? String
        let expires = (fields?["expires_at"] as? String).flatMap(IAMTime.parse)
        return FetchedCredentials(credentials: .token(Secret(subject), projectID: project), expires: expires, source: source)
    }
}
