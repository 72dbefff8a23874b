import AutopilotModels

/// How `rollout check` writes diagnostics: for a person (the compiler form), for GitHub Actions
/// (workflow-command annotations that mark the line in a pull request), or as one JSON object each.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case human, github, json

    /// One diagnostic in this format (the human form spans several lines).
    public func write(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        let start = diagnostic.location(in: source)
        let end = source.location(of: max(diagnostic.range.lowerBound, diagnostic.range.upperBound - 1))
        let endColumn = end.line == start.line ? end.column : start.column
        switch self {
        case .human:
            return diagnostic.rendered(in: source)
        case .github:
            // https://docs.github.com/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
            let message = diagnostic.message + (diagnostic.note.map { "\nnote: \($0)" } ?? "")
            return "::error file=\(Self.property(start.file)),line=\(start.line),col=\(start.column),endColumn=\(endColumn),title=rollout check::\(Self.data(message))"
        case .json:
            let object: [String: JSONValue] = [
                "file": .string(start.file), "line": .int(start.line), "column": .int(start.column), "end_column": .int(endColumn),
                "severity": .string("error"), "message": .string(diagnostic.message), "note": diagnostic.note.map(JSONValue.string) ?? .null,
            ]
            return JSONValue.object(object).jsonText
        }
    }

    /// Where the diagnostics go: a person reads them on standard error, a machine on standard output.
    public var toStandardOutput: Bool { self != .human }

    /// A message as a workflow command's data: `%`, CR and LF escaped.
    private static func data(_ text: String) -> String { escaped(text, ["%", "\r", "\n"]) }

    /// A property value: also `:` and `,`.
    private static func property(_ text: String) -> String { escaped(text, ["%", "\r", "\n", ":", ","]) }

    private static func escaped(_ text: String, _ reserved: Set<Character>) -> String {
        var out = ""
        for character in text {
            guard reserved.contains(character), let ascii = character.asciiValue else {
                out.append(character)
                continue
            }
            out += "%" + (ascii < 16 ? "0" : "") + String(ascii, radix: 16, uppercase: true)
        }
        return out
    }
}
