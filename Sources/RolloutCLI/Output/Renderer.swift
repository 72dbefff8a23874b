import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// Shows run events: one clear line per step, tables for lists and history, live wait progress
/// on a terminal; or one JSON object per statement result.
final class Renderer: Sendable {
    let format: OutputFormat
    let style: Style
    /// The text of results, which `watch` draws too.
    let text: ResultText
    let live: Bool
    /// True when a rollout may show a live board (a terminal with colour).
    let boardAllowed: Bool
    private let liveLineOpen = Mutex(false)
    /// The live board of the rollout running, when there is one.
    private let board = Mutex<FleetBoard?>(nil)
    /// A board stopped while a question is asked, to start again at the next wave.
    private let suspended = Mutex<FleetBoard?>(nil)

    /// Where a result longer than the terminal goes (the prompt and `-c` on a terminal).
    let pager: Pager?
    /// The run's id: on every JSON step and every journal line.
    let runID: String
    /// Where its lines go.
    private let output: RenderOutput
    /// A renderer shown everything this one is (a run's published view), when there is one.
    private let mirror = Mutex<Renderer?>(nil)

    init(
        format: OutputFormat, color: Bool, live: Bool, board: Bool = true, pager: Pager? = nil, runID: String = Journal.newRunID(),
        output: RenderOutput = .console
    ) {
        self.runID = runID
        self.output = output
        self.pager = format == .human ? pager : nil
        self.format = format
        self.style = Style(enabled: color && format == .human)
        self.text = ResultText(style: style)
        self.live = live && format == .human
        self.boardAllowed = board && self.live && style.enabled
    }

    /// Shows a text, through the pager when it is longer than the terminal.
    func showPaged(_ text: String) {
        if let pager, pager.pages(text) {
            closeLive()
            pager.show(text)
        } else {
            line(text)
        }
    }

    /// Shows everything this renderer shows to another one too, from now on.
    func mirror(to other: Renderer) { mirror.withLock { $0 = other } }

    private var mirrored: Renderer? { mirror.withLock { $0 } }

    /// A line for those who follow the run from elsewhere (`rollout watch`) only: what this terminal
    /// shows in a way of its own, as a question.
    func noteForWatchers(_ text: String) { mirrored?.note(text) }

    /// A line about the run itself (a resume's read-backs), on stderr in the human form.
    func note(_ text: String) {
        mirrored?.note(text)
        if format == .human { output.err(style.dim("  \(text)")) }
    }

    /// The run's id as a script starts (and where a resumed one goes on): on stderr in the human
    /// form, first of the JSON objects in the other.
    func runBegan(_ id: String, script: String, resumed: String?) {
        mirrored?.runBegan(id, script: script, resumed: resumed)
        switch format {
        case .json:
            let object: JSONValue = ["event": "run_began", "run": .string(id), "script": .string(script), "resumed": .bool(resumed != nil)]
            output.out(object.jsonText)
        case .human:
            if let resumed {
                output.err(style.dim("▶ resuming run \(id)\(resumed)"))
            } else {
                output.err(style.dim("▶ run \(id)"))
            }
        }
    }

    /// Where a run that stopped short can go on, said where it stopped (the human form; nothing for
    /// a run that succeeded or ended recovered, which a resume refuses).
    func runEnded(_ id: String, code: ExitCode) {
        mirrored?.runEnded(id, code: code)
        guard format == .human, ![.success, .recovered, .invalid, .wouldChange].contains(code) else { return }
        output.err(style.dim("↻ rollout --resume \(id) goes on from there"))
    }

    /// Shows one event.
    func show(_ event: RunEvent) {
        mirrored?.show(event)
        switch format {
        case .json: showJSON(event)
        case .human: showHuman(event)
        }
    }

    // MARK: JSON

    private func showJSON(_ event: RunEvent) {
        switch event {
        case .finished(let info, let result):
            var object = JSONOutput.step(info, run: runID)
            switch result {
            case .success(let value):
                object["ok"] = true
                object["result"] = JSONOutput.result(value)
            case .failure(let failure):
                object["ok"] = false
                object["error"] = JSONOutput.failure(failure)
            }
            output.out(JSONValue.object(object).jsonText)
        case .recovered(let info):
            var object = JSONOutput.step(info, run: runID)
            object["event"] = "recovered"
            output.out(JSONValue.object(object).jsonText)
        case .skipped(let info):
            var object = JSONOutput.step(info, run: runID)
            object["event"] = "skipped"
            output.out(JSONValue.object(object).jsonText)
        case .fleet(let info, let event):
            if let object = JSONOutput.fleetEvent(event, of: info, run: runID) { output.out(object.jsonText) }
        case .measured(let info, let measurement, let decided):
            let object = JSONOutput.step(info, run: runID).merging(JSONOutput.measurement(measurement, decided: decided)) { $1 }
            output.out(JSONValue.object(object).jsonText)
        default:
            break
        }
    }

    // MARK: Human

