import ArgumentParser
import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// `rollout [FILE | - | -c STATEMENTS] [-- NAME=VALUE ...]`: runs a script, or opens the prompt.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a script file, statements (-c), a script on stdin (-), or open the prompt.",
        discussion: "With no file on a terminal, opens the prompt. " + ExitCode.summary)

    @Argument(help: "A script file (a Markdown runbook runs its ```rollout blocks), or - to read one from stdin.", completion: .file(extensions: ["rollout", "md"]))
    var file: String?

    @Option(name: .customShort("c"), help: ArgumentHelp("Statements to run, e.g. 'use cluster demo; list'.", valueName: "statements"))
    var commands: String?

    @Flag(help: "Teach a runbook: show each statement with the comments above it, and ask first (Enter or y runs it, n skips, c runs the rest, q quits).")
    var step = false

    @Flag(help: "Go on with a failed or interrupted script run from the step it stopped at: FILE is the run's id or its script (the last such run when neither is given).")
    var resume = false

    @OptionGroup var gates: GateOptions

    @OptionGroup var target: TargetOptions
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var output: OutputOptions

    @Argument(parsing: .postTerminator, help: "Variables for the script: -- NAME=VALUE ...")
    var assignments: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let variables = try Assignments.parse(assignments)
        let interactive = isatty(0) == 1 && isatty(1) == 1
        if commands != nil && file != nil { throw CLIError("give a script file or -c, not both", exitCode: 2) }
        if resume && commands != nil { throw CLIError("--resume goes on with a script file's run, not with -c", exitCode: 2) }
        let choice = try TargetChoice.resolve(target, environment: environment)
        let store = try await StateChoice.resolve(stateOptions.state, profile: choice.profile, environment: environment).open()
        do {
            try await run(on: choice, store: store, variables: variables, interactive: interactive)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// Runs the script, the statements or the prompt on a target, with the state in a store.
    private func run(on choice: TargetChoice, store: any StateStore, variables given: [String: String], interactive: Bool) async throws {
        let environment = ProcessInfo.processInfo.environment
        var variables = given
        let resumption = resume
            ? try await Resumption.prepare(
                id: file, store: store, choice: choice, given: variables, environment: environment, lockTimeout: stateOptions.lockTimeout.duration)
            : nil
        let source: SourceFile?
        if let resumption {
            source = resumption.source
            variables = resumption.variables
        } else if let commands {
            source = SourceFile(name: SourceFile.commandLine, text: commands)
        } else if file == "-" || (file == nil && !interactive) {
            source = SourceFile(name: SourceFile.standardInput, text: Self.readStandardInput())
        } else if let file {
            source = try SourceLoader.load(file)
        } else {
            source = nil
        }
        let fromStdin = source?.name == SourceFile.standardInput
        let color = Self.useColor(output.color, environment: environment) && !fromStdin
        // Step mode asks before every wave, so it shows plain lines rather than a board redrawn under its questions.
        // Long results are paged at the prompt and for -c, where a person reads them as they come; a script goes on.
        let pager = source == nil || commands != nil ? Pager.make(disabled: output.noPager, environment: environment) : nil
        let renderer = Renderer(
            format: output.output, color: color, live: isatty(1) == 1 && !fromStdin, board: !step, pager: pager,
            runID: resumption?.record.id ?? Journal.newRunID())
        let context = RunContext(
            cluster: resumption?.record.cluster ?? choice.defaultCluster, namespace: resumption?.record.namespace ?? choice.defaultNamespace,
            variables: variables)

        guard let source else {
            try await Prompt(
                choice: choice, store: store, options: output, renderer: renderer, confirmChanges: !gates.yes && !choice.isEmbedded, gates: gates,
                lockTimeout: stateOptions.lockTimeout.duration)
                .run(environment: environment, variables: variables)
            return
        }
        try gates.validate(against: source)
        guard let script = ScriptRunner.checked(source, scope: choice.checkScope(context, environment: environment, gates: gates.answers, awaitsApprovals: gates.awaitsApprovals))
        else {
            throw CLIExit(code: ExitCode.invalid.rawValue)
        }
        let code = try await runScript(script, source, choice: choice, store: store, context: context, renderer: renderer, resumption: resumption)
        throw CLIExit(code: code.rawValue)
    }

    /// Runs a checked script on the target: a script file's run kept on record (from where a
    /// resumed one goes on), its changes journaled, its events shown.
    private func runScript(
        _ script: Script, _ source: SourceFile, choice: TargetChoice, store: any StateStore, context: RunContext, renderer: Renderer,
        resumption: Resumption?
    ) async throws -> RolloutRuntime.ExitCode {
        Interrupts.install()
        let environment = ProcessInfo.processInfo.environment
        let attempt = resumption.map { ($0.record.tries ?? 1) + 1 } ?? 1
        let runner = try await ScriptRunner.open(
            choice, store: store, renderer: renderer, debug: output.debug, environment: environment, attempt: attempt, held: resumption?.hold,
            lockTimeout: stateOptions.lockTimeout.duration)
        var point: ResumePoint?
        if let resumption {
            do {
                point = try await resumption.point(in: script, api: runner.session.api, journal: runner.journal) { renderer.note($0) }
            } catch {
                await runner.close()
                throw error
            }
        }
        let recorder = await RunRecorder.begin(
            resumption, id: renderer.runID, source: source, script: script, context: context, choice: choice, store: store, hold: runner.hold)
        // A run on record can be followed from elsewhere (rollout watch).
        let publisher = recorder.map { RunPublisher(store: store, run: $0.id) }
        if let publisher { renderer.mirror(to: publisher.renderer) }
        if let recorder {
            renderer.runBegan(recorder.id, script: source.name, resumed: point.map { " at \($0.place(in: script, source.name))" })
        }
        let interpreter = runner.interpreter(context: context) { event in
            recorder?.observe(event)
            publisher?.take(event)
            renderer.show(event)
        }
        if let recorder {
            await interpreter.setBeforeStatement { info in try await recorder.starting(info) }
        }
        if step {
            await interpreter.setBeforeStep(StepMode.decider(renderer))
        }
        await interpreter.setPauseHandler(StepMode.pause)
        // What others ask of the run (approve, hold, abort) is heard while it runs.
        let requests = await RequestWatcher.start(store: store, run: renderer.runID, gates: script.gates, interpreter: interpreter, renderer: renderer)
        await interpreter.setGateHandler(gates.handler(renderer: renderer, remote: requests, run: renderer.runID))
        let code = await ScriptRunner.run(script, on: interpreter, from: point)
        requests.stop()
        if let recorder { renderer.runEnded(recorder.id, code: code) }
        // The last view is up before the record says the run ended, which is when a watch stops.
        await publisher?.finish()
        await recorder?.finish(code)
        await runner.close()
        return code
    }

    static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    static func useColor(_ choice: ColorChoice, environment: [String: String]) -> Bool {
        switch choice {
        case .always: return true
        case .never: return false
        case .auto: return isatty(1) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }
}

