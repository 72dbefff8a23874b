import AutopilotModels

/// A problem found in a script before it runs: what is wrong, where (a range of the source's bytes),
/// and a hint.
public struct Diagnostic: Sendable, Hashable {
    /// The bytes it is about; the caret goes under the first, the underline to the last.
    public var range: Range<Int>
    /// What is wrong.
    public var message: String
    /// A hint, e.g. `did you mean 'upgrade'?`.
    public var note: String?

    /// Makes a diagnostic about a range of bytes.
    public init(_ message: String, at range: Range<Int>, note: String? = nil) {
        self.message = message
        self.range = range
        self.note = note
    }

    /// Where it starts in a source.
    public func location(in source: SourceFile) -> SourceLocation { source.location(of: range.lowerBound) }

    /// Rendered like a compiler: `file:line:col: error: message`, the source line, a caret under the
    /// range (as wide as its characters show on a terminal), and the note.
    public func rendered(in source: SourceFile) -> String {
        let location = location(in: source)
        let line = source.line(location.line)
        let before = line.prefix(location.column - 1)
        let lineEnd = source.lineStarts.indices.contains(location.line) ? source.lineStarts[location.line] : source.bytes.count
        let underlined = source.text(range.lowerBound..<max(range.lowerBound, min(range.upperBound, lineEnd))).prefix { $0 != "\n" }
        let pad = before.map { $0 == "\t" ? "\t" : String(repeating: " ", count: Self.shownWidth($0)) }.joined()
        let width = max(1, underlined.reduce(0) { $0 + Self.shownWidth($1) })
        // The file's text is shown with its control characters made visible (tabs stay tabs, for
        // the caret to line up), and so is any of it a message quotes.
        let shownLine = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).terminalSafe }
            .joined(separator: "\t")
        var out = "\(location): error: \(message.terminalSafe)\n\(shownLine)\n\(pad)^" + String(repeating: "~", count: width - 1)
        if let note { out += "\nnote: \(note.terminalSafe)" }
        return out
    }

    /// The cells a character of the source takes once shown: its escape's for a control character.
    private static func shownWidth(_ character: Character) -> Int {
        let shown = String(character).terminalSafe
        return shown.count > 1 ? shown.count : TerminalWidth.of(character)
    }

    /// Diagnostics in the order of the source.
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { ($0.range.lowerBound, $0.message) < ($1.range.lowerBound, $1.message) }
    }
}

/// How many terminal cells a character takes: two for wide East Asian characters and emoji, none
/// for a lone combining mark, else one.
enum TerminalWidth {
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.properties.isEmojiPresentation { return 2 }
        if character.unicodeScalars.contains(where: { $0 == "\u{FE0F}" }) { return 2 }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return first.properties.generalCategory == .nonspacingMark ? 0 : 1
        }
    }
}
