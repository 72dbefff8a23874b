public import AutopilotModels
import Foundation
import NIOHTTP1

/// AOM's Prometheus-compatible instant query in a region (`POST /v1/{project_id}/aom/api/v1/query`,
/// the query in the URL as AOM documents it), signed with the credentials of an `AutopilotClient`
/// as its own calls are: the same key, token or fetched temporary credentials, renewed once when
/// the gateway refuses them.
public struct AOMSource: MetricsAPI {
    /// AOM's endpoint, e.g. `https://aom.cn-north-4.myhuaweicloud.com`.
    public let endpoint: Endpoint
    /// How long a query may take, answer included.
    public var timeout: Duration
    let credentials: CredentialProvider
    let network: NetworkSettings
    let userAgent: String
    let now: @Sendable () -> Date
    /// The client's own connections.
    let pool: ConnectionPool?

    /// What errors call it: `AOM at https://…`.
    var name: String { "AOM at \(endpoint.url.absoluteString)" }

    /// Sends the query and reads the answer, which has Prometheus' shape.
    public func query(_ promql: String) async throws -> MetricAnswer {
        let active = try await credentials.current()
        guard let project = active.credentials.projectID else {
            throw AutopilotError(
                kind: .invalidRequest,
                message: "\(name) needs a project id: set a region (its project is looked up in IAM), project_id in the profile, or HUAWEICLOUD_SDK_PROJECT_ID")
        }
        var answer = try await send(promql, project: project, with: active)
        if answer.status == 401, credentials.canRenew, let renewed = try await credentials.renew(after: active) {
            answer = try await send(promql, project: project, with: renewed)
        }
        return try PrometheusAnswer.read(answer.status, answer.body, source: name)
    }

    private func send(_ promql: String, project: String, with active: CredentialProvider.Active) async throws(AutopilotError) -> ServiceCall.Answer {
        let path = "/v1/\(project)/aom/api/v1/query"
        let query = [(name: "query", value: promql)]
        var headers = [("User-Agent", userAgent), ("X-Project-Id", project)]
        switch active.credentials {
        case .none: break
        case .token(let token, _): headers.append(("X-Auth-Token", token.value))
        case .accessKey(let key):
            if let securityToken = key.securityToken { headers.append(("X-Security-Token", securityToken.value)) }
            if let signer = active.signer {
                let signable = SignableRequest(
                    method: "POST", path: endpoint.pathPrefix + path, query: query, headers: headers.map { (name: $0.0, value: $0.1) })
                let parts = signer.sign(signable, host: endpoint.hostHeader, date: now())
                headers += parts.addedHeaders.map { ($0.name, $0.value) }
                headers.append(("Authorization", parts.authorization))
            }
        }
        let url = endpoint.url(path: path, query: Canonical.query(query))
        return try await ServiceCall(network: network, timeout: timeout, pool: pool).send(.POST, url, headers: headers, service: name)
    }
}

extension AutopilotClient {
    /// AOM's query API at `endpoint`, signed as this client's calls are, over its connections.
    public func aom(at endpoint: Endpoint, timeout: Duration = .seconds(10)) -> AOMSource {
        AOMSource(
            endpoint: endpoint, timeout: timeout, credentials: credentials, network: configuration.network, userAgent: configuration.userAgent,
            now: configuration.now, pool: httpClient.map(ConnectionPool.init(client:)))
    }
}
