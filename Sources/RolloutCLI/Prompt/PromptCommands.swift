import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The prompt's own commands: edit, watch, save, and help, context and vars.
extension PromptSession {
    /// `edit`: the text being typed, else the last statements, else a new buffer, in the user's
    /// editor; what is saved is checked and run, nothing when it is left unchanged or empty.
    /// Secrets are never written to the file: a secret literal shows as a variable that holds it.
    func edit(_ typed: String?) async {
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
    func watch(_ line: String, context: RunContext) async {
        let watch: Watch
        switch Watch.parse(line, scope: await scope()) {
        case .success(let parsed): watch = parsed
        case .failure(let error): return Console.err(error.description)
        }
        let output = Mutex("")
        let renderer = runner.renderer
        let looker = runner.interpreter(context: context) { event in
            switch event {
            case .finished(let info, .success(let result)): output.withLock { $0 = renderer.text.result(info, result) }
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
    func save(_ line: String) {
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
    func show(_ command: PromptCommand, _ line: String, context: RunContext) {
        let words = line.split(separator: " ").map(String.init)
        switch command {
        case .help where words.count > 1:
            guard let keyword = Keyword(rawValue: words[1]) else {
                if let command = PromptCommand(rawValue: words[1]) {
                    return Console.out("\(style.bold(command.syntax))\n  \(command.summary)")
                }
                if let topic = HelpTopic(rawValue: words[1]) { return runner.renderer.showPaged(topic.text) }
                let names = Keyword.allCases.map(\.rawValue) + PromptCommand.allCases.map(\.rawValue) + HelpTopic.allCases.map(\.rawValue)
                let note = Suggest.closest(to: words[1], in: names).map { "; " + Suggest.didYouMean($0) } ?? ""
                return Console.err("no statement, command or guide '\(words[1])'\(note)")
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
            Console.out(style.dim("Guides: help <topic>, where the topic is \(HelpTopic.names)."))
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
