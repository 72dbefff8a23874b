import Synchronization

/// What an interrupt reaches, shared by an interpreter and the ones that run a rollout's members:
/// whether a rollout is running (then the first Ctrl-C only stops new members from starting), and
/// the read-backs under way after a cut-off change (which a later Ctrl-C stops).
final class RunControl: Sendable {
    /// Why a run stops early: an interrupt, or a person elsewhere holding or halting it.
    enum Stop: Sendable, Equatable {
        /// Ctrl-C: no member starts from now on.
        case interrupt
        /// No member or statement starts from now on; the run holds as it is (`rollout hold`).
        case hold(String)
        /// A rollout halts as its halt rule would, with its policy (`rollout abort`).
        case halt(String)
    }

    private struct State {
        var rollouts = 0
        var stopRequested = false
        /// A stop asked from elsewhere, which lasts until the run ends.
        var remote: Stop?
        var readBacks: [Int: Task<ReadBack, Never>] = [:]
        var nextReadBack = 0
    }

    private let state = Mutex(State())

    /// Asks a running rollout to start no more members; false when no rollout is running.
    func requestStop() -> Bool {
        state.withLock { state in
            guard state.rollouts > 0 else { return false }
            state.stopRequested = true
            return true
        }
    }

    /// True once a stop was asked for.
    var stopRequested: Bool { state.withLock { $0.stopRequested || $0.remote != nil } }

    /// The stop asked for: a hold or halt from elsewhere, else an interrupt; nil when none was.
    var stop: Stop? { state.withLock { $0.remote ?? ($0.stopRequested ? .interrupt : nil) } }

    /// A hold or halt asked from elsewhere: it reaches the rollout running, or the next statement.
    func request(_ stop: Stop) { state.withLock { if $0.remote == nil { $0.remote = stop } } }

    /// A rollout starts: until it ends, the first Ctrl-C only stops new members from starting.
    func rolloutBegan() { state.withLock { $0.rollouts += 1 } }

    /// A rollout ended.
    func rolloutEnded() {
        state.withLock { state in
            state.rollouts -= 1
            if state.rollouts == 0 { state.stopRequested = false }
        }
    }

    /// Keeps a read-back while it runs, so `skipReadBacks` can stop it.
    func track(_ task: Task<ReadBack, Never>) -> Int {
        state.withLock { state in
            state.nextReadBack += 1
            state.readBacks[state.nextReadBack] = task
            return state.nextReadBack
        }
    }

    /// Forgets a finished read-back.
    func untrack(_ id: Int) { state.withLock { _ = $0.readBacks.removeValue(forKey: id) } }

    /// Stops every read-back under way.
    func skipReadBacks() { state.withLock { $0.readBacks.values.forEach { $0.cancel() } } }
}
