import AutopilotModels
import Synchronization

/// A rollout's record while it runs: each member's state, and the changes each member's block
/// made (for the halt policy's rollbacks and the soak's second look). Members run side by side,
/// so it is behind a lock.
final class FleetBook: Sendable {
    private struct State {
        var states: [MemberState]
        var changes: [[ChangeRecord]]
    }

    let tags: [MemberTag]
    private let state: Mutex<State>

    /// A book of these members, all queued.
    init(tags: [MemberTag]) {
        self.tags = tags
        state = Mutex(State(states: Array(repeating: .queued, count: tags.count), changes: Array(repeating: [], count: tags.count)))
    }

    /// A member's state.
    func state(of tag: MemberTag) -> MemberState { state.withLock { $0.states[tag.index] } }

    /// Sets a member's state.
    func set(_ tag: MemberTag, _ new: MemberState) { state.withLock { $0.states[tag.index] = new } }

    /// Notes a change a member's block made (its result, not its intent).
    func note(_ record: ChangeRecord, of tag: MemberTag) {
        guard record.outcome.madeTheChange else { return }
        state.withLock { $0.changes[tag.index].append(record) }
    }

    /// The changes a member made, oldest first.
    func changes(of tag: MemberTag) -> [ChangeRecord] { state.withLock { $0.changes[tag.index] } }

    /// How many members failed.
    var failedCount: Int {
        state.withLock { $0.states.filter { if case .failed = $0 { true } else { false } }.count }
    }

    /// Every member with its state, in group order.
    var snapshot: [(tag: MemberTag, state: MemberState)] {
        let states = state.withLock { $0.states }
        return Array(zip(tags, states)).map { (tag: $0.0, state: $0.1) }
    }

    /// Marks every member still queued as never started.
    func markUnstarted() {
        state.withLock { state in
            for index in state.states.indices where state.states[index] == .queued { state.states[index] = .notStarted }
        }
    }
}
