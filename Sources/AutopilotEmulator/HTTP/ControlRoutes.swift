import AutopilotClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The control endpoint, outside the Huawei paths and without authentication:
///
/// - `GET /_emulator/faults`, `PUT /_emulator/faults` (any subset of the fields), `DELETE /_emulator/faults`
/// - `GET /_emulator/settings`, `PUT /_emulator/settings` (`{"deployTime": 0.2, "faults": {...}}`)
/// - `GET /_emulator/changes`: accepted changes per release, `{"cluster/namespace/name": n}`
/// - `GET /_emulator/health`
enum ControlRoutes {
    static let prefix = "/_emulator"

    /// True for the emulator's own paths, outside Huawei's API (the control endpoint and `/metrics`):
    /// they take no signature and no injected faults.
    static func isOwn(_ path: String) -> Bool { path.hasPrefix(prefix) || path == MetricsRoutes.path }

    static func register<Context: RequestContext>(on router: Router<Context>, store: EmulatorStore) {
        let group = router.group(RouterPath(prefix))
        group.get("health") { _, _ in json(["status": "ok"]) }
        group.get("faults") { _, _ in try encode(store.settings.withLock { $0.faults }) }
        group.put("faults") { request, _ in
            let faults = try await decode(FaultSettings.self, from: request)
            if let problem = faults.problem { throw EmulatorError.badRequest(problem) }
            store.settings.withLock { $0.faults = faults }
            return try encode(faults)
        }
        group.delete("faults") { _, _ in
            store.settings.withLock { $0.faults = FaultSettings() }
            return try encode(FaultSettings())
        }
        group.get("settings") { _, _ in try encode(store.settings.withLock { $0 }) }
        group.put("settings") { request, _ in
            let settings = try await decode(EmulatorSettings.self, from: request)
            if let problem = settings.faults.problem { throw EmulatorError.badRequest(problem) }
            guard settings.deployTime >= 0, settings.deployTime <= 3600 else {
                throw EmulatorError.badRequest("deployTime must be between 0 and 3600 seconds")
            }
            store.settings.withLock { $0 = settings }
            return try encode(settings)
        }
        group.get("changes") { _, _ in try encode(store.changeCounts()) }
        group.get("requests") { _, _ in
            try encode([
                "admitted": store.requestCounts.admitted.load(ordering: .relaxed),
                "throttled": store.requestCounts.throttled.load(ordering: .relaxed),
            ])
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw EmulatorError.badRequest("The body is not a valid \(T.self) JSON object")
        }
    }

    private static func encode<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    private static func json(_ object: [String: String]) -> Response {
        (try? encode(object)) ?? Response(status: .ok)
    }
}
