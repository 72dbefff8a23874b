import RolloutSyntax
import Testing

func parse(_ text: String, name: String = "t.rollout") -> (Script, [Diagnostic]) {
    Parser.parse(SourceFile(name: name, text: text))
}

/// Parses, and prints every statement back; fails the test on any diagnostic.
func printed(_ text: String) -> [String] {
    let (script, diagnostics) = parse(text)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    return script.statements.map(ScriptPrinter.print)
}

/// Every diagnostic of a text (parser and checker), rendered like a compiler.
func rendered(_ text: String, name: String = "t.rollout", scope: CheckScope = CheckScope(clusterInUse: true)) -> String {
    let source = SourceFile(name: name, text: text)
    return Checker.diagnose(source, scope: scope).diagnostics.map { $0.rendered(in: source) }.joined(separator: "\n")
}

@Suite struct ParserTests {
    /// Every statement as written and as printed back; a statement or slot with no row fails
    /// `everyStatementAndSlotHasARoundTripRow`.
    static let roundTrips: [(String, String)] = [
        ("use cluster demo", "use cluster demo"),
        ("use namespace monitoring", "use namespace monitoring"),
        ("set tag ${TAG}", "set tag ${TAG}"),
        ("set pull-policy IfNotPresent", "set pull-policy IfNotPresent"),
        ("set value basic.storage_size = 20G", "set value basic.storage_size = 20G"),
        ("set dry-run", "set dry-run on"),
        ("set reset-values off", "set reset-values off"),
        ("set timeout 5m", "set timeout 5m"),
        ("let TAG = ${TAG:-v2}", "let TAG = ${TAG:-v2}"),
        ("upgrade testwww in monitoring on demo", "upgrade testwww in monitoring on demo"),
        ("upgrade in monitoring testwww", "upgrade testwww in monitoring"),
        ("rollback 1", "rollback to 1"),
        ("rollback testwww 2", "rollback testwww to 2"),
        ("rollback testwww to 2 in monitoring on demo", "rollback testwww to 2 in monitoring on demo"),
        ("rollback", "rollback"),
        ("upgrade testwww if changed in monitoring", "upgrade testwww if changed in monitoring"),
        ("upgrade if changed", "upgrade if changed"),
        ("diff", "diff"),
        ("diff testwww from 1 to 3 in monitoring on demo", "diff testwww from 1 to 3 in monitoring on demo"),
        ("diff from 2", "diff from 2"),
        ("install cache from chart abc in default on demo", "install cache from chart abc in default on demo"),
        ("wait deployed for testwww timeout 5m", "wait deployed for testwww timeout 5m"),
        ("wait on demo failed in shop", "wait failed in shop on demo"),
        ("wait DEPLOYED", "wait DEPLOYED"),
        ("expect tag == v2", "expect tag == v2"),
        ("expect value basic.size == 20G for testwww", "expect value basic.size == 20G for testwww"),
        ("echo \"deploying ${TAG}\" now", "echo \"deploying ${TAG}\" now"),
        ("pause \"ready?\"", "pause \"ready?\""),
        ("abort", "abort"),
        ("charts", "charts"),
        ("list in shop", "list in shop"),
        ("list on demo", "list on demo"),
        ("use release testwww", "use release testwww"),
        ("set chart shop-web", "set chart shop-web"),
        ("set interval 2s", "set interval 2s"),
        ("uninstall cache in default on demo", "uninstall cache in default on demo"),
        ("show testwww in monitoring on demo", "show testwww in monitoring on demo"),
        ("status in monitoring testwww on demo", "status testwww in monitoring on demo"),
        ("history testwww on demo in monitoring", "history testwww in monitoring on demo"),
        ("chart shop-web", "chart shop-web"),
        ("values \"shop web\"", "values \"shop web\""),
        ("sleep 30s", "sleep 30s"),
        ("echo", "echo"),
        ("echo deploying to prod", "echo deploying \"to\" prod"),
        ("expect status != failed for testwww in monitoring on demo", "expect status != failed for testwww in monitoring on demo"),
        ("abort \"canary unhealthy\"", "abort \"canary unhealthy\""),
        ("verify errors", "verify errors"),
        ("verify errors during 2m for testwww in monitoring on demo", "verify errors for testwww during 2m in monitoring on demo"),
        (
            "analysis errors = prometheus \"sum(rate(x{release='${RELEASE}'}[1m]))\" < 0.01 failures 2 every 10s",
            "analysis errors = prometheus \"sum(rate(x{release='${RELEASE}'}[1m]))\" < 0.01 every 10s failures 2"
        ),
        ("analysis ratio = aom \"up\" between 0.9 and 1.1 dry-run no-data ok inconclusive 3", "analysis ratio = aom \"up\" between 0.9 and 1.1 inconclusive 3 dry-run no-data ok"),
        ("analysis health = http \"http://web/healthz\" expect 200 timeout 2s", "analysis health = http \"http://web/healthz\" expect 200 timeout 2s"),
        ("analysis ready = http POST \"http://web/ready\" expect 204 contains ok", "analysis ready = http POST \"http://web/ready\" expect 204 contains ok"),
        ("analysis ready = http GET http://web/status expect 200 json status == ok", "analysis ready = http GET http://web/status expect 200 json status == ok"),
    ]

