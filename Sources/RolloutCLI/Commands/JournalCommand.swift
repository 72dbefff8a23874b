import ArgumentParser
import AutopilotModels
import Foundation
import RolloutRuntime
import RolloutSyntax

/// `rollout journal [--last N] [filters]`: the changes rollout made, and the measurements that
/// decided analyses meanwhile, from the state store (local files or the team's database).
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Show the last changes rollout made (from the state: $XDG_STATE_HOME/rollout, or --state).")

    @Option(help: "How many changes.") var last: Int = 20
    @Option(help: "human or json.") var output: OutputFormat = .human
    @Option(help: "Only changes to this target (its URL, as the journal names it).") var target: String?
    @Option(help: "Only changes on this cluster (its id).") var cluster: String?
    @Option(help: "Only changes to this release.") var release: String?
    @Option(help: "Only changes made by this user.") var user: String?
    @Option(help: "Only changes made by this run (its id).") var run: String?
    @Option(help: "Only changes from this time on (ISO 8601, e.g. 2026-12-06 or 2026-12-06T10:00:00Z).") var since: String?
    @Option(help: "Only changes before this time (ISO 8601).") var until: String?
    @OptionGroup var profile: StateProfileOption
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        guard last > 0 else { throw CLIError("--last must be at least 1", exitCode: 2) }
        let environment = ProcessInfo.processInfo.environment
        let filter = JournalFilter(
            target: target, cluster: cluster, release: release, user: user, run: run, since: try Self.time(since, "--since"),
            until: try Self.time(until, "--until"))
        let (lines, place) = try await profile.withStore(stateOptions) { store in (try await store.journal(filter), store.place) }
        show(lines, place: place)
    }

    /// A time as the journal writes it (UTC, to the second), from a day or a full ISO 8601 time.
    static func time(_ text: String?, _ option: String) throws(CLIError) -> String? {
        guard let text else { return nil }
        if let date = try? Date(text + "T00:00:00Z", strategy: Journal.timeFormat) { return date.formatted(Journal.timeFormat) }
        if let date = try? Date(text, strategy: Journal.timeFormat) { return date.formatted(Journal.timeFormat) }
        throw CLIError("\(option) '\(text.terminalSafe)' is not a day (2026-12-06) or a time (2026-12-06T10:00:00Z)", exitCode: 2)
    }

    private func show(_ lines: [Journal.Line], place: String) {
        switch output {
        case .json:
            for line in Journal.texts(of: lines, lastChanges: last) { Console.out(line) }
        case .human:
            let entries = Journal.changes(in: lines, last: last)
            guard !entries.isEmpty else {
                Console.out("no changes yet (\(place))")
                return
            }
            var table = Table(headers: ["TIME", "ACTION", "RELEASE", "CLUSTER", "NAMESPACE", "MEMBER", "VERSION", "OUTCOME", "USER", "REQUEST ID"])
            table.rows = entries.map { entry in
                let change = entry.change
                let version = "\(change.versionBefore.map(String.init) ?? "-") → \(change.versionAfter.map(String.init) ?? "-")"
                // An intent with no result: the change may have reached the service; the next run
                // or resume on the target reads it back.
                let outcome = change.outcome == .sending ? "unknown (sent; no result on record)" : change.outcome.rawValue
                return [
                    entry.time, change.action.rawValue, change.release, change.cluster, change.namespace, change.place.member ?? "-",
                    version, outcome, entry.user, change.requestID ?? "-",
                ]
            }
            Console.out(table.render())
            let since = entries.first?.time ?? ""
            let analyses = lines.compactMap(\.analysis).filter { $0.stamp.time >= since }
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
