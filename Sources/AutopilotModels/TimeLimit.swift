import Foundation

/// Runs `body` and gives up on it after `limit`: the body is cancelled (the HTTP client then drops
/// its connection) and `TimeLimitExceeded` is thrown, so no server can stretch a call or a
/// statement by sending slowly. The HTTP client's own timeouts are per read; this one holds for
/// headers, body, retries and waits together.
public func withTimeLimit<T: Sendable>(
    _ limit: Duration, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    guard limit > .zero else { throw TimeLimitExceeded(limit: limit) }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimeLimitExceeded(limit: limit) }
        return value
    }
}

/// A call, try or statement that outlasted its time limit.
public struct TimeLimitExceeded: Error, CustomStringConvertible {
    /// The limit it outlasted.
    public let limit: Duration
    /// `no complete answer within 60s`.
    public var description: String { "no complete answer within \(limit.formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))" }
}
