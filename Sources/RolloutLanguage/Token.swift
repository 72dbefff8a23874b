/// One piece of a word or string: literal text, or a `${NAME}` / `${NAME:-default}` reference.
public enum WordPart: Sendable, Hashable {
    /// Literal text.
    case literal(String)
    /// A variable, with an optional default for when it is unset.
    case variable(name: String, fallback: String?)
}

/// A word as written: its parts, and whether it was quoted.
public struct Word: Sendable, Hashable, CustomStringConvertible {
    /// The parts, in order.
    public var parts: [WordPart]
    /// True for `"..."`.
    public var quoted: Bool
    /// Where it starts.
    public var location: SourceLocation
    /// Its length in the source, in characters.
    public var length: Int

    /// A word of plain text.
    public init(_ text: String, quoted: Bool = false, location: SourceLocation, length: Int? = nil) {
        self.parts = text.isEmpty ? [] : [.literal(text)]
        self.quoted = quoted
        self.location = location
        self.length = length ?? text.count
    }

    /// A word of parts.
    public init(parts: [WordPart], quoted: Bool, location: SourceLocation, length: Int) {
        self.parts = parts
        self.quoted = quoted
        self.location = location
        self.length = length
    }

    /// The text when it holds no variable.
    public var literal: String? {
        if parts.count == 1, case .literal(let text) = parts[0] { return text }
        var out = ""
        for part in parts {
            guard case .literal(let text) = part else { return nil }
            out += text
        }
        return out
    }

    /// The names of the variables it references.
    public var variables: [String] {
        parts.compactMap { if case .variable(let name, _) = $0 { return name } else { return nil } }
    }

    /// The word as it would be written back (quoted when needed).
    public var description: String { WordPrinter.print(self) }

    public static func == (lhs: Word, rhs: Word) -> Bool { lhs.parts == rhs.parts && lhs.quoted == rhs.quoted }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(parts)
        hasher.combine(quoted)
    }
}

/// What the lexer makes.
public enum TokenKind: Sendable, Equatable {
    /// A bare word (may hold `${...}`).
    case word(Word)
    /// A quoted string.
    case string(Word)
    /// `==`, `!=`, `<=`, `>=`, `<`, `>`, `=`.
    case op(String)
    /// `;`.
    case semicolon
    /// A line end.
    case newline
    /// `{`.
    case openBrace
    /// `}`.
    case closeBrace
    /// The end of the text.
    case end
}

/// A token and where it starts.
public struct Token: Sendable, Equatable {
    /// What it is.
    public var kind: TokenKind
    /// Where it starts.
    public var location: SourceLocation
    /// Its length in characters.
    public var length: Int
}
