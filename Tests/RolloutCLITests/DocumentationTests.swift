import Foundation
import Testing

@testable import RolloutSyntax

/// The README's tutorial and the reference articles, run as written.
///
/// A ```` ```console ```` block is a transcript: each `$ ` line runs through the shell in the package's
/// folder (a bare `$ rollout` opens the prompt in tmux and types the lines after its prompts), and
/// what it prints must be the lines after it. A ```` ```rollout ```` block must pass `rollout check`.
/// Each document runs on an embedded emulator of its own, from its demo data.
@Suite struct DocumentationTests {
    static let documents: [String] = {
        let catalogs = ["Sources/RolloutCLI/RolloutCLI.docc", "Sources/AutopilotClient/AutopilotClient.docc"]
        let articles = catalogs.flatMap { catalog in
            ((try? FileManager.default.contentsOfDirectory(atPath: RolloutProcess.root.appendingPathComponent(catalog).path)) ?? [])
                .filter { $0.hasSuffix(".md") }.sorted().map { "\(catalog)/\($0)" }
        }
        return ["README.md"] + articles
    }()

    static func text(of document: String) throws -> String {
        try String(contentsOf: RolloutProcess.root.appendingPathComponent(document), encoding: .utf8)
    }

    @Test(arguments: documents) func everyConsoleSnippetPrintsWhatItShows(_ document: String) async throws {
        let rollout = try RolloutProcess()
        for block in Snippet.blocks(in: try Self.text(of: document)) where block.language == "console" {
            for step in Snippet.steps(of: block) {
                let place = "\(document):\(step.line): $ \(step.command)"
                let shown: [String]
                if step.command == "rollout" {
                    shown = try await Self.prompt(rollout, typing: step.expected)
                } else {
                    let result = try await rollout.run(["-c", "exec 2>&1; " + step.command], executable: "/bin/sh")
                    #expect(result.code == 0, "\(place) exited \(result.code):\n\(result.all)")
                    shown = result.out.components(separatedBy: "\n")
                }
                let mismatch = Snippet.mismatch(expected: step.expected, actual: shown)
                #expect(mismatch == nil, "\(place): \(mismatch ?? "")\nit printed:\n\(shown.joined(separator: "\n"))")
            }
        }
    }

    @Test(arguments: documents) func everyRolloutSnippetChecks(_ document: String) async throws {
        let rollout = try RolloutProcess()
        for block in Snippet.blocks(in: try Self.text(of: document)) where block.language == "rollout" {
            let file = rollout.home.appendingPathComponent("snippet-\(block.line).rollout")
            try block.lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let result = try await rollout.run(["check", file.path])
            #expect(result.code == 0, "\(document):\(block.line): \(result.all)")
        }
    }

    @Test func theReadmeIsShortAndLinksEveryArticle() throws {
        let readme = try Self.text(of: "README.md")
        #expect(readme.components(separatedBy: "\n").count < 250)
        for article in Self.documents.dropFirst() where !article.hasSuffix("/RolloutCLI.md") && !article.hasSuffix("/AutopilotClient.md") {
            #expect(readme.contains("](\(article))"), "the README links \(article)")
        }
    }

    @Test func helpShowsEachArticleAndNamesATopicMistyped() async throws {
        let rollout = try RolloutProcess()
        let catalog = "Sources/RolloutCLI/RolloutCLI.docc/"
        let articles = Self.documents.filter { $0.hasPrefix(catalog) && !$0.hasSuffix("/RolloutCLI.md") }
        #expect(articles.count == 11)
        for article in articles {
            let topic = article.dropFirst(catalog.count).dropLast(".md".count).lowercased()
            let result = try await rollout.run(["help", topic])
            #expect(result.code == 0, "rollout help \(topic): \(result.all)")
            // The article as it is, but that a link to another names the help that shows it.
            let shown = try Self.text(of: article).replacingOccurrences(
                of: #"<doc:(\w+)>"#, with: "`rollout help $1`", options: .regularExpression)
            #expect(result.out.lowercased() == shown.lowercased() + "\n", "rollout help \(topic)")
        }
        let typo = try await rollout.run(["help", "fleet"])
        #expect(typo.code == 2 && typo.err.contains("no help topic 'fleet'; did you mean 'rollout help fleets'?"), "\(typo.all)")
        let subcommand = try await rollout.run(["help", "check"])
        #expect(subcommand.code == 0 && subcommand.out.contains("USAGE: rollout check"), "\(subcommand.all)")
    }

    /// Runs the prompt in tmux, typing the text after each prompt line of `transcript` once that prompt
    /// shows, and returns the screen once it has exited.
    static func prompt(_ rollout: RolloutProcess, typing transcript: [String]) async throws -> [String] {
        let pane = TmuxPane()
        defer { pane.killSoon() }
        try await pane.start(PromptTests.command(rollout))
        for line in transcript {
            guard let (label, typed) = Snippet.promptLine(line) else { continue }
            try await pane.waitForLastLine(label)
            try await pane.tmux(["send-keys", "-t", pane.name, "-l", typed])
            try await pane.send("Enter")
        }
        try await pane.waitForCommand("sleep")
        return try await pane.screen().components(separatedBy: "\n")
    }
}

/// A fenced block of a Markdown document, and the transcript steps of a console block.
struct Snippet {
    var language: String
    /// The line of the opening fence.
    var line: Int
    var lines: [String]

