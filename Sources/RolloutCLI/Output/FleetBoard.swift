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
        var board: BoardState
        var frame = InPlace()
        var closed = false
    }

    private let style: Style
    private let state: Mutex<State>
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    /// A board for a rollout laid out so; it draws until `close()`.
    convenience init(_ overview: FleetOverview, style: Style) {
        self.init(BoardState(overview), style: style)
    }

    private init(_ board: BoardState, style: Style) {
        self.style = style
        state = Mutex(State(board: board))
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
        state.withLock { $0.board.take(event) }
    }

    /// Takes in a measurement of a member's analysis.
    func take(_ measurement: AnalysisMeasurement, of tag: MemberTag) {
        state.withLock { $0.board.take(measurement, of: tag) }
    }

    /// A new board, below whatever was written since this one closed, that goes on from its states.
    func resumed() -> FleetBoard {
        FleetBoard(state.withLock { $0.board }, style: style)
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
            let rows = members ? max(3, (Terminal.size()?.rows ?? 24) - state.board.overview.waves.count - 4) : 0
            return state.frame.draw(state.board.lines(style: style, memberRows: rows))
        }
        if let frame { Console.write(frame) }
    }
}

/// Lines drawn over the ones drawn before them, on a terminal.
struct InPlace: Sendable {
    /// How many lines the last frame had.
    private(set) var drawn = 0

    /// The text that puts these lines where the last frame's were; the first `kept` of them stay
    /// where they are, and the next frame starts below them.
    mutating func draw(_ lines: [String], keeping kept: Int = 0) -> String {
        var out = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
        for line in lines { out += "\r\u{1B}[K" + line + "\n" }
        out += "\u{1B}[J"
        drawn = lines.count - kept
        return out
    }
}

/// How a rollout stands, as its events told it: each member's state, the wave running, the
/// analyses' last measurements and a note. The terminal board draws it, and a run publishes its
/// lines for `rollout watch`.
struct BoardState: Sendable {
    var overview: FleetOverview
    private var states: [MemberTag: MemberState] = [:]
    private var startedAt: [MemberTag: ContinuousClock.Instant] = [:]
    private var wave = 0
    /// Each member's analyses: the last value and the measurements that passed and failed.
    private var analyses: [MemberTag: [String: (last: String, passed: Int, failed: Int)]] = [:]
    private var note: String?
    private let start = ContinuousClock.now

    /// The board of a rollout laid out so, before it starts.
    init(_ overview: FleetOverview) { self.overview = overview }

    /// Takes in a rollout event.
    mutating func take(_ event: FleetEvent) {
        switch event {
        case .member(let tag, let memberState):
            if memberState == .running { startedAt[tag] = .now }
            states[tag] = memberState
        case .waveBegan(let wave):
            self.wave = wave
            if note?.hasPrefix("soaking") == true { note = nil }
        case .soaking(let wave, let length, let analyses): note = "soaking \(DurationText.format(length)) after wave \(wave)" + Renderer.measuring(analyses)
        case .halted(let reason): note = reason
        case .policy(let policy, let members): note = "\(policy.spelling): \(members) member\(members == 1 ? "" : "s")"
        default: break
        }
    }

    /// Takes in a measurement of a member's analysis.
    mutating func take(_ measurement: AnalysisMeasurement, of tag: MemberTag) {
        var seen = analyses[tag, default: [:]][measurement.analysis] ?? ("", 0, 0)
        seen.last = measurement.value ?? measurement.verdict.rawValue
        if measurement.verdict == .passed { seen.passed += 1 } else { seen.failed += 1 }
        analyses[tag, default: [:]][measurement.analysis] = seen
    }

    /// The board's lines: a header, a line per wave, and up to `memberRows` members in motion (then
    /// the failed, then the rest of the current wave), with a line for those left out.
    func lines(style: Style, memberRows: Int) -> [String] {
        let elapsed = ResultText.seconds(ContinuousClock.now - start)
        var lines = [
            style.bold("rollout \(overview.group)") + "  wave \(max(wave, 1)) of \(overview.waves.count)  ·  \(overview.parallel) at a time  ·  \(elapsed)"
        ]
        var all: [MemberTag] = []
        for (index, members) in overview.waves.enumerated() {
            let tags = members.enumerated().map { MemberTag(member: $0.element, wave: index + 1, index: all.count + $0.offset) }
            all += tags
            let counts = MemberState.counts(tags.map { states[$0] ?? .queued })
            lines.append("  wave \(index + 1)  \(members.count) member\(members.count == 1 ? "" : "s"): " + counts.map { "\($0.count) \(style.status($0.state))" }.joined(separator: ", "))
        }
        if let note { lines.append(style.yellow("  \(note)")) }
        guard memberRows > 0 else { return lines }
        let ranked = all.filter { wave == 0 || $0.wave <= wave }.sorted { Self.rank(states[$0]) < Self.rank(states[$1]) }
        let shown = ranked.prefix(memberRows)
        let width = min(48, shown.map(\.member.label.terminalSafe.count).max() ?? 0)
        for tag in shown.sorted(by: { $0.index < $1.index }) {
            lines.append(row(tag, width: width, style: style))
        }
        if ranked.count > shown.count {
            lines.append(style.dim("  … \(ranked.count - shown.count) more member\(ranked.count - shown.count == 1 ? "" : "s") not shown"))
        }
        return lines
    }

    /// A member's row: its label, state, time in motion, analyses and why it failed.
    private func row(_ tag: MemberTag, width: Int, style: Style) -> String {
        let memberState = states[tag] ?? .queued
        let time = startedAt[tag].map { ResultText.seconds(ContinuousClock.now - $0) } ?? ""
        let full = tag.member.label.terminalSafe
        let label = full.count > width ? String(full.prefix(width - 1)) + "…" : full
        var row = "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + style.status(memberState.shown)
        row += String(repeating: " ", count: max(1, 18 - memberState.shown.count)) + style.dim(memberState.isFinal ? "" : time)
        for (name, seen) in (analyses[tag] ?? [:]).sorted(by: { $0.key < $1.key }) {
            row += " " + name.terminalSafe + " " + seen.last.terminalSafe + " " + style.green("✔\(seen.passed)") + (seen.failed > 0 ? " " + style.red("✘\(seen.failed)") : "")
        }
        if let reason = memberState.reason { row += style.dim(" " + String(reason.terminalSafe.prefix(60))) }
        return row
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
