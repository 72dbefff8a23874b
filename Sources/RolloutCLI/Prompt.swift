import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The interactive prompt: `rollout demo/monitoring>`, with history, completion, a hint at the
/// right of the line, and the prompt's own commands (`help`, `context`, `vars`, `save`, `edit`,
/// `watch`, `exit`). Ctrl-C stops a running statement or clears the line; Ctrl-D exits.
struct Prompt {
    let choice: TargetChoice
    let options: OutputOptions
    let renderer: Renderer
    let confirmChanges: Bool
    let gates: GateOptions

    func run(environment: [String: String], variables: [String: String]) async throws {
        let runner = try await ScriptRunner.open(choice, renderer: renderer, debug: options.debug, environment: environment)
        let start = RunContext(
            cluster: choice.defaultCluster ?? (choice.isEmbedded ? "demo" : nil),
            namespace: choice.defaultNamespace ?? (choice.isEmbedded ? "default" : nil), variables: variables)
        let session = PromptSession(prompt: self, runner: runner, start: start, environment: environment)
        await session.prepare()
        Console.out("rollout \(RolloutVersion.current) on \(choice.describe(url: runner.session.url))")
        Console.out(renderer.style.dim("Type help for the statements, help <statement> for one, exit or Ctrl-D to leave."))
        await session.loop()
        await runner.close()
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
    /// DB_PASSWORD = x`, `set value basic.password = x`) and every value known to be secret
    /// replaced by `******`.
    static func historyForm(of script: Script, text: String) -> String {
        let secrets = script.everyStatement.compactMap { $0.kind.secretLiteral?.value }.filter { !$0.isEmpty }
        return SecretValues.known.mask(secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: SecretValues.mask) })
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

/// One prompt session: the interpreter lines run on, the line editor, and what `save` and `edit`
/// need to know of what happened.
private final class PromptSession {
    let prompt: Prompt
    let runner: ScriptRunner
    let interpreter: Interpreter
    let environment: [String: String]
    let completer: Completer
    let editor: LineEditor
    var record: SessionRecord
    /// What `edit` opens when nothing is being typed: the last text entered.
    var lastEntered: EditBuffer?
    /// A change declined at the confirmation did not happen, so `save` leaves it out.
    let declined = Declined()

    /// Set when a change of the statement running was declined.
    final class Declined: Sendable {
        private let state = Mutex(false)
        var value: Bool {
            get { state.withLock { $0 } }
            set { state.withLock { $0 = newValue } }
        }
    }

    var style: Style { runner.renderer.style }
    var choice: TargetChoice { prompt.choice }

    init(prompt: Prompt, runner: ScriptRunner, start: RunContext, environment: [String: String]) {
        self.prompt = prompt
        self.runner = runner
        self.environment = environment
        interpreter = runner.interpreter(context: start)
        record = SessionRecord(start: start)
        try? Paths().ensureStateDirectory()
        let completer = Completer(session: runner.session, context: start)
        self.completer = completer
        editor = LineEditor(
            name: "rollout", historyPath: Paths().historyFile.path, completer: completer.complete, hinter: completer.hint)
    }

    /// Wires the step mode's questions and, against a cloud target, the confirmation of changes.
    func prepare() async {
        await interpreter.setPauseHandler(StepMode.pause)
        await interpreter.setGateHandler(prompt.gates.handler(renderer: runner.renderer))
        guard prompt.confirmChanges else { return }
        let target = runner.session.url.host ?? runner.session.url.absoluteString
        let (declined, renderer) = (declined, runner.renderer)
        await interpreter.setBeforeStep { info in
            guard info.statement.keyword.changesRelease else { return .run }
            if let preview = info.preview { Console.out(renderer.diffText(preview)) }
            let yes = Question.yesOrNo("\(info.text) on \(target)?").ask() ?? false
            if !yes { declined.value = true }
            return yes ? .run : .skip
        }
    }

    /// Reads and runs lines until `exit` or Ctrl-D.
    func loop() async {
        while true {
            let context = await interpreter.context
            completer.update(context, groups: Array(await interpreter.groupKinds.keys))
            let label = "rollout \(context.cluster ?? "-")/\(context.namespace)> "
            switch await readStatement(prompt: label) {
            case .end:
                editor.save()
                return
            case .edit(let typed):
                await edit(typed)
            case .line(let text):
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { continue }
                guard let command = PromptCommand(line: trimmed) else {
                    await execute(trimmed, source: "prompt")
                    continue
                }
                editor.remember(trimmed)
                switch command {
                case .exit, .quit:
                    editor.save()
                    return
                case .save: save(trimmed)
                case .edit: await edit(nil)
                case .watch: await watch(trimmed, context: context)
                case .help, .context, .vars: show(command, trimmed, context: context)
                }
            }
        }
    }

