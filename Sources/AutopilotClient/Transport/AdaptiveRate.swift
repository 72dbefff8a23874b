import Synchronization

/// The client's own request rate, adapted to the service's throttling as the AWS SDKs' adaptive
/// retry mode does: unlimited until the service first answers 429, then a paced rate that drops
/// to 80% of what was being sent at each throttle (at most once a half-second, since the answers
/// to one burst arrive together) and climbs back by `climb` requests a second, every second.
/// Requests are spaced evenly at the rate rather than let through in bursts.
final class AdaptiveRate: Sendable {
    private struct State {
        /// Requests a second; nil while no throttle was seen.
        var rate: Double?
        /// When the next request may go.
        var nextSlot: ContinuousClock.Instant = .now
        var lastChange: ContinuousClock.Instant = .now
        /// Requests sent in the current second, and the rate of the one before.
        var windowStart: ContinuousClock.Instant = .now
        var windowCount = 0
        var lastWindowRate = 0.0

        /// Counts a request in the current one-second window.
        mutating func count(at now: ContinuousClock.Instant) {
            if now - windowStart >= .seconds(1) {
                lastWindowRate = Double(windowCount) / max(1, Double((now - windowStart).components.seconds))
                windowStart = now
                windowCount = 0
            }
            windowCount += 1
        }
    }

    /// The lowest rate it slows to.
    static let floor = 1.0
    /// How much the rate grows each second without a throttle.
    static let climb = 2.0
    /// The share of the sending rate kept at a throttle.
    static let cut = 0.8

    private let state = Mutex(State())

    /// The rate in force, nil when unlimited.
    var currentRate: Double? { state.withLock { $0.rate } }

    /// Waits for the request's slot.
    func acquire() async throws {
        let wait: Duration = state.withLock { state in
            let now = ContinuousClock.now
            state.count(at: now)
            guard var rate = state.rate else { return .zero }
            let seconds = Self.seconds(now - state.lastChange)
            if seconds >= 1 {
                rate += Self.climb * seconds.rounded(.down)
                state.lastChange = now
                state.rate = rate
            }
            let slot = max(now, state.nextSlot)
            state.nextSlot = slot + .milliseconds(Int64(1000 / rate))
            return slot - now
        }
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    /// The service throttled a request.
    func throttled() {
        state.withLock { state in
            let now = ContinuousClock.now
            if state.rate != nil, now - state.lastChange < .milliseconds(500) { return }
            let sending = max(state.lastWindowRate, Double(state.windowCount) / max(0.1, Self.seconds(now - state.windowStart)))
            state.rate = max(Self.floor, min(state.rate ?? .infinity, sending) * Self.cut)
            state.lastChange = now
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
