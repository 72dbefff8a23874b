import Foundation
import Testing

@testable import RolloutCLI

/// What rollout says about a change is what happened: an answer means what it says, a run that
/// ended recovered is not resumed into a success, and a rollout with failed members does not say
/// they succeeded.
@Suite struct OutcomeTests {
    @Test(arguments: [
        ("", StepMode.Answer.run), ("y", .run), ("YES", .run), (" n ", .skip), ("no", .skip), ("s", .skip), ("c", .runTheRest),
        ("q", .quit), ("quit", .quit),
    ])
    func stepModeAnswers(line: String, answer: StepMode.Answer) {
        #expect(StepMode.question.answer(to: line) == answer)
    }

    @Test(arguments: ["x", "nope", "yy", "ok", "run"])
    func anythingElseIsNoAnswer(line: String) {
        #expect(StepMode.question.answer(to: line) == nil)
        #expect(Question.yesOrNo("go?").answer(to: line) == nil)
    }

    @Test func aYesOrNoQuestionAsksAgainUntilAnsweredAndTakesEnterAsItsDefault() {
        var lines = ["maybe", "yesterday", "y"]
        var written: [String] = []
        let answer = Question.yesOrNo("upgrade testwww on example.com?").ask(read: { lines.isEmpty ? nil : lines.removeFirst() }, write: { written.append($0) })
        #expect(answer == true)
        #expect(written.count == 3 && written[1].contains("please answer y or n"), "\(written)")
        #expect(Question.yesOrNo("go?").answer(to: "") == false, "[y/N]: Enter is no")
        #expect(Question.yesOrNo("go?", enterMeansYes: true).answer(to: "") == true)
        #expect(Question.yesOrNo("go?").ask(read: { nil }, write: { _ in }) == nil, "no answer at the end of input")
    }

    static let teach = """
        #!/usr/bin/env rollout
        # Upgrade the monitoring site.
        use cluster demo
        set tag v4
        upgrade testwww in monitoring
        """

    /// Runs the teaching script in step mode with these answers on stdin.
    static func teach(answering answers: String) async throws -> (RolloutProcess, URL, RolloutProcess.Result) {
        let rollout = try RolloutProcess()
        let file = try ResumeTests.script(rollout, "teach.rollout", Self.teach)
        return (rollout, file, try await rollout.run(["--step", file.path], stdin: answers))
    }

    @Test func stepModeSkipsAChangeAnsweredNoAndSendsNothing() async throws {
        let (rollout, _, result) = try await Self.teach(answering: "\n\nn\n")
        #expect(result.code == 0, "\(result.all)")
        #expect(result.out.contains("↷ skipped upgrade testwww in monitoring"), "\(result.out)")
        #expect(!result.out.contains("✔ upgrade"), "the upgrade was declined: \(result.out)")
        #expect(!result.out.contains("!/usr/bin/env"), "the #! line is not narration: \(result.out)")
        #expect(result.out.contains("  Upgrade the monitoring site."))
        #expect(!FileManager.default.fileExists(atPath: rollout.journal.path), "nothing was sent, so nothing is journaled")
    }

    @Test func stepModeAsksAgainForAnUnknownAnswerAndQuitSaysWhereItStopped() async throws {
        let (rollout, file, result) = try await Self.teach(answering: "y\nwhat\nq\n")
        #expect(result.code == 130, "\(result.all)")
        #expect(result.out.contains("please answer y, n, c or q"), "\(result.out)")
        #expect(result.out.contains("■ quit at \(file.path):4: set tag v4 and everything after it were not run"), "\(result.out)")
        #expect(!FileManager.default.fileExists(atPath: rollout.journal.path))
    }

    @Test func continueRunsTheRestWithoutAsking() async throws {
        let (_, _, result) = try await Self.teach(answering: "c\n")
        #expect(result.code == 0, "\(result.all)")
        #expect(result.out.contains("✔ upgrade testwww"), "\(result.out)")
        #expect(result.out.components(separatedBy: "run? [y]es").count == 2, "asked once: \(result.out)")
    }

    @Test func aRunThatEndedRecoveredIsNotResumedIntoASuccess() async throws {
        let rollout = try RolloutProcess()
        let file = try ResumeTests.script(rollout, "release.rollout", """
            use cluster demo
            use namespace monitoring
            set interval 100ms
            set tag ${TAG}
            upgrade testwww
            wait deployed
            else { rollback; wait deployed }
            echo released ${TAG}
            """)
        let first = try await rollout.run([file.path, "--", "TAG=v9-bad"])
        #expect(first.code == 3, "\(first.all)")
        let resumed = try await rollout.run(["--resume"])
        #expect(resumed.code == 2, "\(resumed.all)")
        #expect(resumed.err.contains("no failed or interrupted run to resume"), "\(resumed.err)")
        let id = try #require(ResumeTests.runID(first.err))
        let named = try await rollout.run(["--resume", id])
        #expect(named.code == 2 && named.err.contains("ended recovered (exit 3)"), "\(named.all)")
        #expect(!named.out.contains("released"), "\(named.out)")
    }
}
