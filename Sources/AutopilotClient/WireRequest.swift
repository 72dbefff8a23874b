import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

extension AutopilotClient {
    /// How a call goes on the wire, made by the same generated code that sends it; nothing is sent.
    public static func wireRequest(for call: ReleaseCall) async -> WireRequest {
        let capture = CaptureTransport()
        let client = AutopilotClient(capturingWith: capture)
        _ = try? await client.perform(call)
        return capture.first ?? WireRequest(method: "?", path: "?", body: nil)
    }

    /// Makes the call a value describes.
    func perform(_ call: ReleaseCall) async throws(AutopilotError) {
        switch call {
        case .releases(let cluster, let namespace, let chart): _ = try await releases(in: cluster, namespace: namespace, chart: chart)
        case .release(let name, let namespace, let cluster): _ = try await release(name, in: namespace, cluster: cluster)
        case .history(let name, let namespace, let cluster): _ = try await history(of: name, in: namespace, cluster: cluster)
        case .install(let name, let namespace, let cluster, let chart, let chartVersion, let values, let parameters, let description):
            _ = try await install(
                release: name, in: namespace, cluster: cluster, chart: chart, chartVersion: chartVersion, values: values,
                parameters: parameters, description: description)
        case .update(let name, let namespace, let cluster, let action, let chart, let values, let parameters):
            _ = try await update(release: name, in: namespace, cluster: cluster, action: action, chart: chart, values: values, parameters: parameters)
        case .uninstall(let name, let namespace, let cluster): try await uninstall(release: name, in: namespace, cluster: cluster)
        case .charts: _ = try await charts()
        case .chart(let id): _ = try await chart(id)
        case .chartValues(let id): _ = try await chartValues(id)
        case .clusters: _ = try await clusters(inProject: "PROJECT_ID")
        }
    }
}

/// A transport that keeps the first request it is given and answers every one with a status no
/// operation documents, so the call ends there.
final class CaptureTransport: ClientTransport, Sendable {
    private let captured = Mutex<WireRequest?>(nil)

    var first: WireRequest? { captured.withLock { $0 } }

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var json: JSONValue?
        if let body {
            let bytes = try await [UInt8](collecting: body, upTo: 20 << 20)
            json = try? bytes.withUnsafeBufferPointer { try JSONValue.parse(utf8: $0) }
        }
        let wire = WireRequest(method: request.method.rawValue, path: request.path ?? "", body: json)
        captured.withLock { if $0 == nil { $0 = wire } }
        return (HTTPResponse(status: .init(code: 599)), nil)
    }
}
