public import ArgumentParser
import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax

/// `rollout check FILE...`: every problem in each file, like a compiler; nothing is sent.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Find every problem in scripts without running them; nothing is sent.")

    @Argument(help: "Script files (.rollout, or Markdown runbooks).", completion: .file(extensions: ["rollout", "md"])) var files: [String] = []
    @Option(name: .customLong("var"), help: "A variable the scripts get from the command line (NAME=VALUE; repeatable).")
    var assignments: [String] = []
    @Option(help: "human (like a compiler, on stderr), github (GitHub Actions annotations) or json (one object per diagnostic), the last two on stdout.")
    var format: DiagnosticFormat = .human
    @OptionGroup var target: TargetOptions
    @OptionGroup var gates: GateOptions

    func run() async throws {
        guard !files.isEmpty else { throw CLIError("check needs at least one script file", exitCode: 2) }
        let environment = ProcessInfo.processInfo.environment
        let choice = try TargetChoice.resolve(target, environment: environment)
        let context = RunContext(cluster: choice.defaultCluster, namespace: choice.defaultNamespace, variables: try Assignments.parse(assignments))
        var failed = false
        for file in files {
            let source = try SourceLoader.load(file)
            try gates.validate(against: source)
            if ScriptRunner.checked(source, scope: choice.checkScope(context, environment: environment, gates: gates.answers, awaitsApprovals: gates.awaitsApprovals), format: format) != nil {
                if format == .human { Console.out("\(file): ok") }
            } else {
                failed = true
            }
        }
        if failed { throw CLIExit(code: ExitCode.invalid.rawValue) }
    }
}

/// `--format` takes the syntax module's formats by name.
extension DiagnosticFormat: ExpressibleByArgument {}

/// `rollout plan FILE`: the API calls a script would make; nothing is sent. With `--live`, reads go
/// to the target, each change shows its diff against the release as it is now, and the exit code
/// says whether anything would change.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show the API calls a script would make, with its else branches; nothing is sent.",
        discussion: "With --live: exit 0 when the script would change nothing, \(ExitCode.wouldChange.rawValue) when it would.")

    @Argument(help: "A script file (.rollout, or a Markdown runbook).", completion: .file(extensions: ["rollout", "md"])) var file: String
    @Flag(help: "Read the target (reads only, no change is sent) and show each change's diff against the release as it is now.")
    var live = false
    @OptionGroup var target: TargetOptions
    @Argument(parsing: .postTerminator, help: "Variables: -- NAME=VALUE ...") var assignments: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let choice = try TargetChoice.resolve(target, environment: environment)
        let context = RunContext(cluster: choice.defaultCluster, namespace: choice.defaultNamespace, variables: try Assignments.parse(assignments))
        let source = try SourceLoader.load(file)
        guard let script = ScriptRunner.checked(source, scope: choice.checkScope(context, environment: environment)) else {
            throw CLIExit(code: ExitCode.invalid.rawValue)
        }
        let style = Style(enabled: RunCommand.useColor(.auto, environment: environment))
        let session = live ? try await Session.open(choice, debug: false, style: style) : nil
        let plan = await Planner.plan(
            script, name: file, context: context, environment: environment, resolveCluster: { choice.clusterID($0) }, fleets: choice.fleets,
            live: session?.client, wireRequest: AutopilotClient.wireRequest(for:))
        await session?.close()
        Console.write(plan.text)
        if live && plan.wouldChange { throw CLIExit(code: ExitCode.wouldChange.rawValue) }
    }
}

