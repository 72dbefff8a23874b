import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// Step mode and pauses: questions asked on the terminal.
enum StepMode {
    /// What a person can answer before a step.
    enum Answer: Sendable {
        case run, skip, runTheRest, quit
    }

    /// The question before each step: Enter runs it.
    static let question = Question<Answer>(
        text: "  run? [y]es / [n]o, skip / [c]ontinue without asking / [q]uit: ",
        choices: [
            .init(words: ["y", "yes"], answer: .run), .init(words: ["n", "no", "s", "skip"], answer: .skip),
            .init(words: ["c", "continue"], answer: .runTheRest), .init(words: ["q", "quit"], answer: .quit),
        ],
        onEnter: .run)

    /// Shows the narration, the statement and, for a change, what it would change; then asks.
    /// After `continue` the statements are still shown, and run without asking; `quit` (or the
    /// end of input) says where it stopped.
    static func decider(_ renderer: Renderer) -> @Sendable (StepInfo) async -> StepDecision {
        let asking = Atomic(true)
        return { info in
            var lines = [""]
            lines += info.narration.map { "  \($0)" }
            lines.append("▸ \(info.location.fileAndLine)  \(info.text)")
            if let preview = info.preview { lines.append(renderer.text.diff(preview)) }
            Console.out(lines.joined(separator: "\n"))
            guard asking.load(ordering: .relaxed) else { return .run }
            switch question.ask() {
            case .run: return .run
            case .skip: return .skip
            case .runTheRest:
                asking.store(false, ordering: .relaxed)
                return .run
            case .quit, nil:
                Console.out("■ quit at \(info.location.fileAndLine): \(info.text) and everything after it were not run")
                return .quit
            }
        }
    }

    /// Asks the pause question on a terminal; elsewhere goes on and says so.
    @Sendable static func pause(_ question: String) async -> Bool {
        guard isatty(0) == 1 else {
            Console.out("⏸ \(question) (not on a terminal: going on)")
            return true
        }
        let asked = Question(
            text: "⏸ \(question) [Enter to go on, q to stop] ",
            choices: [.init(words: ["y", "yes", "c", "continue"], answer: true), .init(words: ["q", "quit", "n", "no"], answer: false)],
            onEnter: true)
        return asked.ask() ?? false
    }

    /// A line from the terminal (stdin), off the cooperative threads; nil at the end of input.
    static func readAnswer() -> String? {
        Swift.readLine(strippingNewline: true)
    }

    /// A line typed at the terminal, or nil as soon as `answeredElsewhere` says the question was
    /// answered another way (a gate passed by `rollout approve`): the terminal is looked at every
    /// tenth of a second and read only once a line is there, so no read is left waiting.
    static func readAnswer(unless answeredElsewhere: () -> Bool) -> String? {
        var terminal = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        while !answeredElsewhere() {
            if poll(&terminal, 1, 100) > 0 { return readAnswer() }
        }
        return nil
    }
}
