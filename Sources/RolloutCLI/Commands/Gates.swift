import ArgumentParser
import AutopilotModels
import Foundation
import RolloutRuntime
import RolloutSyntax

/// How a run answers rollout gates: `--yes` passes all, `--approve NAME` one; the rest are asked at
/// a terminal and fail off one, so that CI never passes a gate by accident.
struct GateOptions: ParsableArguments {
    @Flag(name: [.customShort("y"), .long], help: "Do not ask: pass every rollout gate, and at a cloud prompt make changes without asking.")
    var yes = false

    @Option(name: .customLong("approve"), help: ArgumentHelp("Pass the rollout gate of this name (repeatable).", valueName: "gate"))
    var approvals: [String] = []

    @Option(name: .customLong("gate-wait"), help: "Off a terminal, how long a gate waits for someone to pass it with rollout approve RUN GATE (e.g. 30m; 0s, the default, does not wait).")
    var gateWait = DurationArgument.zero

    /// What the checker may assume about the gates: a gate that waits for `rollout approve` is asked.
    var answers: GateAnswers {
        isatty(0) == 1 || gateWait.duration > .zero ? .asked : .approved(all: yes, names: Set(approvals))
    }

    /// True when a gate waits for `rollout approve`.
    var awaitsApprovals: Bool { gateWait.duration > .zero }

    /// Refuses an `--approve` that names no gate of the script, or a gate only its approvers pass.
    /// The script is read for its gates only when there is an `--approve` to hold to them.
    func validate(against source: SourceFile) throws {
        guard !approvals.isEmpty else { return }
        let script = Parser.parse(source).script
        let gates = script.gateNames
        let approvers = script.gates
        for name in approvals {
            guard gates.contains(name) else {
                let known = gates.isEmpty ? "it has none" : "its gates: \(gates.joined(separator: ", "))"
                throw CLIError("--approve \(name) names no gate of the script (\(known))", exitCode: 2)
            }
            if let names = approvers[name], !names.isEmpty {
                throw CLIError("--approve \(name) cannot pass the gate '\(name)': only rollout approve from \(names.joined(separator: " or ")) does", exitCode: 2)
            }
        }
    }

    /// The answer to each gate: from the command line, else from `rollout approve` elsewhere (`remote`,
    /// for the run `run`), else from the person at the terminal, else no.
    func handler(renderer: Renderer, remote: RequestWatcher? = nil, run: String = "RUN") -> @Sendable (GateRequest) async -> GateAnswer {
        let (yes, approvals, wait) = (yes, Set(approvals), gateWait.duration)
        return { request in
            if !request.approvers.isEmpty {
                let command = "rollout approve \(run) \(request.name)"
                guard let remote, wait > .zero else { return .refuse("only \(command) from \(request.approvers.joined(separator: " or ")) passes it (--gate-wait waits for it)") }
                renderer.note("⏸ gate '\(request.name)' waits up to \(DurationText.format(wait)) for: \(command), from \(request.approvers.joined(separator: " or "))")
                if let how = await remote.approval(of: request.name, waiting: wait) { return .pass(how) }
                return .refuse("none of \(request.approvers.joined(separator: ", ")) passed it within \(DurationText.format(wait)) (\(command))")
            }
            if yes { return .pass("approved by --yes") }
            if approvals.contains(request.name) { return .pass("approved by --approve \(request.name)") }
            if let how = await remote?.approval(of: request.name, waiting: .zero) { return .pass(how) }
            guard isatty(0) == 1 else {
                let command = "rollout approve \(run) \(request.name)"
                guard let remote, wait > .zero else {
                    return .refuse("not on a terminal, and neither --approve \(request.name) nor --yes was given (--gate-wait waits for \(command))")
                }
                renderer.note("⏸ gate '\(request.name)' waits up to \(DurationText.format(wait)) for: \(command)")
                if let how = await remote.approval(of: request.name, waiting: wait) { return .pass(how) }
                return .refuse("no one passed it within \(DurationText.format(wait)) (\(command))")
            }
            renderer.suspendBoard()
            renderer.noteForWatchers("⏸ gate '\(request.name)' waits for an answer at the run's terminal, or: rollout approve \(run) \(request.name)")
            let counts = MemberState.counts(request.members.filter { $0.tag.wave < request.wave }.map(\.state))
            Console.out("gate '\(request.name)': the waves so far: " + counts.map { "\($0.count) \($0.state)" }.joined(separator: ", "))
            // `rollout approve` from elsewhere answers the question too.
            let answer = Question.yesOrNo("start wave \(request.wave)?").ask(read: {
                StepMode.readAnswer { remote?.given(request.name) != nil }
            })
            if let how = remote?.given(request.name) {
                Console.out("")
                return .pass(how)
            }
            guard answer == true else { return .refuse("declined at the terminal") }
            return .pass("approved at the terminal")
        }
    }
}
