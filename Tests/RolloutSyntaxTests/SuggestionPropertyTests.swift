import Foundation
import PropertyBased
import RolloutSyntax
import Synchronization
import Testing

/// Every statement or word the checker suggests is one that works: a did-you-mean put in place
/// clears the problem it was offered for, and a statement to type parses and checks (but for a
/// mistake of the user's it keeps).
@Suite struct SuggestionPropertyTests {
    /// A generated script with one word put wrong: a letter dropped from a keyword, a status, a
    /// field or a setting, or a release left out where none is in use.
    static func mistaken(_ genes: [Int]) -> String {
        var builder = ProgramBuilder(genes)
        let lines = ScriptPrinter.print(builder.program()).split(separator: "\n").map(String.init)
        let at = genes[0] % lines.count
        var words = lines[at].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let choices = Set(SettingName.allWords + WaitStatus.allCases.map(\.rawValue) + ExpectField.allCases.map(\.rawValue) + Keyword.allCases.map(\.rawValue))
        let candidates = words.indices.filter { choices.contains(words[$0]) && words[$0].count > 3 }
        if !candidates.isEmpty {
            let index = candidates[(genes.count > 1 ? genes[1] : 0) % candidates.count]
            var letters = Array(words[index])
            letters.remove(at: 1 + (genes.last ?? 0) % (letters.count - 2))
            words[index] = String(letters)
        }
        var script = lines
        script[at] = words.joined(separator: " ")
        return script.joined(separator: "\n") + "\n"
    }

    @Test func everySuggestionParsesAndChecks() async {
        let tried = Mutex((words: 0, statements: 0))
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 2...16)) { genes in
            let text = Self.mistaken(genes)
            let scope = CheckScope(clusterInUse: true, variables: ["TAG", "X_1", "E", "P"])
            let diagnostics = Checker.diagnose(SourceFile(name: "t", text: text), scope: scope).diagnostics
            for diagnostic in diagnostics {
                guard let note = diagnostic.note else { continue }
                if let word = Self.quoted(in: note, after: "did you mean '") {
                    let start = text.utf8.index(text.utf8.startIndex, offsetBy: diagnostic.range.lowerBound)
                    let end = text.utf8.index(text.utf8.startIndex, offsetBy: diagnostic.range.upperBound)
                    tried.withLock { $0.words += 1 }
                    let fixed = text.replacingCharacters(in: start..<end, with: word)
                    let after = Checker.diagnose(SourceFile(name: "t", text: fixed), scope: scope).diagnostics
                    #expect(!after.contains { $0.message == diagnostic.message }, "\(word) did not clear '\(diagnostic.message)' in:\n\(text)")
                }
                if let statement = Self.quoted(in: note, after: "name it ('") {
                    tried.withLock { $0.statements += 1 }
                    // Checked alone, it knows the analyses the script defined before it.
                    var alone = scope
                    alone.analyses = ["errors", "p99"]
                    let checked = Checker.diagnose(SourceFile(name: "t", text: statement), scope: alone)
                    // It keeps every argument given, so it may keep a mistake of the script's own, but no other.
                    let new = checked.diagnostics.map(\.message).filter { message in !diagnostics.contains { $0.message == message } }
                    #expect(new.isEmpty, "the statement to type, \(statement), says \(new)")
                }
            }
        }
        let counts = tried.withLock { $0 }
        #expect(counts.words > 20 && counts.statements > 20, "the generated mistakes drew too few suggestions to say anything: \(counts)")
    }

    @Test(arguments: Keyword.allCases)
    func everyExampleParsesAndChecks(_ keyword: Keyword) {
        let scope = CheckScope(clusterInUse: true, releaseInUse: true, variables: ["TAG"])
        // An else, a rollout and a group need a statement or a group before them.
        let before = keyword == .else ? "wait deployed\n" : keyword == .rollout ? "group web = clusters demo staging\n"
            : keyword == .verify ? "analysis errors = prometheus up == 1\n" : ""
        let checked = Checker.diagnose(SourceFile(name: "t", text: before + keyword.example), scope: scope)
        #expect(checked.diagnostics.isEmpty, "\(keyword.example): \(checked.diagnostics.map(\.message))")
    }

    /// The text between `prefix` and the next `'` in a note.
    static func quoted(in note: String, after prefix: String) -> String? {
        guard let start = note.range(of: prefix) else { return nil }
        let rest = note[start.upperBound...]
        guard let end = rest.range(of: prefix.hasSuffix("('") ? "')" : "'") else { return nil }
        return String(rest[..<end.lowerBound])
    }
}
