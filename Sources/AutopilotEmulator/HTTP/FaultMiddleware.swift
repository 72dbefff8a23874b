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
        guard !ControlRoutes.isOwn(request.uri.path) else { return try await next(request, context) }
        let faults = store.settings.withLock { $0.faults }
        if faults.requestsPerSecond > 0, let wait = store.requestRate.take(perSecond: faults.requestsPerSecond) {
            store.requestCounts.throttled.add(1, ordering: .relaxed)
            throw InjectedFault(status: 429, retryAfterSeconds: Int(wait.rounded(.up)), requestLimit: true)
        }
        store.requestCounts.admitted.add(1, ordering: .relaxed)
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

/// A token bucket of requests: a second's worth of requests may come at once, then they come at the rate.
final class RequestRate: Sendable {
    private let bucket = Mutex<(tokens: Double, refilled: ContinuousClock.Instant)>((0, .now))
    private let started = Atomic<Bool>(false)

    /// Takes a token: nil when the request may go on, else the seconds until the next token.
    func take(perSecond rate: Double) -> Double? {
        bucket.withLock { bucket in
            let now = ContinuousClock.now
            if !started.exchange(true, ordering: .relaxed) { bucket.tokens = rate }
            let elapsed = now - bucket.refilled
            bucket.tokens = min(rate, bucket.tokens + rate * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            bucket.refilled = now
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// Thrown while writing a body so the server closes the connection mid-answer.
struct DroppedConnection: Error {}

/// How many API requests came in: those the request-rate limit let through, and those it answered 429.
final class RequestCounts: Sendable {
    let admitted = Atomic<Int>(0)
    let throttled = Atomic<Int>(0)
}
