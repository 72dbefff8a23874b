import ArgumentParser
import Foundation
import RolloutRuntime
import RolloutSyntax

/// `rollout journal [--last N]`: the changes rollout made, and the measurements that decided analyses meanwhile.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Show the last changes rollout made (from $XDG_STATE_HOME/rollout/journal.jsonl).")

    @Option(help: "How many changes.") var last: Int = 20
    @Option(help: "human or json.") var output: OutputFormat = .human

    func run() async throws {
        guard last > 0 else { throw CLIError("--last must be at least 1", exitCode: 2) }
        switch output {
        case .json:
            for line in try Journal.lines(in: Paths().journalFile, lastChanges: last) { Console.out(line) }
        case .human:
            let entries = try Journal.changes(in: Paths().journalFile, last: last)
            guard !entries.isEmpty else {
                Console.out("no changes yet (\(Paths().journalFile.path))")
                return
            }
            var table = Table(headers: ["TIME", "ACTION", "RELEASE", "CLUSTER", "NAMESPACE", "MEMBER", "VERSION", "OUTCOME", "REQUEST ID"])
            table.rows = entries.map { entry in
                let change = entry.change
                let version = "\(change.versionBefore.map(String.init) ?? "-") → \(change.versionAfter.map(String.init) ?? "-")"
                // An intent with no result: the change may have reached the service; the next run
                // or resume on the target reads it back.
                let outcome = change.outcome == .sending ? "unknown (sent; no result on record)" : change.outcome.rawValue
                return [
                    entry.time, change.action.rawValue, change.release, change.cluster, change.namespace, change.place.member ?? "-",
                    version, outcome, change.requestID ?? "-",
                ]
            }
            Console.out(table.render())
            let since = entries.first?.time ?? ""
            let analyses = try Journal.analyses(in: Paths().journalFile).filter { $0.stamp.time >= since }
            guard !analyses.isEmpty else { return }
            var measured = Table(headers: ["TIME", "ANALYSIS", "RELEASE", "MEMBER", "VALUE", "VERDICT", "REASON"])
            measured.rows = analyses.map { entry in
                let measurement = entry.measurement
                let verdict = measurement.dryRun ? "\(measurement.verdict.rawValue) (dry run)" : measurement.verdict.rawValue
                return [entry.stamp.time, measurement.analysis, measurement.release, entry.place.member ?? "-", measurement.value ?? "-", verdict, measurement.reason]
            }
            Console.out("\n" + measured.render())
        }
    }
}
