import AutopilotModels
import RolloutSyntax
import Testing

@Suite struct SuggestTests {
    static let keywords = Keyword.allCases.map(\.rawValue)

    @Test(arguments: [
        ("lst", "list"), ("upgarde", "upgrade"), ("wiat", "wait"), ("rolbak", "rollback"), ("histroy", "history"),
        ("chekc", "check"), ("statsu", "status"),
    ])
    func aTypoGetsTheWordItMostLikelyMeant(typed: String, meant: String) {
        #expect(Suggest.closest(to: typed, in: Self.keywords + ["check", "plan", "doctor", "journal"]) == meant)
    }

    @Test func theBeginningOfALongWordGetsIt() {
        let topics = ["command", "language", "targets", "fleets", "architecture"]
        #expect(Suggest.closest(to: "lang", in: topics) == "language")
        #expect(Suggest.closest(to: "arch", in: topics) == "architecture")
        // Two letters begin too many words to mean one.
        #expect(Suggest.closest(to: "ar", in: topics) == nil)
    }

    @Test func aWordFarFromEveryCandidateGetsNone() {
        #expect(Suggest.closest(to: "deploy-everything", in: Self.keywords) == nil)
    }
}
