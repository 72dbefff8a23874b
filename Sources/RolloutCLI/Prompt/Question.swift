import Foundation

/// A question asked at the terminal whose answers mean what they say: each answer has the words
/// that pick it, Enter picks the one the question names as its default, and any other line asks
/// again. Step mode, the cloud prompt's confirmation, gates and `pause` all ask through it.
struct Question<Answer: Sendable>: Sendable {
    /// An answer and the words (lower case) that pick it.
    struct Choice: Sendable {
        var words: [String]
        var answer: Answer
    }

    /// The question as shown, with its choices, e.g. `run? [y]es / [n]o, skip / [q]uit: `.
    var text: String
    var choices: [Choice]
    /// What Enter alone means.
    var onEnter: Answer

    /// The answer a line picks; nil when it picks none.
    func answer(to line: String) -> Answer? {
        let word = line.trimmingCharacters(in: .whitespaces).lowercased()
        if word.isEmpty { return onEnter }
        return choices.first { $0.words.contains(word) }?.answer
    }

    /// Asks until a line picks an answer; nil at the end of input, when no one is there to answer.
    func ask(read: () -> String? = StepMode.readAnswer, write: (String) -> Void = Self.write) -> Answer? {
        write(text)
        while let line = read() {
            if let answer = answer(to: line) { return answer }
            let words = choices.map { $0.words[0] }
            write("  please answer \(words.dropLast().joined(separator: ", ")) or \(words.last ?? ""): ")
        }
        return nil
    }

    /// Writes the question without ending the line, so the answer is typed after it.
    @Sendable static func write(_ text: String) {
        Console.write(text)
    }
}

extension Question where Answer == Bool {
    /// A yes-or-no question: `y`/`yes` or `n`/`no`, and Enter is `no` (`[y/N]`) unless
    /// `enterMeansYes`.
    static func yesOrNo(_ question: String, enterMeansYes: Bool = false) -> Question {
        Question(
            text: "\(question) \(enterMeansYes ? "[Y/n]" : "[y/N]") ",
            choices: [Choice(words: ["y", "yes"], answer: true), Choice(words: ["n", "no"], answer: false)],
            onEnter: enterMeansYes)
    }
}
