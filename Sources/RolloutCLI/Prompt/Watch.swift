import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax

/// `watch <read statement> [every <d>]` at the prompt: runs a read again and again, redrawing its
/// output in place (as psql's `\watch` and watch(1) do) with the lines that changed since the last
/// look marked, until Ctrl-C.
struct Watch {
    let statement: Statement
    let text: String
    let interval: Duration

    /// The local time of a look, on a 24-hour clock.
    private static let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    /// Reads the command's words: the statement, checked in the prompt's scope, and the interval.
    static func parse(_ line: String, scope: CheckScope) -> Result<Watch, CLIError> {
        var words = line.split(separator: " ").dropFirst().map(String.init)
        var interval = PromptCommand.defaultWatchInterval
        if words.count >= 2, words[words.count - 2] == PromptCommand.everyWord {
            guard let given = DurationText.parse(words[words.count - 1]), given > .zero else {
                return .failure(CLIError("watch: '\(words[words.count - 1])' is not a duration (e.g. 5s, 1m)"))
            }
            interval = given
            words.removeLast(2)
        }
        let reads = Keyword.statements.filter(\.onlyReads).map(\.rawValue).joined(separator: ", ")
        let text = words.joined(separator: " ")
        guard !text.isEmpty else { return .failure(CLIError("watch needs a read statement: \(PromptCommand.watch.syntax)")) }
        let source = SourceFile(name: "watch", text: text)
        let (script, diagnostics) = Checker.diagnose(source, scope: scope)
        if !diagnostics.isEmpty {
            return .failure(CLIError(diagnostics.map { $0.rendered(in: source) }.joined(separator: "\n")))
        }
        guard script.statements.count == 1, let statement = script.statements.first, statement.kind.keyword.onlyReads,
            statement.elseBranch == nil
        else {
            return .failure(CLIError("watch takes one read statement (\(reads)), not '\(text)'"))
        }
        return .success(Watch(statement: statement, text: text, interval: interval))
    }

    /// Looks until Ctrl-C. `look` runs the statement once and gives its output.
    func run(style: Style, terminal: Bool, look: @escaping @Sendable () async -> String) async {
        LineEditor.clearInterrupt()
        var screen = WatchScreen(terminal: terminal)
        let interval = self.interval
        while let output = await Self.untilInterrupted(look) {
            let stamp = Self.clock.string(from: Date())
            let header = "every \(DurationText.format(interval)): \(text)  \(stamp)  (Ctrl-C stops)"
            Console.write(screen.draw(header: header, body: output, style: style))
            guard await Self.untilInterrupted({ try? await Task.sleep(for: interval) }) != nil else { break }
        }
        Console.out(style.dim("stopped watching"))
    }

    /// The work's value, or nil when Ctrl-C came first (the work is then cancelled).
    private static func untilInterrupted<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await work() }
            group.addTask {
                while !Task.isCancelled {
                    if Interrupts.take() { return nil }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// What `watch` last drew, to draw over it and to mark the lines that changed.
struct WatchScreen {
    let terminal: Bool
    private var previous: [String]?
    private var drawnRows = 0

    init(terminal: Bool) { self.terminal = terminal }

    /// The text that replaces the last look with this one: on a terminal it moves up over what was
    /// drawn and clears it; lines that differ from the last look are marked `~`, and the body is cut
    /// to the terminal's height.
    mutating func draw(header: String, body: String, style: Style) -> String {
        let size = Terminal.size() ?? (50, 80)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let before = previous
        previous = lines
        let changed = Set(lines.indices.filter { index in before.map { index >= $0.count || $0[index] != lines[index] } ?? false })
        var marked = lines.enumerated().map { index, line in
            changed.contains(index) ? style.yellow("~ ") + style.bold(line) : "  " + line
        }
        let note = before == nil ? "first look" : changed.isEmpty ? "no change" : "\(changed.count) line\(changed.count == 1 ? "" : "s") changed"
        if terminal, marked.count > size.rows - 3 {
            let kept = max(1, size.rows - 4)
            marked = Array(marked.prefix(kept)) + [style.dim("  … \(lines.count - kept) more lines")]
        }
        let shown = [style.dim(header + "  · " + note)] + marked
        guard terminal else { return shown.joined(separator: "\n") + "\n\n" }
        let clear = drawnRows > 0 ? "\u{1B}[\(drawnRows)F\u{1B}[J" : ""
        drawnRows = shown.reduce(0) { $0 + max(1, (Self.visibleWidth($1) + size.columns - 1) / size.columns) }
        return clear + shown.joined(separator: "\n") + "\n"
    }

    /// The width of text as shown, without its colour codes.
    static func visibleWidth(_ text: String) -> Int {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression).count
    }
}
