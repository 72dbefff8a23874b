import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax

/// What the prompt and script runs share: a session on the target, the renderer, and the journal,
/// wired into an interpreter once.
struct ScriptRunner {
    let session: Session
    let renderer: Renderer
    let journal: Journal
    let environment: [String: String]
    /// The run held by this process while it runs, so that no other process settles a change of
    /// it as left unknown meanwhile; nil when the store cannot hold it.
    let hold: (any RunHold)?
    /// Why the run could not be held, when it could not.
    let holdProblem: String?
    /// How long a change waits for a release another run holds.
    let lockTimeout: Duration
    /// The journal's lines about analyses, written in the order they were measured.
    private let analysisLines = SerialWork()

    /// Opens a session on the target, holds the run (`held` when it is already held), and wires
    /// the renderer and the journal in the store to it. Before anything is sent, a change on this
    /// target that a run no process holds left with no known outcome is read back and settled.
    static func open(
        _ choice: TargetChoice, store: any StateStore, renderer: Renderer, debug: Bool, environment: [String: String], attempt: Int = 1,
        held: (any RunHold)? = nil, lockTimeout: Duration = .zero
    ) async throws -> ScriptRunner {
        var hold = held
        var holdProblem: String?
        if hold == nil {
            do { hold = try await store.hold(renderer.runID, by: .this(run: renderer.runID)) } catch { holdProblem = "\(error)" }
        }
        let session = try await Session.open(choice, debug: debug, style: renderer.style)
        let journal = Journal(store: store, target: choice.identity, runID: renderer.runID, attempt: attempt)
        if session.keepsState {
            do {
                try await Settling.leftovers(journal: journal, api: session.api) { renderer.note($0) }
            } catch {
                await session.close()
                throw error
            }
        }
        return ScriptRunner(
            session: session, renderer: renderer, journal: journal, environment: environment, hold: hold, holdProblem: holdProblem,
            lockTimeout: lockTimeout)
    }

    /// Makes an interpreter whose changes are journaled and whose events are shown (or, for
    /// `watch`, given to `events`).
    func interpreter(context: RunContext, events: (@Sendable (RunEvent) -> Void)? = nil) -> Interpreter {
        let (renderer, journal, session, analysisLines) = (renderer, journal, session, analysisLines)
        let show = events ?? { renderer.show($0) }
        // The measurement that decided an analysis goes on record; one that cannot be written is
        // said, and the run goes on (it changes nothing).
        let events: @Sendable (RunEvent) -> Void = { event in
            show(event)
            guard case .measured(let step, let measurement, decided: true) = event else { return }
            analysisLines.add {
                do { try await journal.append(measurement, of: step) } catch { renderer.note("warning: \(error)") }
            }
        }
        let locks = ReleaseLocks(
            hold: hold, holdProblem: holdProblem, target: session.choice.lockName, run: journal.runID, timeout: lockTimeout
        ) { renderer.note($0) }
        return Interpreter(
            api: session.api, context: context, environment: environment,
            resolveCluster: { session.choice.clusterID($0) },
            journal: { record in try await journal.append(record) },
            fleets: session.choice.fleets, sources: session.sources,
            claim: { releases, info in try await locks.claim(releases, info) },
            events: events)
    }

    /// Parses and checks a source; prints every problem; nil when there is one.
    static func checked(_ source: SourceFile, scope: CheckScope, format: DiagnosticFormat = .human) -> Script? {
        let (script, diagnostics) = Checker.diagnose(source, scope: scope)
        for diagnostic in diagnostics {
            let text = format.write(diagnostic, in: source)
            if format.toStandardOutput { Console.out(text) } else { Console.err(text) }
        }
        return diagnostics.isEmpty ? script : nil
    }

    /// Runs a checked script. The first Ctrl-C cancels it (a change in flight is read back to learn
    /// its outcome); a second stops that read-back. During a rollout the first Ctrl-C only stops
    /// new members from starting (running ones finish their block), the second cancels, and any
    /// later one stops the read-backs. With `point`, a resumed run goes on from there.
    static func run(_ script: Script, on interpreter: Interpreter, from point: ResumePoint? = nil) async -> ExitCode {
        let task = Task {
            if let point { return await interpreter.run(script, resumingAt: point) }
            return await interpreter.run(script)
        }
        let watcher = Task {
            var interrupts = 0
            var gentle = false
            while !Task.isCancelled {
                if Interrupts.take() {
                    interrupts += 1
                    if interrupts == 1, interpreter.stopStartingMembers() {
                        gentle = true
                        Console.err("⏹ stopping: no member starts from now on; running members finish their block (Ctrl-C again stops them)")
                    } else if interrupts == 1 || (gentle && interrupts == 2) {
                        task.cancel()
                    } else {
                        interpreter.skipReadBack()
                    }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let code = await task.value
        watcher.cancel()
        return code
    }

    /// Writes what is left to write, lets go of the run and closes the session.
    func close() async {
        await analysisLines.finish()
        await hold?.release()
        await session.close()
    }
}
