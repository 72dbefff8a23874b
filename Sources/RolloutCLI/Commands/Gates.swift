import ArgumentParser
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

    /// What the checker may assume about the gates.
    var answers: GateAnswers {
        isatty(0) == 1 ? .asked : .approved(all: yes, names: Set(approvals))
    }

    /// Refuses an `--approve` that names no gate of the script.
    func validate(against script: Script) throws {
        let gates = script.gateNames
        for name in approvals where !gates.contains(name) {
            let known = gates.isEmpty ? "it has none" : "its gates: \(gates.joined(separator: ", "))"
            throw CLIError("--approve \(name) names no gate of the script (\(known))", exitCode: 2)
        }
    }

    /// The answer to each gate: from the command line, else from the person at the terminal, else no.
    func handler(renderer: Renderer) -> @Sendable (GateRequest) async -> GateAnswer {
        let (yes, approvals) = (yes, Set(approvals))
        return { request in
            if yes { return .pass("approved by --yes") }
            if approvals.contains(request.name) { return .pass("approved by --approve \(request.name)") }
            guard isatty(0) == 1 else {
                return .refuse("not on a terminal, and neither --approve \(request.name) nor --yes was given")
            }
            renderer.suspendBoard()
            let counts = MemberState.counts(request.members.filter { $0.tag.wave < request.wave }.map(\.state))
            Console.out("gate '\(request.name)': the waves so far: " + counts.map { "\($0.count) \($0.state)" }.joined(separator: ", "))
            guard Question.yesOrNo("start wave \(request.wave)?").ask() == true else {
                return .refuse("declined at the terminal")
            }
            return .pass("approved at the terminal")
        }
    }
}
