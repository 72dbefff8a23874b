import AutopilotModels
import RolloutRuntime
import RolloutSyntax
import Testing

/// Every path of a change attempt, as a table: events in, what to do next out, with no I/O.
@Suite struct ChangeAttemptTests {
    /// What happens to an attempt.
    enum Event: Sendable {
        case answered(Int?)
        case error(AutopilotError, canRetry: Bool)
        case readBack(ReadBack, canRetry: Bool)
    }

    static func release(_ version: Int, _ status: ReleaseStatus = .pendingUpgrade) -> Release {
        Release(name: "web", namespace: "n", version: version, status: status)
    }

    static let busy = AutopilotError(kind: .api, httpStatus: 403, message: "update release is forbidden: an operation is in progress")
    static let throttled = AutopilotError(kind: .api, httpStatus: 429, message: "too many requests")
    static let refused = AutopilotError(kind: .api, httpStatus: 400, message: "bad values")
    static let serverError = AutopilotError(kind: .outcomeUnknown, httpStatus: 500, message: "internal error")
    static let lost = AutopilotError(kind: .outcomeUnknown, message: "connection closed by the server")
    static let lostButRead = AutopilotError(kind: .outcomeUnknown, message: "connection closed", readBack: release(4))
    static let interrupted = AutopilotError(kind: .cancelled, message: "cancelled")

    /// What a step says, in a few words.
    static func shown(_ next: ChangeAttempt.Next) -> String {
        switch next {
        case .send(nil): return "send"
        case .send: return "send again"
        case .readBack(let brief): return brief ? "read back briefly" : "read back"
        case .finish(let outcome):
            let version = outcome.release.map { " v\($0.version)" } ?? ""
            let ending = outcome.failure.map { ", fail \($0.kind)" } ?? ""
            return "record \(outcome.recorded.rawValue)\(version)\(ending)"
        }
    }

    static let rows: [(String, Keyword, [Event], [String])] = [
        ("answered", .upgrade, [.answered(4)], ["send", "record applied v4"]),
        ("busy, then answered", .upgrade, [.error(busy, canRetry: true), .answered(4)], ["send", "send again", "record applied v4"]),
        ("busy past the timeout", .upgrade, [.error(busy, canRetry: false)], ["send", "record failed, fail timedOut"]),
        ("throttled, sent again", .rollback, [.error(throttled, canRetry: true), .answered(4)], ["send", "send again", "record applied v4"]),
        ("refused", .upgrade, [.error(refused, canRetry: true)], ["send", "record failed, fail api"]),
        ("lost, read back: applied", .upgrade, [.error(lost, canRetry: true), .readBack(.found(release(4)), canRetry: true)],
         ["send", "read back", "record applied (confirmed by reading back) v4"]),
        ("lost, the client read it back", .upgrade, [.error(lostButRead, canRetry: true)], ["send", "record applied (confirmed by reading back) v4"]),
        ("lost, unchanged: not known, not sent again", .upgrade, [.error(lost, canRetry: true), .readBack(.found(release(3, .deployed)), canRetry: true)],
         ["send", "read back", "record outcome-unknown, fail outcomeUnknown"]),
        ("a 500 and unchanged: sent again", .upgrade,
         [.error(serverError, canRetry: true), .readBack(.found(release(3, .deployed)), canRetry: true), .answered(4)],
         ["send", "read back", "send again", "record applied v4"]),
        ("a 500 and unchanged, no time left", .upgrade, [.error(serverError, canRetry: false), .readBack(.found(release(3, .deployed)), canRetry: false)],
         ["send", "read back", "record outcome-unknown, fail outcomeUnknown"]),
        ("a 500, still pending: not sent again", .upgrade, [.error(serverError, canRetry: true), .readBack(.found(release(3, .pendingUpgrade)), canRetry: true)],
         ["send", "read back", "record outcome-unknown, fail outcomeUnknown"]),
        ("lost, moved on by two", .upgrade, [.error(lost, canRetry: true), .readBack(.found(release(5)), canRetry: true)],
         ["send", "read back", "record outcome-unknown, fail outcomeUnknown"]),
        ("lost, nothing could be read", .upgrade, [.error(lost, canRetry: true), .readBack(.unknown, canRetry: true)],
         ["send", "read back", "record outcome-unknown, fail outcomeUnknown"]),
        ("interrupted, applied", .upgrade, [.error(interrupted, canRetry: true), .readBack(.found(release(4)), canRetry: true)],
         ["send", "read back briefly", "record applied (confirmed by reading back) v4, fail interrupted"]),
        ("interrupted, not applied", .upgrade, [.error(interrupted, canRetry: true), .readBack(.found(release(3, .deployed)), canRetry: true)],
         ["send", "read back briefly", "record failed, fail interrupted"]),
        ("interrupted, read-back cut short", .upgrade, [.error(interrupted, canRetry: true), .readBack(.unknown, canRetry: true)],
         ["send", "read back briefly", "record outcome-unknown, fail interrupted"]),
        ("an install answered", .install, [.answered(1)], ["send", "record applied v1"]),
        ("an install lost, found", .install, [.error(lost, canRetry: true), .readBack(.found(release(1)), canRetry: true)],
         ["send", "read back", "record applied (confirmed by reading back) v1"]),
        ("an uninstall lost, gone", .uninstall, [.error(lost, canRetry: false), .readBack(.gone, canRetry: false)],
         ["send", "read back", "record applied (confirmed by reading back)"]),
        ("an uninstall interrupted, deleting", .uninstall, [.error(interrupted, canRetry: false), .readBack(.found(release(3, .deleting)), canRetry: false)],
         ["send", "read back briefly", "record applied (confirmed by reading back) v3, fail interrupted"]),
    ]