    /// Text for the editor, and the values of the secret variables it uses in place of literals.
    struct EditBuffer {
        var text: String
        var secrets: [String: String]

        init(text: String, secrets: [String: String]) {
            self.text = text
            self.secrets = secrets
        }

        /// Text as `edit` shows it: when it checks, one statement per line with each secret literal
        /// a variable (its value kept here, never in the text); else as history keeps it.
        init(_ script: Script, text: String, checked: Bool) {
            guard checked else {
                self.init(text: Prompt.historyForm(of: script, text: text), secrets: [:])
                return
            }
            var secrets = SavedSecrets()
            let lines = script.statements.compactMap { ScriptPrinter.saved($0, secrets: &secrets) }
            self.init(text: lines.joined(separator: "\n"), secrets: secrets.bindings)
        }
    }

    /// What one read of a statement gave.
    enum Read {
        case line(String)
        case edit(String)
        case end
    }

    /// Reads one statement, with a secondary prompt while a line ends in `\`, a string is open,
    /// or an else block is open. `edit` on such a line, or Ctrl-X Ctrl-E on any, asks to edit what
    /// is typed so far.
    private func readStatement(prompt: String) async -> Read {
        var buffer = ""
        var label = prompt
        while true {
            switch await editor.readLine(prompt: label) {
            case .end:
                if buffer.isEmpty { Console.out("") }
                return buffer.isEmpty ? .end : .line(buffer)
            case .interrupted:
                Console.out("^C")
                buffer = ""
                label = prompt
            case .edit(let line):
                return .edit(buffer.isEmpty ? line : buffer + "\n" + line)
            case .line(let line):
                if !buffer.isEmpty, line.trimmingCharacters(in: .whitespaces) == PromptCommand.edit.rawValue { return .edit(buffer) }
                buffer += buffer.isEmpty ? line : "\n" + line
                guard Prompt.isOpen(buffer) else { return .line(buffer) }
                label = String(repeating: " ", count: max(0, prompt.count - 4)) + "... "
            }
        }
    }

    /// Checks and runs what was typed or edited: one statement (with its else) at a time, so that
    /// what worked is known for `save`; a failure ends the rest, as it ends a script.
    private func execute(_ text: String, source name: String, variables: [String: String] = [:]) async {
        let source = SourceFile(name: name, text: text)
        var scope = await scope()
        scope.variables.formUnion(variables.keys)
        let (script, diagnostics) = Checker.diagnose(source, scope: scope)
        editor.remember(Prompt.historyForm(of: script, text: text))
        lastEntered = EditBuffer(script, text: text, checked: diagnostics.isEmpty)
        guard diagnostics.isEmpty else {
            for diagnostic in diagnostics { Console.err(diagnostic.rendered(in: source)) }
            return
        }
        if !variables.isEmpty { await interpreter.define(variables) }
        LineEditor.clearInterrupt()
        for statement in script.statements {
            declined.value = false
            let code = await ScriptRunner.run(Script(statements: [statement]), on: interpreter)
            // A statement whose else ran is left out of `save`: run again, it would end the script there.
            if code == .success && !declined.value { record.add(statement) }
            if code != .success { break }
        }
    }

    /// What the checker may assume here: the context in use and the groups defined so far.
    private func scope() async -> CheckScope {
        var scope = choice.checkScope(await interpreter.context, environment: environment)
        scope.groups = await interpreter.groupKinds
        return scope
    }

    /// `edit`: the text being typed, else the last statements, else a new buffer, in the user's
    /// editor; what is saved is checked and run, nothing when it is left unchanged or empty.
    /// Secrets are never written to the file: a secret literal shows as a variable that holds it.
    private func edit(_ typed: String?) async {
        var buffer = lastEntered ?? EditBuffer(text: "", secrets: [:])
        if let typed, !typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let (script, diagnostics) = Checker.diagnose(SourceFile(name: "edit", text: typed), scope: await scope())
            buffer = EditBuffer(script, text: typed, checked: diagnostics.isEmpty)
        }
        let header = "# rollout: save and quit to run these statements; leave the file empty or unchanged to run nothing.\n"
        let edited: String?
        do {
            edited = try ExternalEditor(environment: environment).edit(header + buffer.text + (buffer.text.isEmpty ? "" : "\n"))
        } catch {
            return Console.err(error.description)
        }
        let statements = edited.map(Self.withoutComments) ?? ""
        guard !statements.isEmpty else {
            return Console.out(style.dim("nothing to run: the file was left \(edited == nil ? "unchanged" : "empty")"))
        }
        await execute(statements, source: "edit", variables: buffer.secrets)
    }