    private func showHuman(_ event: RunEvent) {
        if case .fleet(let info, let fleetEvent) = event { return showFleet(fleetEvent, info) }
        if let info = event.step, let tag = info.member { return showMember(event, tag) }
        switch event {
        case .started, .change, .fleet, .preview:
            break
        case .progress(_, let text):
            line(style.dim("  … \(text.terminalSafe)"))
        case .statusChanged(_, let release, let status, let version, let elapsed):
            let text = "  \(release.terminalSafe) version \(version): \(style.status(status.rawValue.terminalSafe)) \(style.dim("(\(ResultText.seconds(elapsed)))"))"
            if live {
                liveLineOpen.withLock { open in
                    Console.write("\r\u{1B}[K" + text)
                    open = true
                }
            } else {
                line(text)
            }
        case .finished(let info, .success(let result)):
            showPaged(self.text.result(info, result))
        case .finished(let info, .failure(let failure)):
            closeLive()
            var text = style.red("✘ \(info.location.fileAndLine): \(info.text): \(failure.message.terminalSafe)")
            if failure.kind == .interrupted { text = style.yellow("⏹ \(info.location.fileAndLine): \(info.text): \(failure.message.terminalSafe)") }
            output.err(text)
        case .skipped(let info):
            line(style.dim("↷ skipped \(info.text)"))
        case .alternative, .alternativeEnded:
            break
        case .measured(_, let measurement, _):
            line(style.dim("  … \(Self.measured(measurement))"))
        case .recovered(let info):
            line(style.yellow("↺ \(info.location.fileAndLine) failed and its else recovered; the rollout ends here"))
        }
    }

    // MARK: Rollouts

    /// A rollout's progress: the live board on a terminal with colour, else plain lines; at the
    /// end, a table of every member.
    private func showFleet(_ event: FleetEvent, _ info: StepInfo) {
        if case .waveBegan = event, let stopped = suspended.withLock({ board in defer { board = nil }; return board }) {
            board.withLock { $0 = stopped.resumed() }
        }
        if let board = board.withLock({ $0 }) {
            board.take(event)
            if case .ended(let summary) = event {
                board.close()
                self.board.withLock { $0 = nil }
                output.out(ResultText.table(summary))
            }
            return
        }
        switch event {
        case .began(let overview):
            if boardAllowed {
                closeLive()
                board.withLock { $0 = FleetBoard(overview, style: style) }
            } else {
                let count = overview.waves.reduce(0) { $0 + $1.count }
                line("rollout \(overview.group): \(count) member\(count == 1 ? "" : "s") in \(overview.waves.count) wave\(overview.waves.count == 1 ? "" : "s"), \(overview.parallel) at a time")
            }
        case .waveBegan(let wave): line("wave \(wave)")
        case .member(let tag, let state) where state.isFinal && state != .notStarted:
            line("  wave \(tag.wave)  \(tag.member.label.terminalSafe)  \(style.status(state.shown))" + (state.reason.map { ": \($0.terminalSafe)" } ?? ""))
        case .soaking(let wave, let length, let analyses) where !analyses.isEmpty:
            line(style.dim("  soaking \(DurationText.format(length)) after wave \(wave)\(Self.measuring(analyses))"))
        case .soaking(let wave, let length, _): line(style.dim("  soaking \(DurationText.format(length)) after wave \(wave), then reading its members again"))
        case .gate(let name, let passed, let how):
            line(passed ? style.green("gate '\(name)' passed: \(how.terminalSafe)") : style.red("gate '\(name)' not passed: \(how.terminalSafe)"))
        case .halted(let reason): line(style.red(reason.terminalSafe))
        case .policy(let policy, let members): line(style.yellow("\(policy.spelling): \(members) member\(members == 1 ? "" : "s")"))
        case .ended(let summary): line(ResultText.table(summary))
        default: break
        }
    }

    /// A step of one member's block: nothing on the board (its state is there); else a plain line
    /// that names the member.
    private func showMember(_ event: RunEvent, _ tag: MemberTag) {
        if let board = board.withLock({ $0 }) {
            if case .measured(_, let measurement, _) = event { board.take(measurement, of: tag) }
            return
        }
        let prefix = "  \(tag.member.label.terminalSafe): "
        switch event {
        case .progress(_, let text): line(style.dim(prefix + "… " + text.terminalSafe))
        case .measured(_, let measurement, _): line(style.dim(prefix + "… " + Self.measured(measurement)))
        case .finished(let info, .success(let result)): line(prefix + text.result(info, result))
        case .finished(let info, .failure(let failure)): output.err(style.red(prefix + "✘ \(info.text): \(failure.message.terminalSafe)"))
        default: break
        }
    }

    /// `, measuring each member by errors, latency`, or nothing for a soak with no analysis.
    static func measuring(_ analyses: [String]) -> String {
        analyses.isEmpty ? "" : ", measuring each member by \(analyses.joined(separator: ", "))"
    }

    /// A measurement in a line: `errors: 0.2 is not < 0.01 (failed)`.
    static func measured(_ measurement: AnalysisMeasurement) -> String {
        "\(measurement.analysis): \(measurement.reason) (\(measurement.verdict.rawValue)\(measurement.dryRun ? ", dry run" : ""))".terminalSafe
    }

    /// Stops the board while a question is asked below it; it starts again, below the answer, with
    /// the next wave.
    func suspendBoard() {
        let stopped = board.withLock { board in defer { board = nil }; return board }
        stopped?.close()
        suspended.withLock { $0 = stopped }
    }

    private func line(_ text: String) {
        closeLive()
        output.out(text)
    }

    private func closeLive() {
        liveLineOpen.withLock { open in
            if open {
                Console.write("\r\u{1B}[K")
                open = false
            }
        }
    }
}

/// Where a renderer writes its lines: the terminal (secrets masked on the way out), or elsewhere.
struct RenderOutput: Sendable {
    /// Takes a line of results.
    let out: @Sendable (String) -> Void
    /// Takes a line about the run (failures, notes).
    let err: @Sendable (String) -> Void

    /// Standard output and standard error.
    static let console = RenderOutput(out: { Console.out($0) }, err: { Console.err($0) })
}
