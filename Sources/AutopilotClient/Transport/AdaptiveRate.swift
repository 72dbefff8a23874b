import Synchronization

/// The client's own request rate, adapted to the service's throttling in the spirit of the AWS
/// SDKs' adaptive retry mode. It is unlimited until, within one second, at least three answers and
/// a tenth of them are 429s; then requests are paced (evenly spaced) at a little under the rate the
/// service accepted in that second, which is what its limit lets through. After a second with no
/// 429 the rate grows by a tenth, after one with a few by 2%, so it finds room again quickly and
/// then creeps; the next crowded second sets it anew. A 429 or two among few answers, which a
/// flaky gateway gives whatever the load, does not slow it, nor does a window stretched by an idle
/// spell, whose rate says nothing of the service's limit.
final class AdaptiveRate: Sendable {
    private struct State {
        /// Requests a second; nil while unlimited.
        var rate: Double?
        /// When the next request may go.
        var nextSlot: ContinuousClock.Instant = .now
        /// The current one-second window: answers that got through, and 429s.
        var windowStart: ContinuousClock.Instant = .now
        var admitted = 0
        var throttled = 0
    }

    /// The lowest rate it slows to.
    static let floor = 1.0
    /// The share of 429 answers in a second that counts as being throttled, and the fewest 429s
    /// that do.
    static let crowded = 0.1, evidence = 3
    /// The longest window judged; a longer one was mostly idle.
    static let longestWindow = 2.0
    /// The share of the accepted rate it paces at.
    static let margin = 0.95
    /// How much the rate grows after a second with no 429, and after one with a few.
    static let climbFreely = 1.1, climbCarefully = 1.02

    private let state = Mutex(State())

    /// The rate in force, nil when unlimited.
    var currentRate: Double? { state.withLock { $0.rate } }

    /// Waits for the request's slot.
    func acquire() async throws {
        let wait = reserve(at: .now)
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    /// Takes the next slot for a request that is ready at `now`, and says how long it must wait
    /// for it; kept apart from `acquire` so tests can drive the rate on a clock of their own.
    func reserve(at now: ContinuousClock.Instant) -> Duration {
        state.withLock { state in
            Self.closeWindow(&state, at: now)
            guard let rate = state.rate else { return .zero }
            let slot = max(now, state.nextSlot)
            state.nextSlot = slot + .microseconds(Int64(1_000_000 / rate))
            return slot - now
        }
    }

    /// The service answered a request at `now`: with a 429, or otherwise.
    func answered(throttled: Bool, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            Self.closeWindow(&state, at: now)
            if throttled { state.throttled += 1 } else { state.admitted += 1 }
        }
    }

    /// Ends the window once a second has passed: when it was crowded, the rate becomes what the
    /// service accepted in it; else a paced rate grows.
    private static func closeWindow(_ state: inout State, at now: ContinuousClock.Instant) {
        let length = seconds(now - state.windowStart)
        guard length >= 1 else { return }
        let answers = state.admitted + state.throttled
        if length > longestWindow {
            // Idle: neither a limit nor room for more was seen.
        } else if state.throttled >= evidence, Double(state.throttled) / Double(answers) >= crowded {
            state.rate = max(floor, Double(state.admitted) / length * margin)
        } else if let rate = state.rate {
            state.rate = rate * (state.throttled == 0 ? climbFreely : climbCarefully)
        }
        state.windowStart = now
        state.admitted = 0
        state.throttled = 0
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
