import Foundation
import AutopilotModels
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// A rollout's live board on a terminal: a line for the rollout, one per wave with its counts, and
/// rows for the members in motion, redrawn in place at most ten times a second.
final class FleetBoard: Sendable {
    private struct State {
        var overview: FleetOverview
        var states: [MemberTag: MemberState] = [:]
        var startedAt: [MemberTag: ContinuousClock.Instant] = [:]
        var wave = 0
        /// Each member's analyses: the last value and the measurements that passed and failed.
        var analyses: [MemberTag: [String: (last: String, passed: Int, failed: Int)]] = [:]
        var note: String?
        var drawnLines = 0
        var closed = false
    }

    private let style: Style
    private let start: ContinuousClock.Instant
    private let state: Mutex<State>
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    /// A board for a rollout laid out so; it draws until `close()`.
    convenience init(_ overview: FleetOverview, style: Style) {
        self.init(State(overview: overview), style: style, start: .now)
    }

    private init(_ initial: State, style: Style, start: ContinuousClock.Instant) {
        self.style = style
        self.start = start
        var fresh = initial
        fresh.drawnLines = 0
        fresh.closed = false
        state = Mutex(fresh)
        let task = Task { [weak self] in
            while !Task.isCancelled {
                self?.draw()
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Takes in a rollout event.
    func take(_ event: FleetEvent) {
        state.withLock { state in
            switch event {
            case .member(let tag, let memberState):
                if memberState == .running { state.startedAt[tag] = .now }
                state.states[tag] = memberState
            case .waveBegan(let wave):
                state.wave = wave
                if state.note?.hasPrefix("soaking") == true { state.note = nil }
            case .soaking(let wave, let length, let analyses): state.note = "soaking \(DurationText.format(length)) after wave \(wave)" + Renderer.measuring(analyses)
            case .halted(let reason): state.note = reason
            case .policy(let policy, let members): state.note = "\(policy.spelling): \(members) member\(members == 1 ? "" : "s")"
            default: break
            }
        }
    }

    /// Takes in a measurement of a member's analysis.
    func take(_ measurement: AnalysisMeasurement, of tag: MemberTag) {
        state.withLock { state in
            var seen = state.analyses[tag, default: [:]][measurement.analysis] ?? ("", 0, 0)
            seen.last = measurement.value ?? measurement.verdict.rawValue
            if measurement.verdict == .passed { seen.passed += 1 } else { seen.failed += 1 }
            state.analyses[tag, default: [:]][measurement.analysis] = seen
        }
    }

    /// A new board, below whatever was written since this one closed, that goes on from its states.
    func resumed() -> FleetBoard {
        FleetBoard(state.withLock { $0 }, style: style, start: start)
    }

    /// Draws the last frame, the rollout and wave lines without the member rows (the table that
    /// follows has every member), and stops redrawing.
    func close() {
        ticker.withLock { $0?.cancel() }
        draw(members: false)
        state.withLock { $0.closed = true }
    }

    /// Redraws in place.
    private func draw(members: Bool = true) {
        let frame: String? = state.withLock { state in
            guard !state.closed else { return nil }
            let lines = render(state, members: members)
            var out = state.drawnLines > 0 ? "\u{1B}[\(state.drawnLines)A" : ""
            for line in lines { out += "\r\u{1B}[K" + line + "\n" }
            out += "\u{1B}[J"
            state.drawnLines = lines.count
            return out
        }
        if let frame { Console.write(frame) }
    }

    /// The board's lines: a header, a line per wave, the members in motion (then the failed, then
    /// the rest of the current wave) as fit the terminal, and a line for those left out.
    private func render(_ state: State, members: Bool) -> [String] {
        let overview = state.overview
        let elapsed = ResultText.seconds(ContinuousClock.now - start)
        var lines = [
            style.bold("rollout \(overview.group)") + "  wave \(max(state.wave, 1)) of \(overview.waves.count)  ·  \(overview.parallel) at a time  ·  \(elapsed)"
        ]
        var all: [MemberTag] = []
        for (index, wave) in overview.waves.enumerated() {
            let tags = wave.enumerated().map { MemberTag(member: $0.element, wave: index + 1, index: all.count + $0.offset) }
            all += tags
            let counts = MemberState.counts(tags.map { state.states[$0] ?? .queued })
            lines.append("  wave \(index + 1)  \(wave.count) member\(wave.count == 1 ? "" : "s"): " + counts.map { "\($0.count) \(style.status($0.state))" }.joined(separator: ", "))
        }
        if let note = state.note { lines.append(style.yellow("  \(note)")) }
        guard members else { return lines }
        let rowsFree = max(3, (Terminal.size()?.rows ?? 24) - lines.count - 2)
        let ranked = all.filter { state.wave == 0 || $0.wave <= state.wave }.sorted { Self.rank(state.states[$0]) < Self.rank(state.states[$1]) }
        let shown = ranked.prefix(rowsFree)
        let width = min(48, shown.map(\.member.label.terminalSafe.count).max() ?? 0)
        for tag in shown.sorted(by: { $0.index < $1.index }) {
            let memberState = state.states[tag] ?? .queued
            let time = state.startedAt[tag].map { ResultText.seconds(ContinuousClock.now - $0) } ?? ""
            let full = tag.member.label.terminalSafe
            let label = full.count > width ? String(full.prefix(width - 1)) + "…" : full
            var row = "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + style.status(memberState.shown)
            row += String(repeating: " ", count: max(1, 18 - memberState.shown.count)) + style.dim(memberState.isFinal ? "" : time)
            for (name, seen) in (state.analyses[tag] ?? [:]).sorted(by: { $0.key < $1.key }) {
                row += " " + name.terminalSafe + " " + seen.last.terminalSafe + " " + style.green("✔\(seen.passed)") + (seen.failed > 0 ? " " + style.red("✘\(seen.failed)") : "")
            }
            if let reason = memberState.reason { row += style.dim(" " + String(reason.terminalSafe.prefix(60))) }
            lines.append(row)
        }
        if ranked.count > shown.count {
            lines.append(style.dim("  … \(ranked.count - shown.count) more member\(ranked.count - shown.count == 1 ? "" : "s") not shown"))
        }
        return lines
    }

    /// Members in motion first, then failed ones, then finished, then queued.
    private static func rank(_ state: MemberState?) -> Int {
        switch state ?? .queued {
        case .running, .changing, .status, .rollingBack: return 0
        case .failed, .rollbackFailed, .interrupted: return 1
        case .queued, .notStarted: return 3
        default: return 2
        }
    }
}
