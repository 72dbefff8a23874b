import Foundation
import RolloutRuntime
import Synchronization

/// Hears what others ask of this run (`rollout approve`, `hold`, `abort`) while it runs: woken at
/// once where the store can tell (PostgreSQL's LISTEN), and at least every second. A hold stops new
/// members and statements from starting; an abort halts a rollout with its policy; an approval
/// passes a gate that waits for one. Each is said in the run's output with who asked.
final class RequestWatcher: Sendable {
    /// The gates approved from elsewhere, by whom, and the gates waiting for an approval.
    private struct Approvals {
        var given: [String: String] = [:]
        var waiting: [String: [CheckedContinuation<String?, Never>]] = [:]
    }

    private let approvals = Mutex(Approvals())
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Who may pass each gate of the run, by its name (empty: anyone).
    private let gates: [String: [String]]

    private init(gates: [String: [String]]) { self.gates = gates }

    /// Starts hearing the run's requests; those made before it started (by an earlier try) are
    /// passed over. `gates` says who may pass each gate (`Script.gates`).
    static func start(
        store: any StateStore, run: String, gates: [String: [String]] = [:], interpreter: Interpreter, renderer: Renderer
    ) async -> RequestWatcher {
        let watcher = RequestWatcher(gates: gates)
        let heard = (try? await store.requests(for: run, after: 0).last?.number) ?? 0
        let wakeups = store.wakeups(for: run)
        watcher.task.withLock { task in
            task = Task { [weak watcher] in
                var heard = heard
                for await _ in wakeups {
                    guard let watcher, let requests = try? await store.requests(for: run, after: heard) else { continue }
                    for (number, request) in requests {
                        heard = number
                        watcher.act(on: request, interpreter: interpreter, renderer: renderer)
                    }
                }
            }
        }
        return watcher
    }

    private func act(on request: RunRequest, interpreter: Interpreter, renderer: Renderer) {
        switch request.kind {
        case .hold:
            renderer.note("⏸ held by \(request.author) (rollout hold): nothing more starts; what runs finishes its block")
            interpreter.hold(by: "\(request.user) on \(request.host) (rollout hold)")
        case .abort:
            renderer.note("⏹ aborted by \(request.author) (rollout abort): a running rollout halts with its policy")
            interpreter.halt(by: "\(request.user) on \(request.host) (rollout abort)")
        case .approve:
            guard let gate = request.gate else { return }
            if let refusal = Self.refusal(of: request.user, for: gate, approvers: gates[gate] ?? [], runner: Who.user) {
                renderer.note("✘ gate '\(gate)': the approval by \(request.author) is refused: \(refusal)")
                return
            }
            let how = "approved by \(request.author) (rollout approve)"
            renderer.note("✔ gate '\(gate)' \(how)")
            let waiting = approvals.withLock { approvals in
                approvals.given[gate] = how
                return approvals.waiting.removeValue(forKey: gate) ?? []
            }
            for continuation in waiting { continuation.resume(returning: how) }
        }
    }

    /// Why a user may not pass a gate that names who may, or nil when they may: one of them, and
    /// not the user who runs the rollout.
    static func refusal(of user: String, for gate: String, approvers: [String], runner: String) -> String? {
        guard !approvers.isEmpty else { return nil }
        guard approvers.contains(user) else { return "only \(approvers.joined(separator: " or ")) may pass it" }
        guard user != runner else { return "\(user) runs this rollout, and someone else must pass its gate" }
        return nil
    }

    /// How a gate was approved from elsewhere, when it was; nil when it was not (yet).
    func given(_ gate: String) -> String? { approvals.withLock { $0.given[gate] } }

    /// How a gate was approved from elsewhere, waiting up to `limit` for it; nil when it was not.
    func approval(of gate: String, waiting limit: Duration) async -> String? {
        if let how = approvals.withLock({ $0.given[gate] }) { return how }
        guard limit > .zero else { return nil }
        return await withCheckedContinuation { continuation in
            let ready = approvals.withLock { approvals -> String? in
                if let how = approvals.given[gate] { return how }
                approvals.waiting[gate, default: []].append(continuation)
                return nil
            }
            if let ready { return continuation.resume(returning: ready) }
            Task {
                try? await Task.sleep(for: limit)
                self.giveUp(on: gate)
            }
        }
    }

    /// Ends the waits on a gate that no approval reached in time.
    private func giveUp(on gate: String) {
        let waiting = approvals.withLock { $0.waiting.removeValue(forKey: gate) ?? [] }
        for continuation in waiting { continuation.resume(returning: nil) }
    }

    /// Stops hearing requests.
    func stop() {
        task.withLock { $0?.cancel() }
    }
}
