import ArgumentParser
import Foundation
import RolloutRuntime

/// `rollout runs`: live and recent runs in the state (the team's database, or this machine's
/// files), newest first, with how each stands.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List live and recent runs and how each stands.")

    @Option(help: "How many runs.") var last: Int = 20
    @OptionGroup var profile: StateProfileOption
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        guard last > 0 else { throw CLIError("--last must be at least 1", exitCode: 2) }
        let (rows, place) = try await profile.withStore(stateOptions) { store in
            var rows: [[String]] = []
            for record in try await store.records().suffix(last).reversed() {
                rows.append([
                    record.id, try await Self.standing(of: record, in: store), record.by ?? "-", record.script, "\(record.statement + 1)",
                    "\(record.tries ?? 1)", record.updated,
                ])
            }
            return (rows, store.place)
        }
        guard !rows.isEmpty else {
            Console.out("no runs yet (\(place))")
            return
        }
        var table = Table(headers: ["RUN", "STATE", "BY", "SCRIPT", "STATEMENT", "TRIES", "UPDATED"])
        table.rows = rows
        Console.out(table.render())
    }

    /// How a run stands: running (its process holds it), stopped (its process is gone: resume it),
    /// or how it ended.
    static func standing(of record: RunRecord, in store: any StateStore) async throws -> String {
        switch record.state {
        case .running: return try await isLive(record, in: store) ? "running" : "stopped (rollout --resume \(record.id))"
        case .ended(let outcome): return outcome.rawValue + (record.exitCode.map { " (exit \($0))" } ?? "")
        }
    }

    /// True while a process runs the run: its record says running, and a process holds it.
    static func isLive(_ record: RunRecord, in store: any StateStore) async throws -> Bool {
        guard record.state == .running else { return false }
        return try await store.isHeld(record.id)
    }
}

/// What `approve`, `hold` and `abort` share: the run, the state it is in, and sending the request.
struct RequestOptions: ParsableArguments {
    @Argument(help: "The run's id (rollout runs lists them).")
    var run: String

    @OptionGroup var profile: StateProfileOption
    @OptionGroup var stateOptions: StateOptions

    /// Puts the request on record for a running run and says so; refuses a run that is not
    /// running, and a request `refusal` refuses (an approval the gate does not take).
    func send(_ request: RunRequest, saying done: String, refusal: (RunRecord) -> String? = { _ in nil }) async throws {
        try await profile.withStore(stateOptions) { store in
            guard let record = try await store.record(run) else {
                throw CLIError("no run \(run) is on record in \(store.place) (rollout runs lists them)", exitCode: 2)
            }
            guard try await RunsCommand.isLive(record, in: store) else {
                throw CLIError("run \(run) is not running: \(try await RunsCommand.standing(of: record, in: store))", exitCode: 2)
            }
            if let refusal = refusal(record) { throw CLIError(refusal, exitCode: 2) }
            try await store.send(request, to: run)
        }
        Console.out("✔ \(done) (asked by \(request.author)); the run hears it at once, or at the latest at its next step")
    }
}

/// `rollout approve RUN GATE`: passes a gate of a running rollout from another shell or CI job.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Pass a gate of a running rollout (one that waits with --gate-wait, or reaches the gate later).")

    @OptionGroup var request: RequestOptions
    @Argument(help: "The gate's name.") var gate: String

    func run() async throws {
        let (gate, run) = (gate, request.run)
        try await request.send(.now(.approve, gate: gate), saying: "gate '\(gate)' of run \(run) approved") { record in
            // A record written before gates were kept is left to the run to judge.
            guard let gates = record.gates else { return nil }
            guard let approvers = gates[gate] else {
                let known = gates.isEmpty ? "it has none" : "its gates: \(gates.keys.sorted().joined(separator: ", "))"
                return "run \(run) has no gate '\(gate)' (\(known))"
            }
            return RequestWatcher.refusal(of: Who.user, for: gate, approvers: approvers, runner: record.runner ?? "").map {
                "you (\(Who.user)) cannot pass the gate '\(gate)' of run \(run): \($0)"
            }
        }
    }
}

/// `rollout hold RUN`: no member or statement of a running run starts from now on.
struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Start no more members or statements of a running run; it holds as it is (exit 5; resume it later).")

    @OptionGroup var request: RequestOptions

    func run() async throws {
        try await request.send(.now(.hold), saying: "run \(request.run) asked to hold")
    }
}

/// `rollout abort RUN`: a running rollout halts with its policy.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort", abstract: "Halt a running rollout with its halt policy (a run with no rollout running stops before its next statement).")

    @OptionGroup var request: RequestOptions

    func run() async throws {
        try await request.send(.now(.abort), saying: "run \(request.run) asked to halt")
    }
}