    @Test(arguments: Array(rows.indices))
    func eachPathEndsAsItShould(row index: Int) {
        let (name, action, events, expected) = Self.rows[index]
        var attempt = ChangeAttempt(action, release: "web", versionBefore: action == .install ? nil : 3)
        var steps = [Self.shown(attempt.start())]
        for event in events {
            let next: ChangeAttempt.Next
            switch event {
            case .answered(let version): next = attempt.answered(version.map { Self.release($0) })
            case .error(let error, let canRetry): next = attempt.failed(error, canRetry: canRetry)
            case .readBack(let found, let canRetry): next = attempt.readBack(found, canRetry: canRetry)
            }
            steps.append(Self.shown(next))
        }
        #expect(steps == expected, "\(name)")
    }

    @Test func aDryRunIsRecordedAsOne() {
        var attempt = ChangeAttempt(.upgrade, release: "web", versionBefore: 3, dryRun: true)
        #expect(Self.shown(attempt.answered(Self.release(4))) == "record dry-run v4")
    }
}

/// One vocabulary for how things end: each exit code's outcome, and a rollout's from its members.
@Suite struct OutcomeVocabularyTests {
    @Test(arguments: [
        (ExitCode.success, Outcome?.some(.succeeded)), (.recovered, .recovered), (.stepFailed, .failed), (.timedOut, .failed),
        (.halted, .held), (.rolledBack, .rolledBack), (.interrupted, .interrupted), (.invalid, nil), (.wouldChange, nil),
    ])
    func eachExitCodeSaysHowTheRunEnded(code: ExitCode, outcome: Outcome?) {
        #expect(Outcome(code) == outcome)
    }

    @Test(arguments: [
        ([MemberState.succeeded, .succeeded], Outcome.succeeded), ([.succeeded, .recovered], .recovered),
        ([.recovered, .failed("x")], .failed), ([.succeeded, .rollbackFailed("x")], .failed), ([.succeeded, .notStarted], .succeeded),
    ])
    func aRolloutThatWentThroughEveryWaveEndsAsItsMembersDid(states: [MemberState], outcome: Outcome) {
        #expect(Outcome.ofRollout(states) == outcome)
    }
}
