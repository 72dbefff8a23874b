import AutopilotModels

/// One piece of a word or string: literal text, or a `${NAME}` / `${NAME:-default}` reference.
public enum WordPart: Sendable, Hashable {
    /// Literal text.
    case literal(String)
    /// A variable, with an optional default for when it is unset or empty.
    case variable(name: String, fallback: String?)
}

/// A word as written: its parts, whether it was quoted, and its bytes in the source.
public struct Word: Sendable, Hashable, CustomStringConvertible {
    /// The parts, in order.
    public var parts: [WordPart]
    /// True for `"..."`.
    public var quoted: Bool
    /// Its bytes in the source (empty for a word made by code).
    public var range: Range<Int>

    /// A word of plain text.
    public init(_ text: String, quoted: Bool = false, range: Range<Int> = 0..<0) {
        self.init(parts: text.isEmpty ? [] : [.literal(text)], quoted: quoted, range: range)
    }

    /// A word of parts.
    public init(parts: [WordPart], quoted: Bool, range: Range<Int>) {
        self.parts = parts
        self.quoted = quoted
        self.range = range
    }

    /// The text when it holds no variable.
    public var literal: String? {
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

    /// The text with each variable's value (`value` is nil for one not defined), its default taken
    /// when it is unset or empty, as in the shell; throws the first variable with neither. The
    /// run expands words by this rule, and the checker too where values are known before it.
    public func expanded(_ value: (String) -> String?) throws(UndefinedVariable) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .variable(let name, let fallback):
                if let found = value(name), !(found.isEmpty && fallback != nil) {
                    out += found
                } else if let fallback {
                    out += fallback
                } else {
                    throw UndefinedVariable(name: name, word: self)
                }
            }
        }
        return out
    }

    /// True when it references a variable whose name says it holds a secret.
    public var holdsSecret: Bool { variables.contains { SecretKeys.isSecret($0) } }

    /// The word as it would be written back (quoted when needed).
    public var description: String { WordPrinter.print(self) }

    /// Two words are equal when they read the same, wherever they stand.
    public static func == (lhs: Word, rhs: Word) -> Bool { lhs.parts == rhs.parts && lhs.quoted == rhs.quoted }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(parts)
        hasher.combine(quoted)
    }
}

/// A `${NAME}` with no value and no default.
public struct UndefinedVariable: Error, Sendable {
    /// The name.
    public var name: String
    /// The word that uses it.
    public var word: Word
}