    /// The text without its comment lines and blank lines at either end.
    static func withoutComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `watch <read statement> [every <d>]`.
    private func watch(_ line: String, context: RunContext) async {
        let watch: Watch
        switch Watch.parse(line, scope: await scope()) {
        case .success(let parsed): watch = parsed
        case .failure(let error): return Console.err(error.description)
        }
        let output = Mutex("")
        let renderer = runner.renderer
        let looker = runner.interpreter(context: context) { event in
            switch event {
            case .finished(let info, .success(let result)): output.withLock { $0 = renderer.resultText(info, result) }
            case .finished(_, .failure(let failure)): output.withLock { $0 = renderer.style.red("✘ \(failure.message)") }
            default: break
            }
        }
        let script = Script(statements: [watch.statement])
        await watch.run(style: style, terminal: isatty(1) == 1) {
            _ = await looker.run(script)
            return output.withLock { $0 }
        }
    }

    /// `save [--no-reads] [--force] FILE`: writes what worked in this session as a script.
    private func save(_ line: String) {
        var words = line.split(separator: " ").dropFirst().map(String.init)
        let dropReads = words.contains("--no-reads")
        let force = words.contains("--force")
        words.removeAll { $0 == "--no-reads" || $0 == "--force" }
        guard words.count == 1, let file = words.first, !file.hasPrefix("-") else {
            return Console.err("save needs one file: \(PromptCommand.save.syntax)")
        }
        guard force || !FileManager.default.fileExists(atPath: file) else {
            return Console.err("\(file) exists; save --force \(file) replaces it")
        }
        guard !record.statements.isEmpty else {
            return Console.err("nothing to save yet: no statement has worked in this session")
        }
        let text = record.script(target: choice.describe(url: runner.session.url), dropReads: dropReads)
        do {
            try FileProblem.write(text, to: file)
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
            let count = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
            Console.out("saved \(count) statements to \(file); run it with rollout \(file)")
        } catch {
            Console.err(error.description)
        }
    }

    /// `help`, `context` and `vars`.
    private func show(_ command: PromptCommand, _ line: String, context: RunContext) {
        let words = line.split(separator: " ").map(String.init)
        switch command {
        case .help where words.count > 1:
            guard let keyword = Keyword(rawValue: words[1]) else {
                if let command = PromptCommand(rawValue: words[1]) {
                    return Console.out("\(style.bold(command.syntax))\n  \(command.summary)")
                }
                let names = Keyword.allCases.map(\.rawValue) + PromptCommand.allCases.map(\.rawValue)
                let note = Suggest.closest(to: words[1], in: names).map { "; did you mean '\($0)'?" } ?? ""
                return Console.err("no statement '\(words[1])'\(note)")
            }
            Console.out("\(style.bold(keyword.syntax))\n  \(keyword.summary)\n  e.g. \(keyword.example)")
            if !keyword.details.isEmpty {
                var table = Table(headers: ["", ""])
                table.rows = keyword.details.map { ["  " + $0.term, $0.meaning] }
                Console.out(table.render().split(separator: "\n").dropFirst().joined(separator: "\n"))
            }
        case .help:
            var table = Table(headers: ["STATEMENT", "WHAT IT DOES"])
            table.rows = Keyword.allCases.map { [$0.rawValue, $0.summary] }
            Console.out(table.render())
            var commands = Table(headers: ["AT THE PROMPT", "WHAT IT DOES"])
            commands.rows = PromptCommand.allCases.filter { $0 != .quit }.map { [$0.syntax, $0.summary] }
            Console.out(commands.render())
            Console.out(style.dim("Statements end at ; or a newline; Tab completes; the hint at the right shows what a statement takes."))
        case .context:
            var lines = [
                "cluster    \(context.cluster.map { "\($0) (\(choice.clusterID($0)))" } ?? "none")",
                "namespace  \(context.namespace)",
                "release    \(context.release ?? "none")",
                "timeout    \(DurationText.format(context.timeout)), interval \(DurationText.format(context.interval))",
                "target     \(choice.describe(url: runner.session.url))",
            ]
            if !context.change.isEmpty { lines.append("next change: " + Prompt.describe(context.change)) }
            Console.out(lines.joined(separator: "\n"))
        case .vars:
            guard !context.variables.isEmpty else { return Console.out(style.dim("no variables; set one with let NAME = value")) }
            for (name, value) in context.variables.sorted(by: { $0.key < $1.key }) {
                Console.out("\(name) = \(SecretKeys.isSecret(name) ? "******" : value)")
            }
        default:
            break
        }
    }
}
