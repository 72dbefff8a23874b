import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax

/// Changes the journal has no outcome for (a process killed after sending, an answer lost and not
/// read back) are read back before a run sends anything, and their outcome put on record under the
/// change's own identity, so that the journal is the truth and no one sends them again blindly.
enum Settling {
    /// Settles every change on the journal's target that a run no process holds now left with no
    /// known outcome. A change that cannot be read back stops the run: nothing is sent until it can.
    static func leftovers(journal: Journal, api: any ReleaseAPI, say: (String) -> Void) async throws {
        let entries = Journal.entries(of: try await journal.store.journal(JournalFilter(target: journal.target)))
        var held: [String: Bool] = [:]
        for span in Journal.spans(of: entries) {
            let entry = entries[span.last]
            guard entry.change.outcome.isUnsettled, entry.run != journal.runID else { continue }
            if held[entry.run] == nil { held[entry.run] = try await journal.store.isHeld(entry.run) }
            guard held[entry.run] == false else { continue }
            _ = try await settle(entry, api: api, journal: journal.writing(for: entry.run, attempt: entry.attempt), say: say)
        }
    }

    /// Reads back a change whose outcome is unknown, and records what `ChangeVerdict` makes of it;
    /// the new last line of the change.
    static func settle(_ entry: JournalEntry, api: any ReleaseAPI, journal: Journal, say: (String) -> Void) async throws -> JournalEntry {
        var change = entry.change
        change.requestID = nil
        let what = "the \(change.action.rawValue) of \(change.release) at line \(change.place.line.map(String.init) ?? "?")"
            + (change.place.member.map { " for \($0)" } ?? "") + " (run \(entry.run))"
        let readBack: ReadBack
        do {
            readBack = .found(try await api.release(change.release, in: change.namespace, cluster: change.cluster, showResources: false))
        } catch where error.isNotFound {
            readBack = .gone
        } catch {
            throw CLIError("cannot tell whether \(what) was applied: reading \(change.release) back failed: \(error.description); nothing is sent until it can be read")
        }
        switch ChangeVerdict.judge(change.action, versionBefore: change.versionBefore, readBack: readBack) {
        case .applied(let version):
            change.outcome = .confirmed
            change.versionAfter = version
            change.error = nil
            say("\(what) had no known outcome; reading back shows it was applied\(version.map { " (version \($0))" } ?? "")")
        case .notApplied:
            change.outcome = .failed
            change.versionAfter = change.versionBefore
            change.error = "not applied: read back later"
            say("\(what) had no known outcome; reading back shows it was not applied")
        case .unknown:
            change.outcome = .outcomeUnknown
            change.error = "read back later: \(change.release) is at version \(readBack.release?.version ?? 0), more than one change past version \(change.versionBefore ?? 0)"
            if entry.change.outcome != .outcomeUnknown { try await journal.append(change) }
            throw CLIError(
                "cannot tell whether \(what) was applied: \(change.error ?? ""); nothing is sent until it can be told, so look at its history, then put its outcome on record by running the script again from the start")
        }
        try await journal.append(change)
        return journal.entry(change)
    }
}