    @Test(arguments: roundTrips)
    func parsesAndPrintsBack(_ text: String, _ expected: String) {
        #expect(printed(text) == [expected])
    }

    @Test func everyStatementAndSlotHasARoundTripRow() {
        let printed = (Self.roundTrips + FleetSyntaxTests.roundTrips).map(\.1)
        for keyword in Keyword.statements {
            let rows = printed.filter { $0.hasPrefix(keyword.rawValue + " ") || $0 == keyword.rawValue }
            #expect(!rows.isEmpty, "no round-trip row for \(keyword.rawValue)")
            for slot in keyword.form.slots where !slot.introducer.isEmpty {
                let words = slot.introducer.joined(separator: " ")
                #expect(rows.contains { $0.contains(" \(words) ") || $0.hasSuffix(" \(words)") }, "no round-trip row for \(keyword.rawValue) … \(words)")
            }
        }
        for clause in RolloutClause.allCases {
            #expect(printed.contains { $0.hasPrefix("rollout ") && $0.contains(" \(clause.rawValue) ") }, "no round-trip row for the clause \(clause.rawValue)")
        }
    }

    @Test func aVersionIsComparedWithAnyWholeNumber() {
        #expect(rendered("expect version > 0 for testwww") == "")
        #expect(rendered("expect version == v3 for testwww").contains("error: 'v3' is not a whole number"))
        #expect(rendered("rollback testwww to 0").contains("error: '0' is not a version"))
    }

