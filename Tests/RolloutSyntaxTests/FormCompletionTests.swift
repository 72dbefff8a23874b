import RolloutSyntax
import Testing

/// What completion offers after the words typed, worked out from each statement's form.
@Suite struct FormCompletionTests {
    static let statuses = CompletionSource.words(WaitStatus.allCases.map(\.rawValue))
    static let comparisons = CompletionSource.words(Comparison.allCases.map(\.rawValue))

    @Test(arguments: [
        ("upgrade", [CompletionSource.releases], ["if changed", "in", "on"]),
        ("upgrade testwww", [], ["if changed", "in", "on"]),
        ("upgrade testwww in", [.namespaces], []),
        ("upgrade testwww in monitoring", [], ["if changed", "on"]),
        ("upgrade if", [], ["changed"]),
        ("rollback", [.releases], ["to", "in", "on"]),
        ("rollback testwww", [.versions], ["to", "in", "on"]),
        ("rollback testwww to", [.versions], []),
        ("rollback 2", [], ["in", "on"]),
        ("install", [.nothing], []),
        ("install cache", [], ["from chart", "in", "on"]),
        ("install cache from", [], ["chart"]),
        ("install cache from chart", [.charts], []),
        ("diff testwww", [], ["from", "in", "on"]),
        ("diff testwww from 1", [], ["to", "in", "on"]),
        ("wait", [statuses], []),
        ("wait deployed", [], ["for", "timeout", "in", "on"]),
        ("wait deployed for", [.releases], []),
        ("expect", [.words(ExpectField.allCases.map(\.rawValue))], []),
        ("expect tag", [comparisons], []),
        ("expect value", [.nothing], []),
        ("expect value basic.size", [comparisons], []),
        ("expect status ==", [statuses], []),
        ("expect version >=", [.versions], []),
        ("list", [], ["in", "on"]),
        ("chart", [.charts], []),
        ("charts", [], []),
    ])
    func offers(_ typed: String, _ sources: [CompletionSource], _ words: [String]) throws {
        let parts = typed.split(separator: " ").map(String.init)
        let keyword = try #require(Keyword(rawValue: parts[0]))
        let next = NextInForm(keyword, after: Array(parts.dropFirst()))
        #expect(next.sources == sources, "\(typed)")
        #expect(next.words == words, "\(typed)")
    }

    @Test func theReleaseNamedIsKnownWhereverItStands() {
        #expect(NextInForm(.wait, after: ["deployed", "for", "testwww", "in", "monitoring"]).release == "testwww")
        #expect(NextInForm(.rollback, after: ["in", "monitoring", "testwww"]).release == "testwww")
        #expect(NextInForm(.rollback, after: ["in", "monitoring", "testwww"]).namespace == "monitoring")
        #expect(NextInForm(.rollback, after: ["2"]).release == nil)
    }
}
