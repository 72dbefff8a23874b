import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Injects the configured faults on the Huawei paths: latency, error answers instead of handling,
/// and connections dropped after the request was handled (so a change may be applied unanswered).
struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: EmulatorStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !request.uri.path.hasPrefix(ControlRoutes.prefix) else { return try await next(request, context) }
        let faults = store.settings.withLock { $0.faults }
        if faults.latencyMs > 0 { try await Task.sleep(for: .milliseconds(faults.latencyMs)) }
        if faults.errorRate > 0, Double.random(in: 0..<1) < faults.errorRate {
            throw InjectedFault(status: faults.errorStatuses.randomElement() ?? 503, retryAfterSeconds: faults.retryAfterSeconds)
        }
        let response = try await next(request, context)
        if faults.dropRate > 0, Double.random(in: 0..<1) < faults.dropRate {
            var dropped = response
            dropped.headers[.contentLength] = "1048576"
            dropped.body = ResponseBody { _ in throw DroppedConnection() }
            return dropped
        }
        return response
    }
}

/// Thrown while writing a body so the server closes the connection mid-answer.
struct DroppedConnection: Error {}
