public import AutopilotModels
public import Foundation
import NIOHTTP1

/// A Prometheus server's HTTP query API (`POST /api/v1/query`), as a source of measurements, through
/// the same proxy and TLS settings as the Autopilot calls.
public struct PrometheusSource: MetricsAPI {
    /// The server's base URL (`http://prometheus:9090`).
    public var url: URL
    /// Proxies and TLS trust.
    public var network: NetworkSettings
    /// How long a query may take, answer included.
    public var timeout: Duration
    /// How it proves who asks, if the server wants to know.
    public var authorization: Authorization?
    /// Connections to reuse from query to query; nil for a connection per query.
    public var pool: ConnectionPool?

    /// How a source proves who asks.
    public enum Authorization: Sendable {
        /// Basic authentication: a user and password.
        case basic(user: String, password: Secret)
        /// A bearer token (a reverse proxy's, or a managed Prometheus's).
        case bearer(Secret)

        /// The `Authorization` header's value.
        var header: String {
            switch self {
            case .basic(let user, let password): return "Basic " + Data("\(user):\(password.value)".utf8).base64EncodedString()
            case .bearer(let token): return "Bearer \(token.value)"
            }
        }
    }

    /// A source at `url`.
    public init(
        url: URL, authorization: Authorization? = nil, network: NetworkSettings = NetworkSettings(), timeout: Duration = .seconds(10),
        pool: ConnectionPool? = nil
    ) {
        self.pool = pool
        self.url = url
        self.authorization = authorization
        self.network = network
        self.timeout = timeout
    }

    /// Sends the query as a form (a long query does not fit every URL) and reads the answer.
    public func query(_ promql: String) async throws -> MetricAnswer {
        let form = "query=" + (promql.addingPercentEncoding(withAllowedCharacters: Self.formValue) ?? promql)
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if let authorization { headers.append(("Authorization", authorization.header)) }
        let name = "Prometheus at \(url.absoluteString)"
        let answer = try await ServiceCall(network: network, timeout: timeout, pool: pool).send(
            .POST, url.appendingPathComponent("api/v1/query"), headers: headers, body: Array(form.utf8), service: name)
        return try PrometheusAnswer.read(answer.status, answer.body, source: name)
    }

    /// What a form value may hold unencoded.
    static let formValue = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
}

/// The Prometheus query API's answer (`{"status": "success", "data": {"resultType", "result"}}`, or
/// `{"status": "error", "errorType", "error"}`), shared by every source that speaks it.
enum PrometheusAnswer {
    static func read(_ status: Int, _ body: [UInt8], source: String) throws(AutopilotError) -> MetricAnswer {
        let json = try? JSONValue.parse(String(decoding: body, as: UTF8.self))
        if json?["status"] == "error" || !(200..<300).contains(status) {
            let type = json?["errorType"]?.scalarText.map { "\($0): " } ?? ""
            let message = json?["error"]?.scalarText ?? "HTTP \(status): \(ErrorBody.snippet(body))"
            throw AutopilotError(kind: .api, httpStatus: status, message: "\(source) refused the query: \(type)\(message)")
        }
        guard json?["status"] == "success", let data = json?["data"], let type = data["resultType"]?.scalarText, let result = data["result"] else {
            throw AutopilotError(
                kind: .invalidResponse, httpStatus: status,
                message: "\(source): the answer is not a query result: \(ErrorBody.snippet(body))")
        }
        switch (type, result) {
        case ("scalar", .array(let sample)):
            return answer(sample)
        case ("vector", .array(let series)):
            if series.isEmpty { return .noData }
            if series.count == 1, case .array(let sample)? = series[0]["value"] { return answer(sample) }
            var byLabels: [String: Double] = [:]
            for one in series {
                guard case .array(let sample)? = one["value"], case .value(let value) = answer(sample) else { continue }
                byLabels[labels(one["metric"])] = value
            }
            return .series(byLabels)
        default:
            throw AutopilotError(
                kind: .invalidRequest, httpStatus: status,
                message: "\(source): the query gives a \(type), and an analysis needs one number (a scalar, or a vector of one series)")
        }
    }

    /// A sample `[time, "value"]`: its value, `NaN` as no data.
    private static func answer(_ sample: [JSONValue]) -> MetricAnswer {
        guard sample.count == 2, let value = sample[1].scalarText.flatMap(Double.init), !value.isNaN else { return .noData }
        return .value(value)
    }

    /// A series' labels as PromQL writes them: `{code="500",release="web-01"}`.
    private static func labels(_ metric: JSONValue?) -> String {
        guard case .object(let labels)? = metric else { return "{}" }
        return "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value.scalarText ?? "")\"" }.joined(separator: ",") + "}"
    }
}
