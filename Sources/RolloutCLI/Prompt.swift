import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The interactive prompt: `rollout demo/monitoring>`, with history, completion, `help`,
/// `context`, `vars` and `exit`. Ctrl-C stops a running statement or clears the line; Ctrl-D exits.
struct Prompt {
    let choice: TargetChoice
    let options: OutputOptions
    let renderer: Renderer
    let confirmChanges: Bool
    let gates: GateOptions

    func run(environment: [String: String], variables: [String: String]) async throws {
        let style = renderer.style
        let runner = try await ScriptRunner.open(choice, renderer: renderer, debug: options.debug, environment: environment)
        let session = runner.session
        let start = RunContext(
            cluster: choice.defaultCluster ?? (choice.isEmbedded ? "demo" : nil),
            namespace: choice.defaultNamespace ?? (choice.isEmbedded ? "default" : nil), variables: variables)
        let interpreter = runner.interpreter(context: start)
        await interpreter.setPauseHandler(StepMode.pause)
        await interpreter.setGateHandler(gates.handler(renderer: renderer))
        var record = SessionRecord(start: start)
        // A change declined at the confirmation did not happen, so `save` leaves it out.
        let declined = Mutex(false)
        if confirmChanges {
            let target = session.url.host ?? session.url.absoluteString
            await interpreter.setBeforeStep { info in
                guard info.statement.keyword.changesRelease else { return .run }
                FileHandle.standardOutput.write(Data("\(info.text) on \(target)? [y/N] ".utf8))
                let yes = StepMode.readAnswer()?.lowercased().hasPrefix("y") == true
                if !yes { declined.withLock { $0 = true } }
                return yes ? .run : .skip
            }
        }
        try? Paths().ensureStateDirectory()
        let completer = Completer(session: session, context: start)
        let editor = LineEditor(name: "rollout", historyPath: Paths().historyFile.path, completer: completer.complete)
        Console.out("rollout \(RolloutVersion.current) on \(choice.describe(url: session.url))")
        Console.out(style.dim("Type help for the statements, help <statement> for one, exit or Ctrl-D to leave."))

        while true {
            let context = await interpreter.context
            completer.update(context, groups: Array(await interpreter.groupKinds.keys))
            let label = "rollout \(context.cluster ?? "-")/\(context.namespace)> "
            guard let text = await readStatement(editor, prompt: label) else { break }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if let command = PromptCommand(line: trimmed) {
                editor.remember(trimmed)
                if command == .exit || command == .quit { break }
                if command == .save {
                    save(trimmed, record, url: session.url)
                    continue
                }
                handle(command, trimmed, context: context, url: session.url, style: style)
                continue
            }
            let source = SourceFile(name: "prompt", text: trimmed)
            var scope = choice.checkScope(context, environment: environment)
            scope.groups = await interpreter.groupKinds
            let (script, diagnostics) = Checker.diagnose(source, scope: scope)
            editor.remember(Self.historyForm(of: script, text: trimmed))
            guard diagnostics.isEmpty else {
                for diagnostic in diagnostics { Console.err(diagnostic.rendered(in: source)) }
                continue
            }
            LineEditor.clearInterrupt()
            // One statement (with its else) at a time, so that what worked is known for `save`; a
            // failure ends the line, as it ends a script.
            for statement in script.statements {
                declined.withLock { $0 = false }
                let code = await ScriptRunner.run(Script(statements: [statement]), on: interpreter)
                if (code == .success || code == .recovered) && !declined.withLock({ $0 }) { record.add(statement) }
                if code != .success { break }
            }
        }
        editor.save()
        await runner.close()
    }

    /// Reads one statement, with a secondary prompt while a line ends in `\`, a string is open,
    /// or an else block is open. Nil at the end of input.
    private func readStatement(_ editor: LineEditor, prompt: String) async -> String? {
        var buffer = ""
        var label = prompt
        while true {
            switch await editor.readLine(prompt: label) {
            case .end:
                if buffer.isEmpty { Console.out("") }
                return buffer.isEmpty ? nil : buffer
            case .interrupted:
                Console.out("^C")
                buffer = ""
                label = prompt
            case .line(let line):
                buffer += buffer.isEmpty ? line : "\n" + line
                guard Self.isOpen(buffer) else { return buffer }
                label = String(repeating: " ", count: max(0, prompt.count - 4)) + "... "
            }
        }
    }

    /// True while the text continues on the next line: it ends in `\\`, inside a string, or inside
    /// an else block.
    static func isOpen(_ text: String) -> Bool {
        if text.hasSuffix("\\") { return true }
        var lexer = Lexer(SourceFile(name: "prompt", text: text))
        let tokens = lexer.tokenize()
        if lexer.endedInString { return true }
        let opened = tokens.filter { $0.kind == .openBrace }.count
        let closed = tokens.filter { $0.kind == .closeBrace }.count
        return opened > closed
    }

