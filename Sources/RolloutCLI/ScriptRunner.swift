import AutopilotClient
import Foundation
import LineEditor
import RolloutLanguage

/// Checks and runs one script against a session, showing events, journaling changes, and turning
/// Ctrl-C into a cancelled run.
struct ScriptRunner {
    let session: Session
    let renderer: Renderer
    let journal: Journal
    let environment: [String: String]

    /// Makes an interpreter whose events are shown and journaled.
    func interpreter(context: RunContext) -> Interpreter {
        let renderer = renderer
        let journal = journal
        let session = session
        return Interpreter(
            api: session.client, context: context, environment: environment,
            resolveCluster: { session.choice.clusterID($0) },
            events: { event in
                if case .change(_, let record) = event {
                    do {
                        let requestID = record.outcome == "sending" ? nil : session.takeChangeRequestID()
                        try journal.append(record, requestID: requestID)
                    } catch {
                        Console.err("warning: could not write the journal \(journal.file.path): \(error.localizedDescription)")
                    }
                }
                renderer.show(event)
            })
    }

    /// Diagnoses a source; prints every problem; nil when it has errors.
    static func checked(_ source: SourceFile, context: RunContext, environment: [String: String]) -> Script? {
        let (script, diagnostics) = Checker.diagnose(source, context: context, environment: environment)
        return report(diagnostics, in: source) ? script : nil
    }

    /// Diagnoses a source without keeping its statements (`rollout check`); prints every problem; false
    /// when it has errors.
    static func passesCheck(_ source: SourceFile, context: RunContext, environment: [String: String]) -> Bool {
        report(Checker.problems(in: source, context: context, environment: environment), in: source)
    }

    /// Prints diagnostics; true when none is an error.
    private static func report(_ diagnostics: [Diagnostic], in source: SourceFile) -> Bool {
        for diagnostic in diagnostics { Console.err(diagnostic.rendered(in: source)) }
        return !diagnostics.contains { $0.severity == .error }
    }

    /// Runs a checked script; Ctrl-C cancels it.
    static func run(_ script: Script, on interpreter: Interpreter) async -> ExitCode {
        let task = Task { await interpreter.run(script) }
        let watcher = Task {
            while !Task.isCancelled {
                if Interrupts.take() {
                    task.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let code = await task.value
        watcher.cancel()
        return code
    }
}
