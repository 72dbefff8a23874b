import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

/// AOM's Prometheus-compatible instant query, `GET` or `POST /v1/{project_id}/aom/api/v1/query`
/// with `query` (and `time`) in the URL or a form body: signed like the release API (the signature
/// middleware checks it, as the gateway would), answered in Prometheus' own shape by the Prometheus
/// server behind it, the way AOM answers for the metrics a cloud project's clusters report. The
/// emulator does not evaluate PromQL itself.
enum AOMRoutes {
    static let path = "/v1/:project/aom/api/v1/query"

    static func register<Context: RequestContext>(on router: Router<Context>, backend: @escaping @Sendable () -> URL?, projectID: String) {
        let answer: @Sendable (Request, Context) async throws -> Response = { request, context in
            guard context.parameters.get("project") == projectID else {
                return error(404, "not_found", "no project \(context.parameters.get("project") ?? "") in this account")
            }
            var form = request.uri.queryParameters.reduce(into: [String: String]()) { $0[String($1.key)] = String($1.value) }
            if request.method == .post {
                let body = try await request.body.collect(upTo: 1 << 20)
                for (key, value) in formPairs(String(buffer: body)) where form[key] == nil { form[key] = value }
            }
            guard let query = form["query"], !query.isEmpty else { return error(400, "bad_data", "invalid parameter \"query\": empty") }
            guard let backend = backend() else {
                return error(503, "unavailable", "the emulator has no Prometheus behind its AOM API: start it with --aom-backend URL")
            }
            return await forward(query: query, time: form["time"], to: backend)
        }
        router.get(RouterPath(path), use: answer)
        router.post(RouterPath(path), use: answer)
    }

    /// Asks the backend and passes its answer on as it is.
    private static func forward(query: String, time: String?, to backend: URL) async -> Response {
        var request = HTTPClientRequest(url: backend.appendingPathComponent("api/v1/query").absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let pairs = [("query", query)] + (time.map { [("time", $0)] } ?? [])
        request.body = .bytes(ByteBuffer(string: pairs.map { "\($0)=\(encode($1))" }.joined(separator: "&")))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 16 << 20)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: body))
        } catch {
            return Self.error(503, "unavailable", "the Prometheus behind the AOM API (\(backend.absoluteString)) did not answer: \(error)")
        }
    }

    /// An error in Prometheus' shape, as AOM gives one.
    private static func error(_ status: Int, _ type: String, _ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["status": "error", "errorType": type, "error": message])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `a=1&b=x%20y` as pairs, decoded (`+` is a space in a form).
    private static func formPairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    private static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
