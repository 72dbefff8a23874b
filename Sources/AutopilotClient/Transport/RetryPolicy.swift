import Foundation
import HTTPTypes
import OpenAPIRuntime

/// When and how often a call is tried again: reads on connection errors, 429 and any 5xx; changes
/// only when the request cannot have been applied (never sent, or 429/503).
public struct RetryPolicy: Sendable {
    /// The most tries of one call, the first included.
    public var maxAttempts: Int
    /// The first backoff; each later one doubles, up to `maxDelay`, with jitter.
    public var baseDelay: Duration
    /// The longest wait between tries.
    public var maxDelay: Duration
    /// The most time a call takes, all its tries and the waits between them included.
    public var deadline: Duration

    /// The defaults: 4 tries, 200 ms doubling to 5 s, all within 120 s.
    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
        deadline: Duration = .seconds(120)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
    }

    /// One try only.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The jittered wait before try `attempt + 1` ("equal jitter": half fixed, half random).
    func backoff(after attempt: Int) -> Duration {
        let exponential = baseDelay * (1 << min(attempt - 1, 16))
        let capped = min(exponential, maxDelay)
        let half = capped / 2
        return half + half * Double.random(in: 0...1)
    }

    /// True when a response status may be answered by trying again.
    static func shouldRetry(status: Int, isRead: Bool) -> Bool {
        switch status {
        case 429, 503: return true
        case 500...599: return isRead
        default: return false
        }
    }

    /// The `Retry-After` of a response in seconds (delta-seconds form), capped at 30.
    static func retryAfter(_ response: HTTPResponse) -> Double? {
        guard let text = response.headerFields[.retryAfter], let seconds = Double(text.trimmingWhitespace),
            seconds >= 0
        else { return nil }
        return min(seconds, 30)
    }
}

/// Tries a call again as `RetryPolicy` allows; outside the signer, so every try is signed anew.
/// Every try waits for its slot at the client's adaptive rate, which a crowded second of 429s
/// slows; a 429 is tried again until the deadline (the service refused it unapplied), other
/// statuses up to `maxAttempts`. Each try, from send to the answer's last byte, ends within
/// `tryLimit`, and the call, tries and waits together, within the policy's deadline; an answer
/// longer than `answerLimit` is refused as it arrives.
struct RetryMiddleware: ClientMiddleware {
    let policy: RetryPolicy
    let path: CallPath
    let rate: AdaptiveRate
    let tryLimit: Duration
    let answerLimit: Int

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // The request's own body (ours, at most the gateway's 12 MB) is read once, for every try.
        var sent: HTTPBody?
        if let body { sent = HTTPBody(try await [UInt8](collecting: body, upTo: .max)) }
        // The time limits run `next` in a child task; it ends before `intercept` returns.
        return try await withoutActuallyEscaping(next) { next in
            try await withTimeLimit(policy.deadline) { [sent] in try await tries(request, sent, baseURL, next: next) }
        }
    }

    private func tries(
        _ request: HTTPRequest, _ body: HTTPBody?, _ baseURL: URL,
        next: @escaping @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let isRead = request.method == .get || request.method == .head
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let wait: Duration
            do {
                try await rate.acquire()
                // The whole body is read inside the try, so a connection that drops mid-answer is a
                // transport failure this loop can retry (or the caller can read back), not a
                // garbled answer, and a server that trickles is cut off at the try's limit.
                let (response, responseBody) = try await withTimeLimit(tryLimit) { [answerLimit] () async throws -> (HTTPResponse, HTTPBody?) in
                    let (response, streamed) = try await next(request, body, baseURL)
                    guard let streamed else { return (response, nil) }
                    return (response, HTTPBody(try await streamed.collectAnswer(limit: answerLimit)))
                }
                rate.answered(throttled: response.status.code == 429)
                guard attempt < policy.maxAttempts || (response.status.code == 429 && policy.maxAttempts > 1),
                    RetryPolicy.shouldRetry(status: response.status.code, isRead: isRead)
                else { return (response, responseBody) }
                let asked = RetryPolicy.retryAfter(response).map { Duration.milliseconds(Int($0 * 1000)) }
                wait = max(asked ?? .zero, policy.backoff(after: attempt))
                guard clock.now - start + wait < policy.deadline else { return (response, responseBody) }
            } catch {
                let cause = TransportFailureClassifier.unwrap(error)
                if cause is CancellationError || Task.isCancelled { throw error }
                if cause is AutopilotError { throw error }
                let failure = TransportFailureClassifier.failure(for: cause, path: path)
                guard attempt < policy.maxAttempts, isRead, failure.worthRetrying else { throw error }
                wait = policy.backoff(after: attempt)
                guard clock.now - start + wait < policy.deadline else { throw error }
            }
            try await Task.sleep(for: wait)
        }
    }
}

extension HTTPBody {
    /// The whole body, refused with a clear error as soon as it is known to be longer than `limit`
    /// bytes (from its length, or as its chunks arrive), so a flood never fills memory.
    func collectAnswer(limit: Int) async throws -> [UInt8] {
        let tooLong = AutopilotError(
            kind: .invalidResponse,
            message: "the answer is longer than \(limit >> 20) MiB, the most rollout reads of one answer")
        if case .known(let length) = length, length > limit { throw tooLong }
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.count <= limit else { throw tooLong }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }
}
