import Foundation
@testable import RolloutLanguage
import Testing

/// `rollout check` reads a long script in two halves at once; whatever line the halves meet at, the
/// answer must be the one reading the script whole gives, or the halves must decline (nil).
@Suite struct HalvesCheckTests {
    /// A script with a problem or a trap for the split on most lines: strings and else blocks over
    /// several lines, else on the next line, continued lines, comments, variables set in one half and
    /// read in the other, an abort, and mistakes the checker reports.
    static let script = """
        # deploy the shop
        use cluster demo
        let TAG = v2
        upgrade testwww in monitoring
        else rollback 1
        echo "a string
        over two lines; upgrade nothing"
        set tag ${TAG}
        wait deployed timeout 5q
        upgrade shop-web in shop
        else {
          rollback 1
          echo "rolled back"
        }
        status redis-cache \\
          in default
        upgarde testwww
        else echo "for the status before"
        expect tag == ${NOPE}
        sleep 1s # trailing comment with a " quote
        history testwww in monitoring
        abort "stop here"
        echo "never runs"
        set value basic.storage_size = 20G
        """

    static let corpus: [String] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return [script] + files.sorted { $0.path < $1.path }.map { String(decoding: (try? Data(contentsOf: $0)) ?? Data(), as: UTF8.self) }
    }()

    @Test(arguments: corpus.indices)
    func everySplitGivesTheWholeAnswerOrDeclines(_ index: Int) {
        let source = SourceFile(name: "t.rollout", text: Self.corpus[index])
        let whole = Checker.diagnose(source).diagnostics
        for split in source.lineStarts where split > 0 {
            guard let halves = HalvesCheck.problems(in: source, splitAt: split, context: RunContext(), environment: [:]) else { continue }
            #expect(halves == whole, "split at line \(source.location(of: split).line)")
        }
    }

    @Test func splitsThatCannotMeetDecline() {
        let source = SourceFile(name: "t.rollout", text: Self.script)
        func halves(atLine line: Int) -> [Diagnostic]? {
            HalvesCheck.problems(in: source, splitAt: source.lineStarts[line - 1], context: RunContext(), environment: [:])
        }
        #expect(halves(atLine: 5) == nil, "else belongs to the statement before")
        #expect(halves(atLine: 17) == nil, "an else after statements that do not read belongs to one before them")
        #expect(halves(atLine: 7) == nil, "inside a string")
        #expect(halves(atLine: 12) == nil, "inside an else block")
        #expect(halves(atLine: 16) == nil, "a continued line")
        #expect(halves(atLine: 10) != nil)
        #expect(halves(atLine: 8) == nil, "the second half reads a variable the first defines")
        #expect(halves(atLine: 23) == nil, "the first half ends in an abort")
        #expect(halves(atLine: 3) == nil, "no release is in use yet where the second half starts")
        #expect(halves(atLine: 19) != nil, "the undefined variable is undefined in the first half too")
    }

    @Test func theSplitPointIsALineThatStartsAStatement() {
        // The middle is in the long first line; the lines after it are not places to split, but the last.
        let first = "echo \"" + String(repeating: "x", count: 300) + "\"\n"
        let bytes = Array((first + "else rollback 1\n  indented\n# note\n  status a \\\ncontinued\nwait deployed\n").utf8)
        let point = HalvesCheck.splitPoint(in: bytes, minimum: 0)
        #expect(point.map { String(decoding: bytes[$0...], as: UTF8.self) } == "wait deployed\n")
        #expect(HalvesCheck.splitPoint(in: bytes, minimum: bytes.count + 1) == nil, "short scripts are read whole")
    }

    @Test func longScriptsGiveTheWholeAnswer() {
        let text = Array(repeating: Self.script, count: 40).joined(separator: "\n")
        let source = SourceFile(name: "long.rollout", text: text)
        #expect(HalvesCheck.splitPoint(in: source.bytes, minimum: 0) != nil)
        let halves = Checker.problems(in: source, context: RunContext(), environment: [:], halvesFrom: 0)
        #expect(halves == Checker.diagnose(source).diagnostics)
        #expect(!halves.isEmpty)
    }
}