    /// The fenced blocks as rollout reads a runbook's (backticks or tildes, a longer closing fence).
    static func blocks(in text: String) -> [Snippet] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [Snippet] = []
        for (index, kind) in MarkdownRunbook.classify(lines).enumerated() {
            switch kind {
            case .fence(let info, _): blocks.append(Snippet(language: info, line: index + 1, lines: []))
            case .code: blocks[blocks.count - 1].lines.append(lines[index])
            default: break
            }
        }
        return blocks
    }

    struct Step {
        var command: String
        var line: Int
        var expected: [String]
    }

    static func steps(of block: Snippet) -> [Step] {
        var steps: [Step] = []
        for (offset, line) in block.lines.enumerated() {
            if line.hasPrefix("$ ") {
                steps.append(Step(command: String(line.dropFirst(2)), line: block.line + 1 + offset, expected: []))
            } else {
                steps[steps.count - 1].expected.append(line)
            }
        }
        return steps
    }

    /// A prompt line of a transcript, `rollout demo/default> list`: the prompt and what was typed.
    static func promptLine(_ line: String) -> (label: String, typed: String)? {
        guard line.hasPrefix("rollout "), let end = line.range(of: "> ") else { return nil }
        let label = String(line[..<end.lowerBound]) + ">"
        guard !label.dropFirst("rollout ".count).contains(" ") else { return nil }
        return (label, String(line[end.upperBound...]))
    }

    /// What may differ from run to run, made the same: times, run and request ids, ports, durations;
    /// and the progress lines of a wait, whose number depends on how fast the machine is.
    static func normalized(_ lines: [String]) -> [String] {
        let rules: [(String, String)] = [
            (#"\d{8}T\d{6}Z-[0-9a-f]{6}"#, "<run>"),
            (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)"#, "<time>"),
            (#"\b[0-9a-f]{32}\b"#, "<request>"),
            (#"127\.0\.0\.1:\d+"#, "127.0.0.1:<port>"),
            (#"\b\d+(\.\d+)?(ms|s)\b"#, "<duration>"),
        ]
        return lines.compactMap { line in
            var line = line
            while line.last?.isWhitespace == true { line.removeLast() }
            if line.isEmpty || line.range(of: #"^\s+\S+ version \d+: [A-Z_]+ \("#, options: .regularExpression) != nil { return nil }
            for (pattern, replacement) in rules {
                line = line.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            return line
        }
    }

    /// Why `actual` does not show as `expected` (where a line `…` stands for any lines), or nil.
    static func mismatch(expected: [String], actual: [String]) -> String? {
        let wanted = normalized(expected), got = normalized(actual)
        func matches(_ i: Int, _ j: Int) -> Bool {
            if i == wanted.count { return j == got.count }
            if wanted[i] == "…" { return (j...got.count).contains { matches(i + 1, $0) } }
            return j < got.count && wanted[i] == got[j] && matches(i + 1, j + 1)
        }
        if matches(0, 0) { return nil }
        let first = (0..<min(wanted.count, got.count)).first { wanted[$0] != got[$0] && wanted[$0] != "…" } ?? min(wanted.count, got.count)
        return "from line \(first + 1) of the snippet: wanted \((wanted.dropFirst(first).first ?? "the end").debugDescription), "
            + "got \((got.dropFirst(first).first ?? "the end").debugDescription)"
    }
}