    /// What history keeps of a line: the line, with every secret literal it assigns (`let
    /// DB_PASSWORD = x`, `set value basic.password = x`) replaced by `******`.
    static func historyForm(of script: Script, text: String) -> String {
        var secrets: [String] = []
        func collect(_ statements: [Statement]) {
            for statement in statements {
                switch statement.kind {
                case .assign(let name, let value) where SecretKeys.isSecret(name):
                    if let literal = value.literal, !literal.isEmpty { secrets.append(literal) }
                case .set(.value(let path, let value)) where SecretKeys.isSecret(path.literal ?? ""):
                    if let literal = value.literal, !literal.isEmpty { secrets.append(literal) }
                default: break
                }
                for branch in statement.elseBranch?.chain ?? [] { collect(branch.body) }
            }
        }
        collect(script.statements)
        return secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "******") }
    }

    /// `save [--no-reads] [--force] FILE`: writes what worked in this session as a script.
    private func save(_ line: String, _ record: SessionRecord, url: URL) {
        var words = line.split(separator: " ").dropFirst().map(String.init)
        let dropReads = words.contains("--no-reads")
        let force = words.contains("--force")
        words.removeAll { $0 == "--no-reads" || $0 == "--force" }
        guard words.count == 1, let file = words.first, !file.hasPrefix("-") else {
            Console.err("save needs one file: save [--no-reads] [--force] FILE")
            return
        }
        guard force || !FileManager.default.fileExists(atPath: file) else {
            Console.err("\(file) exists; save --force \(file) replaces it")
            return
        }
        guard !record.statements.isEmpty else {
            Console.err("nothing to save yet: no statement has worked in this session")
            return
        }
        let text = record.script(target: choice.describe(url: url), dropReads: dropReads)
        do {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
            let count = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
            Console.out("saved \(count) statements to \(file); run it with rollout \(file)")
        } catch {
            Console.err("cannot write \(file): \(error.localizedDescription)")
        }
    }

    /// Runs one of the prompt's own commands.
    private func handle(_ command: PromptCommand, _ line: String, context: RunContext, url: URL, style: Style) {
        let words = line.split(separator: " ").map(String.init)
        switch command {
        case .exit, .quit, .save:
            break
        case .help:
            if words.count > 1 {
                guard let keyword = Keyword(rawValue: words[1]) else {
                    let note = Suggest.closest(to: words[1], in: Keyword.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                    Console.err("no statement '\(words[1])'\(note)")
                    return
                }
                Console.out("\(style.bold(keyword.syntax))\n  \(keyword.summary)\n  e.g. \(keyword.example)")
                if !keyword.details.isEmpty {
                    var table = Table(headers: ["", ""])
                    table.rows = keyword.details.map { ["  " + $0.term, $0.meaning] }
                    Console.out(table.render().split(separator: "\n").dropFirst().joined(separator: "\n"))
                }
            } else {
                var table = Table(headers: ["STATEMENT", "WHAT IT DOES"])
                table.rows = Keyword.allCases.map { [$0.rawValue, $0.summary] }
                Console.out(table.render())
                let others = PromptCommand.allCases.filter { $0 != .help && $0 != .quit }.map(\.rawValue).joined(separator: ", ")
                Console.out(style.dim("Also: help <statement>, \(others). Statements end at ; or a newline; Tab completes."))
            }
        case .context:
            var lines = [
                "cluster    \(context.cluster.map { "\($0) (\(choice.clusterID($0)))" } ?? "none")",
                "namespace  \(context.namespace)",
                "release    \(context.release ?? "none")",
                "timeout    \(DurationText.format(context.timeout)), interval \(DurationText.format(context.interval))",
                "target     \(choice.describe(url: url))",
            ]
            if !context.change.isEmpty {
                lines.append("next change: " + Self.describe(context.change))
            }
            Console.out(lines.joined(separator: "\n"))
        case .vars:
            if context.variables.isEmpty {
                Console.out(style.dim("no variables; set one with let NAME = value"))
            } else {
                for (name, value) in context.variables.sorted(by: { $0.key < $1.key }) {
                    Console.out("\(name) = \(SecretKeys.isSecret(name) ? "******" : value)")
                }
            }
        }
    }

    static func describe(_ change: PendingChange) -> String {
        var parts: [String] = []
        if let tag = change.tag { parts.append("tag \(tag)") }
        if let policy = change.pullPolicy { parts.append("pull-policy \(policy)") }
        for (path, value) in change.values { parts.append("\(path) = \(SecretKeys.isSecret(path) ? "******" : value.scalarText ?? value.jsonText)") }
        if let chart = change.chart { parts.append("chart \(chart)") }
        for (flag, on) in change.flags.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { parts.append("\(flag.rawValue) \(on ? "on" : "off")") }
        return parts.joined(separator: ", ")
    }
}

/// The prompt's own commands, beside the language's statements.
enum PromptCommand: String, CaseIterable {
    case help, context, vars, save, exit, quit

    /// The command a line starts with, if it is one.
    init?(line: String) {
        self.init(rawValue: String(line.split(separator: " ").first ?? ""))
    }
}
