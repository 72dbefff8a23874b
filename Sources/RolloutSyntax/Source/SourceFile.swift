/// A script's text with its name, and the line starts that turn byte offsets into lines and columns.
public struct SourceFile: Sendable {
    /// The name diagnostics show (`deploy.rollout`, `-c`, `<stdin>`).
    public let name: String
    /// The text, as diagnostics show its lines.
    public let text: String
    /// What the lexer reads, as UTF-8: the text itself, or for a Markdown runbook the text with
    /// everything but its `rollout` blocks blanked out (the same bytes at the same offsets).
    let bytes: [UInt8]
    /// The text as UTF-8, for showing its lines.
    let shownBytes: [UInt8]
    /// The byte offset of each line's start, in order.
    let lineStarts: [Int]
    /// Narration for the first statement after a line (a Markdown block's fence): its heading and prose.
    let narration: [(line: Int, lines: [String])]
    /// Problems of the file's structure, found before lexing (a Markdown fence never closed).
    let problems: [Diagnostic]

    /// Wraps a script's text.
    public init(name: String, text: String) {
        self.init(name: name, shown: text, lexed: Array(text.utf8), narration: [], problems: [])
    }

    /// A source whose lexed bytes differ from its shown text only where lines are blanked out.
    init(name: String, shown text: String, lexed bytes: [UInt8], narration: [(line: Int, lines: [String])], problems: [Diagnostic]) {
        self.name = name
        self.text = text
        self.bytes = bytes
        shownBytes = Array(text.utf8)
        self.narration = narration
        self.problems = problems
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        lineStarts = starts
    }

    /// The line and column of a byte offset: both from 1, the column counted in characters as a
    /// reader sees them (a combining accent or an emoji is one).
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(offset, 0), bytes.count)
        let index = lineIndex(of: offset)
        let column = String(decoding: bytes[lineStarts[index]..<offset], as: UTF8.self).count + 1
        return SourceLocation(file: name, line: index + 1, column: column, offset: offset)
    }

    /// The line (from 1) an offset is on.
    func line(of offset: Int) -> Int { lineIndex(of: offset) + 1 }

    private func lineIndex(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The text of a line (from 1) as shown, without its line end.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : shownBytes.count
        if end > start, shownBytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: shownBytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text of a range of bytes.
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }
}

/// A place in a script: file, line and column (from 1) and byte offset (from 0).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's name.
    public var file: String
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, in characters.
    public var column: Int
    /// The byte offset, from 0.
    public var offset: Int

    /// A location.
    public init(file: String, line: Int, column: Int, offset: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }
    /// `file:line`, as steps are named.
    public var fileAndLine: String { "\(file):\(line)" }
}
