import AutopilotModels
import Foundation
import RolloutSyntax
import Testing

@Suite struct DiagnosticFormatTests {
    static let source = SourceFile(name: "deploy,v2.rollout", text: "use cluster demo\nupgarde testwww\n")

    static func diagnostics() -> [Diagnostic] { Checker.diagnose(source, scope: CheckScope()).diagnostics }

    @Test func githubAnnotationsMarkTheLineAndEscapeWhatTheFormatReserves() throws {
        let first = try #require(Self.diagnostics().first)
        #expect(
            DiagnosticFormat.github.write(first, in: Self.source)
                == "::error file=deploy%2Cv2.rollout,line=2,col=1,endColumn=7,title=rollout check::unknown statement 'upgarde'%0Anote: did you mean 'upgrade'?")
    }

    @Test func jsonIsOneObjectPerDiagnosticWithEveryField() throws {
        let first = try #require(Self.diagnostics().first)
        let line = DiagnosticFormat.json.write(first, in: Self.source)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["file"] as? String == "deploy,v2.rollout")
        #expect(object["line"] as? Int == 2 && object["column"] as? Int == 1 && object["end_column"] as? Int == 7)
        #expect(object["severity"] as? String == "error")
        #expect(object["message"] as? String == "unknown statement 'upgarde'")
        #expect(object["note"] as? String == "did you mean 'upgrade'?")
    }

    @Test func theHumanFormIsTheCompilerForm() throws {
        let first = try #require(Self.diagnostics().first)
        #expect(DiagnosticFormat.human.write(first, in: Self.source) == first.rendered(in: Self.source))
        #expect(!DiagnosticFormat.human.toStandardOutput && DiagnosticFormat.json.toStandardOutput)
    }
}
