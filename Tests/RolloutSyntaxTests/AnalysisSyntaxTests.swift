import RolloutSyntax
import Testing

/// Analyses in the language: `check` finds their mistakes at file:line:col, before anything runs.
@Suite struct AnalysisSyntaxTests {
    static let defined = "analysis errors = prometheus \"sum(rate(x{release='${RELEASE}'}[1m]))\" < 0.01\n"

    @Test(arguments: [
        ("verify erors for testwww", "t.rollout:2:8: error: no analysis 'erors' is defined before this\nverify erors for testwww\n       ^~~~~\nnote: did you mean 'errors'?"),
        ("analysis p = prometheus \"up\" betwen 1 and 2", "t.rollout:2:30: error: expected a condition after the query\nanalysis p = prometheus \"up\" betwen 1 and 2\n                             ^~~~~~\nnote: did you mean 'between'?"),
        ("analysis p = prometheus \"up\" between 3 and 2", "t.rollout:2:38: error: the range 3 to 2 is empty: its low end is above its high end"),
        ("analysis p = prometheus \"up\" < x", "t.rollout:2:32: error: 'x' is not a number"),
        ("analysis p = prometheus \"up\" < 1 every 0s", "t.rollout:2:40: error: every needs a duration above zero such as 10s or 1m, not '0s'"),
        ("analysis p = prometheus \"up\" < 1 every soon", "t.rollout:2:40: error: every needs a duration above zero such as 10s or 1m, not 'soon'"),
        ("analysis p = prometheus \"up\" < 1 failures 0", "t.rollout:2:43: error: failures needs a whole number of measurements from 1, not '0'"),
        ("analysis p = prometheus \"up\" < 1 inconclusive two", "t.rollout:2:47: error: inconclusive needs a whole number of measurements from 1, not 'two'"),
        ("analysis p = prometheus \"\" < 1", "t.rollout:2:25: error: the query is empty"),
        ("analysis p = prometheus \"up\"", "t.rollout:2:1: error: analysis needs a condition after the query"),
        ("analysis p = prometheus \"up\" < 1 evry 5s", "t.rollout:2:34: error: unexpected 'evry' in the analysis\nanalysis p = prometheus \"up\" < 1 evry 5s\n                                 ^~~~\nnote: did you mean 'every'?"),
        ("analysis p = promethus \"up\" < 1", "t.rollout:2:14: error: expected prometheus, aom, http after 'analysis p ='"),
        ("analysis p = http \"ftp://x\" expect 200", "t.rollout:2:19: error: 'ftp://x' is not an http or https URL"),
        ("analysis p = http \"http://x/\" expect 999", "t.rollout:2:38: error: expect needs an HTTP status from 100 to 599, not '999'"),
        ("analysis p = http \"http://x/\"", "t.rollout:2:19: error: a probe needs 'expect <status>' after its URL"),
        ("analysis p = prometheus \"${NOPE}\" < 1", "t.rollout:2:25: error: undefined variable 'NOPE'"),
        ("analysis errors = prometheus up == 1", "t.rollout:2:1: error: analysis 'errors' is defined twice in this script"),
        ("group w = clusters demo\nrollout w analyze errors, latency { upgrade x }", "t.rollout:3:27: error: no analysis 'latency' is defined before this"),
        ("group w = clusters a b\nrollout w waves 1 gate analysis erors rest { upgrade x }", "t.rollout:3:33: error: no analysis 'erors' is defined before this"),
    ])
    func checkFindsAnalysisMistakesWhereTheyAre(text: String, expected: String) {
        let found = rendered(Self.defined + text, scope: CheckScope(clusterInUse: true, releaseInUse: true))
        #expect(found.hasPrefix(expected), "\(found)")
    }

    @Test func theReleaseItMeasuresForIsNamedByVariablesTheRunSets() {
        // ${RELEASE} in a query is the release measured for, not a variable the script must define.
        #expect(rendered(Self.defined + "use release testwww\nverify errors during 1m") == "")
        #expect(rendered(Self.defined + "group w = clusters demo\nrollout w soak 1m analyze errors { upgrade testwww }") == "")
    }

    @Test func aGateAnAnalysisDecidesNeedsNoPersonUnlessItAsks() {
        let offTerminal = CheckScope(clusterInUse: true, releaseInUse: true, gates: .approved(all: false, names: []))
        let analysisOnly = Self.defined + "group w = clusters a b\nrollout w waves 1 gate \"g\" analysis errors rest { upgrade x }"
        #expect(rendered(analysisOnly, scope: offTerminal) == "")
        let asks = Self.defined + "group w = clusters a b\nrollout w waves 1 gate \"g\" analysis errors and ask rest { upgrade x }"
        #expect(rendered(asks, scope: offTerminal).contains("the gate 'g' cannot be answered"))
    }

    @Test func helpWritesEveryOption() {
        for option in AnalysisOption.allCases { #expect(Keyword.analysis.syntax.contains(option.syntax)) }
        #expect(Keyword.analysis.details.contains { $0.term == "http" })
        #expect(Keyword.rollout.syntax.contains("analyze <analysis>"))
    }
}