    @Test func theOneLinerParses() {
        let line = "use cluster X; set tag v2; upgrade testwww in monitoring; wait deployed; else rollback 1"
        #expect(printed(line) == [
            "use cluster X", "set tag v2", "upgrade testwww in monitoring", "wait deployed; else rollback to 1",
        ])
    }

    @Test func elseChainsAndBlocks() {
        #expect(printed("wait deployed\nelse rollback 1\nelse abort \"stuck\"") == [
            "wait deployed; else rollback to 1; else abort \"stuck\"",
        ])
        #expect(printed("wait deployed\nelse {\n  rollback 1\n  wait deployed\n}\nshow") == [
            "wait deployed; else { rollback to 1; wait deployed }", "show",
        ])
    }

    @Test func narrationIsTheCommentBlockAbove() {
        let (script, _) = parse("# Step one.\n# Upgrade it.\nupgrade testwww\n\n# Not this one\n\nwait deployed")
        #expect(script.statements[0].narration == ["Step one.", "Upgrade it."])
        #expect(script.statements[1].narration == [])
    }

    @Test(arguments: [
        ("upgarde testwww", "t.rollout:1:1: error: unknown statement 'upgarde'\nupgarde testwww\n^~~~~~~\nnote: did you mean 'upgrade'?"),
        ("set tga v2", "t.rollout:1:5: error: unknown setting 'tga'\nset tga v2\n    ^~~\nnote: did you mean 'tag'?"),
        ("wait deploid", "t.rollout:1:6: error: unknown status 'deploid'\nwait deploid\n     ^~~~~~~\nnote: did you mean 'deployed'?"),
        ("else rollback 1", "t.rollout:1:1: error: 'else' with no statement before it\nelse rollback 1\n^~~~\nnote: else runs only when the statement before it fails"),
        ("sleep 5x", "t.rollout:1:7: error: '5x' is not a duration\nsleep 5x\n      ^~\nnote: write it like 500ms, 30s, 5m or 1h"),
        ("upgrade Test_www", "t.rollout:1:9: error: release name 'Test_www' would be refused by the API: it must start with a lowercase letter\nupgrade Test_www\n        ^~~~~~~~"),
        ("set tag ${NOPE}", "t.rollout:1:9: error: undefined variable 'NOPE'\nset tag ${NOPE}\n        ^~~~~~~\nnote: define it with 'let NOPE = ...', pass NOPE=value after --, set it in the environment, or write ${NOPE:-default}"),
        ("show testwww extra", "t.rollout:1:14: error: unexpected 'extra' after show\nshow testwww extra\n             ^~~~~\nnote: usage: show [<release>] [in <namespace>] [on <cluster>]"),
        ("use cluster", "t.rollout:1:1: error: use needs a cluster name\nuse cluster\n^~~\nnote: e.g. use cluster demo"),
        ("abort\nshow x", "t.rollout:2:1: error: this statement can never run\nshow x\n^~~~\nnote: the abort before it always stops the script"),
        ("wait deployed", "t.rollout:1:1: error: wait needs a release, and none was named before it\nwait deployed\n^~~~\nnote: name it ('wait deployed for testwww') or add 'use release <name>'"),
        ("set value basic..size = 1", "t.rollout:1:11: error: 'basic..size' is not a value path\nset value basic..size = 1\n          ^~~~~~~~~~~\nnote: paths are keys joined by dots, e.g. basic.storage_size"),
        ("set value .size = 1", "t.rollout:1:11: error: '.size' is not a value path\nset value .size = 1\n          ^~~~~\nnote: paths are keys joined by dots, e.g. basic.storage_size"),
        ("set value basic. = 1", "t.rollout:1:11: error: 'basic.' is not a value path\nset value basic. = 1\n          ^~~~~~\nnote: paths are keys joined by dots, e.g. basic.storage_size"),
        ("set value basic.storage_size = 1", ""),
    ])
    func diagnosticsRenderLikeACompiler(_ text: String, _ expected: String) {
        #expect(rendered(text) == expected)
    }

    @Test func aBadReleaseNameIsReportedOnce() {
        #expect(rendered("use release Bad_Name").split(separator: "\n").filter { $0.contains(": error: ") }.count == 1)
        #expect(rendered("show Bad_Name").split(separator: "\n").filter { $0.contains(": error: ") }.count == 1)
    }

    @Test func operationsNeedACluster() {
        let text = "upgrade testwww"
        #expect(rendered(text, scope: CheckScope()) == """
            t.rollout:1:1: error: upgrade needs a cluster, and none is in use
            upgrade testwww
            ^~~~~~~
            note: add 'use cluster <id or alias>' before it, or 'on <cluster>'
            """)
        #expect(rendered("use cluster demo\nupgrade testwww", scope: CheckScope()) == "")
        #expect(rendered("charts", scope: CheckScope()) == "")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let source = SourceFile(name: "bad.rollout", text: "upgarde x\nsleep 10q\nset tag ${MISSING}\nelse\n")
        let diagnostics = Checker.diagnose(source, scope: CheckScope(clusterInUse: true)).diagnostics
        #expect(diagnostics.map { $0.location(in: source).line } == [1, 2, 3, 4])
    }

    @Test func variablesFromLetAndEnvironmentAreDefined() {
        let source = SourceFile(name: "t", text: "let A = 1\nset tag ${A}-${HOME_DIR}-${B:-x}")
        #expect(Checker.diagnose(source, scope: CheckScope(clusterInUse: true, variables: ["HOME_DIR"])).diagnostics.isEmpty)
    }
}
