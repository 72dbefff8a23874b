import ArgumentParser
import Foundation
import RolloutRuntime

/// `rollout watch RUN`: follows a run from another shell or machine, through the state it keeps:
/// the lines it prints, as it prints them, and on a terminal its rollout's board below them, until
/// it ends. The last line says how it ended and the exit code is the run's.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a run from another shell or machine: its lines and its rollout's board, until it ends (exit: the run's code).")

    @Argument(help: "The run's id (rollout runs lists them).") var run: String
    @OptionGroup var profile: StateProfileOption
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        let code = try await profile.withStore(stateOptions) { store in
            try await RunWatch(store: store, run: run, live: isatty(STDOUT_FILENO) == 1).follow()
        }
        throw CLIExit(code: code)
    }
}

/// Follows one run's record and view until the run ends or its process is gone.
struct RunWatch {
    let store: any StateStore
    let run: String
    /// True on a terminal, where the board is drawn (and redrawn) below the lines.
    let live: Bool
    /// How often the record and the view are read.
    var every: Duration = .milliseconds(250)

    /// Shows the run until it ends; its exit code (1 when its process is gone without saying).
    func follow() async throws -> Int32 {
        guard try await store.record(run) != nil else {
            throw CLIError("no run \(run) is on record in \(store.place) (rollout runs lists them)", exitCode: 2)
        }
        let style = Style(enabled: live && RunCommand.useColor(.auto, environment: ProcessInfo.processInfo.environment))
        var seen = 0
        var frame = InPlace()
        while true {
            // The record first: a run that ended put up its last view before it said so.
            guard let record = try await store.record(run) else { throw CLIError("run \(run) is no longer on record in \(store.place)") }
            let live = try await RunsCommand.isLive(record, in: store)
            let view = try await store.view(of: run) ?? .empty
            let (missed, new) = view.lines(after: seen)
            seen = view.printed
            var lines = missed > 0 ? [style.dim("… \(missed) line\(missed == 1 ? "" : "s") not shown")] : []
            lines += new
            let over = record.state != .running || !live
            if over {
                lines.append(try await Self.ending(of: record, in: store))
                return finish(lines, frame: &frame, code: record.exitCode ?? 1)
            }
            if self.live {
                if !lines.isEmpty || !view.board.isEmpty { Console.write(frame.draw(lines + view.board, keeping: lines.count)) }
            } else {
                for line in lines { Console.out(line) }
            }
            try await Task.sleep(for: every)
        }
    }

    /// The last lines, below which the board no longer stands; the code to exit with.
    private func finish(_ lines: [String], frame: inout InPlace, code: Int32) -> Int32 {
        if live { Console.write(frame.draw(lines, keeping: lines.count)) } else { for line in lines { Console.out(line) } }
        return code
    }

    /// How the run ended, in its last line.
    private static func ending(of record: RunRecord, in store: any StateStore) async throws -> String {
        guard record.state == .running else { return "run \(record.id) ended: \(try await RunsCommand.standing(of: record, in: store))" }
        return "run \(record.id) stopped: its process is gone; rollout --resume \(record.id) goes on from there"
    }
}
