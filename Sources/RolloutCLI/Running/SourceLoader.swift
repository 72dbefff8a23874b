import Foundation
import RolloutSyntax

/// Reads script files, with an error that says why one cannot be read.
enum SourceLoader {
    /// The file's text as a source.
    static func load(_ file: String) throws -> SourceFile {
        source(file, text: try FileProblem.text(file))
    }

    /// A file's text as a source: a Markdown runbook's ```rollout blocks, or the whole text.
    static func source(_ file: String, text: String) -> SourceFile {
        if MarkdownRunbook.isMarkdown(file) { return MarkdownRunbook.source(name: file, text: text) }
        return SourceFile(name: file, text: text)
    }
}

extension SourceFile {
    /// The name of statements given with `-c`, and of a script read from stdin.
    static let commandLine = "-c"
    static let standardInput = "<stdin>"

    /// True for statements given with `-c` or on stdin, which have no file of their own.
    var isStatements: Bool { name == Self.commandLine || name == Self.standardInput }
}
