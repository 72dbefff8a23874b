import AutopilotModels
import Foundation
import RolloutRuntime
import Synchronization

/// Puts up how a run stands for `rollout watch`, as it goes: the lines it prints (its human output,
/// plain, secrets masked, through a renderer the run's own renderer mirrors to) and the board of the
/// rollout it runs. It puts the view up at most twice a second and once more at the end. A view
/// that cannot be put up is said once and passed over: the run changes nothing by it.
final class RunPublisher: Sendable {
    /// What has been printed and is on the board, shared with the renderer's output.
    private final class Pending: Sendable {
        struct State {
            var printed = 0
            var lines: [String] = []
            var board: BoardState?
            var changed = false
        }

        let state = Mutex(State())

        func add(_ text: String) {
            let lines = SecretValues.known.mask(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            state.withLock { state in
                state.lines += lines
                state.printed += lines.count
                // Trimmed now and then rather than at every line, so that a busy run copies little.
                if state.lines.count > 2 * RunView.kept { state.lines.removeFirst(state.lines.count - RunView.kept) }
                state.changed = true
            }
        }
    }

    /// The board's member rows in a view.
    static let memberRows = 20

    private let pending = Pending()
    private let store: any StateStore
    private let run: String
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let failed = Mutex(false)
    /// The renderer whose lines are put up (`Renderer.mirror(to:)`).
    let renderer: Renderer

    /// Starts putting up the view of a run in a store.
    init(store: any StateStore, run: String) {
        self.store = store
        self.run = run
        let pending = pending
        renderer = Renderer(
            format: .human, color: false, live: false, board: false, runID: run,
            output: RenderOutput(out: { pending.add($0) }, err: { pending.add($0) }))
        task.withLock { task in
            task = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(500))
                    await self?.publish(onlyChanged: true)
                }
            }
        }
    }

    /// Takes in an event for the board (its lines come through the mirrored renderer).
    func take(_ event: RunEvent) {
        switch event {
        case .fleet(_, let fleetEvent):
            pending.state.withLock { state in
                switch fleetEvent {
                case .began(let overview): state.board = BoardState(overview)
                case .ended: state.board = nil
                default: state.board?.take(fleetEvent)
                }
                state.changed = true
            }
        case .measured(let info, let measurement, _):
            guard let tag = info.member else { return }
            pending.state.withLock { state in
                state.board?.take(measurement, of: tag)
                state.changed = true
            }
        default:
            break
        }
    }

    /// Puts up the last view and stops.
    func finish() async {
        task.withLock { $0?.cancel() }
        await publish(onlyChanged: false)
    }

    private func publish(onlyChanged: Bool) async {
        let view: RunView? = pending.state.withLock { state in
            guard state.changed || !onlyChanged else { return nil }
            state.changed = false
            let board = state.board?.lines(style: Style(enabled: false), memberRows: Self.memberRows) ?? []
            return RunView(
                printed: state.printed, lines: Array(state.lines.suffix(RunView.kept)), board: board.map { SecretValues.known.mask($0) },
                updated: Date().formatted(Journal.timeFormat))
        }
        guard let view else { return }
        do {
            try await store.publish(view, of: run)
        } catch {
            guard !failed.withLock({ was in defer { was = true }; return was }) else { return }
            Console.err("warning: rollout watch cannot follow this run: \(error)")
        }
    }
}
