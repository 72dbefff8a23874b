import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// One prompt session: the interpreter lines run on, the line editor, and what `save` and `edit`
/// need to know of what happened.
final class PromptSession {
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
            if let preview = info.preview { Console.out(renderer.text.diff(preview)) }
            let yes = Question.yesOrNo("\(info.text) on \(target)?").ask() ?? false
            if !yes { declined.value = true }
            return yes ? .run : .skip
        }
    }

    /// Reads and runs lines until `exit` or Ctrl-D.
    func loop() async {
        while true {
            let context = await interpreter.context
            completer.update(context, groups: Array(await interpreter.groupKinds.keys), analyses: Array(await interpreter.analysisNames))
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
    func readStatement(prompt: String) async -> Read {
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
    func execute(_ text: String, source name: String, variables: [String: String] = [:]) async {
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
            // A person at the prompt holds a release only while a statement changes it.
            await runner.hold?.releaseLeases()
            // A statement whose else ran is left out of `save`: run again, it would end the script there.
            if code == .success && !declined.value { record.add(statement) }
            if code != .success { break }
        }
    }

    /// What the checker may assume here: the context in use and the groups defined so far.
    func scope() async -> CheckScope {
        var scope = choice.checkScope(await interpreter.context, environment: environment)
        scope.groups = await interpreter.groupKinds
        scope.analyses = await interpreter.analysisNames
        return scope
    }
}
