public import Foundation
import Synchronization

/// A clock for the emulator that moves only when told, for tests that look at a release between states
/// (`PENDING_*`, `DELETING`) however slow the machine is.
///
/// ```swift
/// let clock = ManualClock()
/// try await withEmulator(configure: { $0.now = clock.read }) { client, _ in
///     clock.advance(by: 1)
/// }
/// ```
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// A clock that starts at `start`.
    public init(start: Date = Date()) { current = Mutex(start) }

    /// The time now, as the emulator's `now` wants it.
    public var read: @Sendable () -> Date { { self.current.withLock { $0 } } }

    /// Moves the clock on by `seconds`.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
