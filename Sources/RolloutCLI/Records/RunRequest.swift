import Foundation

/// What someone elsewhere asks of a running run (`rollout approve`, `hold`, `abort`): kept by the
/// state store with who asked and when, so that it is on record whether or not the run heard it.
struct RunRequest: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        /// Pass a gate.
        case approve
        /// Start no more members or statements; the run holds as it is.
        case hold
        /// Halt a running rollout with its policy (or stop before the next statement).
        case abort
    }

    var kind: Kind
    /// The gate, for `approve`.
    var gate: String?
    var user: String
    var host: String
    var time: String

    /// A request made by this user on this host, now.
    static func now(_ kind: Kind, gate: String? = nil) -> RunRequest {
        RunRequest(kind: kind, gate: gate, user: Who.user, host: Who.host, time: Date().formatted(Journal.timeFormat))
    }

    /// Who asked, in words: `alice on ci-9 at 2026-12-06T08:00:00Z`.
    var author: String { "\(user) on \(host) at \(time)" }
}

/// Streams of wake-ups for a run's requests.
enum Wakeups {
    /// A wake-up every `interval`, until the stream is dropped.
    static func every(_ interval: Duration, also more: (@Sendable (AsyncStream<Void>.Continuation) async -> Void)? = nil) -> AsyncStream<Void> {
        AsyncStream { continuation in
            let timer = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield()
                }
            }
            let listener = more.map { more in Task { await more(continuation) } }
            continuation.onTermination = { _ in
                timer.cancel()
                listener?.cancel()
            }
        }
    }
}
