import AutopilotModels
import RolloutSyntax
import Testing

@Suite struct FleetSyntaxTests {
    /// Every group and rollout form as written and as printed back.
    static let roundTrips: [(String, String)] = [
        ("group eu = clusters demo staging", "group eu = clusters demo staging"),
        ("rollout web analyze errors,p99 soak 1m waves 1 rest { upgrade }", "rollout web waves 1 rest soak 1m analyze errors, p99 { upgrade }"),
        ("rollout web waves 1 gate analysis errors, 10% gate \"prod\" analysis p99 and ask rest { upgrade }",
         "rollout web waves 1 gate analysis errors 10% gate \"prod\" analysis p99 and ask rest { upgrade }"),
        ("group web = releases demo/shop/shop-web staging/shop/shop-web", "group web = releases demo/shop/shop-web staging/shop/shop-web"),
        ("group web = fleet edge", "group web = fleet edge"),
        ("group edge = clusters matching \"edge-*\"", "group edge = clusters matching \"edge-*\""),
        ("group edge = clusters matching edge-00?", "group edge = clusters matching edge-00?"),
        ("group web = releases on edge of chart shop-web", "group web = releases of chart shop-web on edge"),
        ("group web = releases matching \"web-*\" in web on a b", "group web = releases matching \"web-*\" in web on a b"),
        ("group web = releases matching web-?? on a", "group web = releases matching web-?? on a"),
        ("rollout web { upgrade }", "rollout web { upgrade }"),
        ("rollout web waves 1, 10%, rest parallel 8 { upgrade; wait deployed }", "rollout web waves 1 10% rest parallel 8 { upgrade; wait deployed }"),
        ("rollout web waves 1,gate,rest { upgrade }", "rollout web waves 1 gate rest { upgrade }"),
        ("rollout web recovered ok then rollback wave halt at 10% soak 5m waves 1 gate \"prod\" rest {\n upgrade\n else rollback\n}",
         "rollout web waves 1 gate \"prod\" rest soak 5m halt at 10% then rollback wave recovered ok { upgrade; else rollback }"),
        ("rollout web halt after 2 then hold { upgrade }", "rollout web halt after 2 then hold { upgrade }"),
        ("rollout web waves 1 gate \"prod\" by alice, bob.smith rest { upgrade }", "rollout web waves 1 gate \"prod\" by alice, bob.smith rest { upgrade }"),
        ("rollout web waves 1 gate \"prod\" analysis p99 and ask by ci@corp 10% gate by carol rest { upgrade }",
         "rollout web waves 1 gate \"prod\" analysis p99 and ask by ci@corp 10% gate by carol rest { upgrade }"),
        ("rollout web failures ok halt after 3 { upgrade }", "rollout web halt after 3 failures ok { upgrade }"),
    ]

    @Test(arguments: roundTrips)
    func fleetStatementsParseAndPrint(text: String, expected: String) {
        #expect(printed(text) == [expected])
    }

    @Test func aRolloutBlockHoldsStatementsAndAnElseFollowsIt() throws {
        let (script, diagnostics) = parse("rollout web waves 1 rest {\n  upgrade\n  wait deployed\n} else echo halted\necho after")
        #expect(diagnostics.isEmpty)
        #expect(script.statements.count == 2)
        guard case .rollout(let group, let plan, let body) = script.statements[0].kind else { Issue.record("not a rollout"); return }
        #expect(group == "web")
        #expect(plan.waves == [.count(1), .rest])
        #expect(body.map(\.kind.keyword) == [.upgrade, .wait])
        #expect(body[1].location.line == 3)
        #expect(script.statements[0].elseBranch?.body.first?.kind.keyword == .echo)
    }

    @Test(arguments: [
        ("group = clusters a", "group needs a group name"),
        ("group 1x = clusters a", "'1x' is not a group name"),
        ("group web clusters a", "expected '=' after web"),
        ("group web = clusterz a", "did you mean 'clusters'?"),
        ("group web = clusters", "group needs at least one cluster"),
        ("group web = releases of shop on a", "'of' needs 'chart <name>' after it"),
        ("group web = releases of chart shop", "'on <cluster> ...' to say where to look"),
        ("rollout web waves 1 10%", "rollout needs a block of statements in { }"),
        ("rollout web {\n}", "the rollout block is empty"),
        ("rollout web waves 1 twice { upgrade }", "'twice' is not a wave size"),
        ("rollout web paralel 8 { upgrade }", "did you mean 'parallel'?"),
        ("rollout web parallel 2 parallel 3 { upgrade }", "'parallel' is given twice"),
        ("rollout web halt 3 { upgrade }", "'halt' needs 'after <n>' or 'at <p>%'"),
        ("rollout web then rollback some { upgrade }", "'then' needs what a halt does"),
        ("rollout web recovered { upgrade }", "'recovered' is written 'recovered ok'"),
        ("rollout web waves 1 gate \"no good\" rest { upgrade }", "a gate's name is a plain name"),
        ("rollout web waves 1 gate \"prod\" by rest { upgrade }", "'by' after a gate needs who may pass it"),
        ("rollout web { upgrade", "missing '}' to close the block"),
        ("upgrade { x }", "'{' is only for else and rollout blocks"),
    ])
    func readingProblemsSayWhatIsWrong(text: String, message: String) {
        #expect(rendered(text).contains(message), "\(rendered(text))")
    }

    @Test(arguments: [
        ("rollout web { upgrade }", "no group 'web' is defined before this rollout"),
        ("group wev = clusters a\nrollout web { upgrade x }", "did you mean 'wev'?"),
        ("group web = clusters a a", "'a' is in the group twice"),
        ("group web = releases a/b", "'a/b' is not a release member"),
        ("group web = releases a/b/Bad_Name", "release name 'Bad_Name' would be refused by the API"),
        ("group web = fleet prod", "no fleet 'prod' in the profile"),
        ("group web = clusters a b c\nrollout web waves 1 { upgrade x }", "waves 1 cover 1 of the group's 3 members; end the list with rest"),
        ("group web = releases of chart x on a\nrollout web waves 1 10% { upgrade }", "the waves may not cover the whole group"),
        ("group web = clusters a\nrollout web waves 60% 50% { upgrade x }", "the shares add up to 110%"),
        ("group web = clusters a\nrollout web waves rest 1 { upgrade x }", "rest takes every member left, so it comes last"),
        ("group web = clusters a\nrollout web waves gate rest { upgrade x }", "a gate stands between two waves, not at the start"),
        ("group web = clusters a\nrollout web waves 1 gate gate rest { upgrade x }", "two gates in a row"),
        ("group web = clusters a\nrollout web waves 0 rest { upgrade x }", "a wave of 0 members runs nothing"),
        ("group web = clusters a\nrollout web parallel 0 { upgrade x }", "parallel needs a whole number from 1, not '0'"),
        ("group web = clusters a\nrollout web halt after 0 { upgrade x }", "halt after needs a whole number of failed members from 1"),
        ("group web = clusters a\nrollout web halt at 0% { upgrade x }", "halt at needs a share from 1% to 100%"),
        ("group web = clusters a\nrollout web soak soon { upgrade x }", "'soon' is not a duration"),
        ("group web = clusters a\nrollout web { pause }", "pause cannot run inside a rollout block"),
        ("group web = clusters a\nrollout web { rollout web { upgrade x } }", "a rollout cannot run inside another rollout's block"),
        ("group web = clusters a\nrollout web { upgrade }", "upgrade needs a release, and none was named before it"),
        ("group web = releases a/b/c\nrollout web { echo ${TYPO} }", "undefined variable 'TYPO'"),
        ("group c = releases a/b/c\ngroup web = releases of chart x on c", "'c' is a group of releases; 'on' takes clusters"),
        ("group edge = clusters a b\nlist on edge", "'edge' is a group; 'list on' takes one cluster"),
        ("group edge = clusters a b\nuse cluster edge", "'edge' is a group; 'use cluster' takes one cluster"),
        ("group a = clusters x\ngroup a = clusters y", "group 'a' is defined twice in this script"),
        ("group w = clusters a b c\nrollout w waves 1 gate \"g\" 1 gate \"g\" rest { list }", "gate 'g' is named twice in this script"),
    ])
    func checkingFindsFleetProblems(text: String, message: String) {
        #expect(rendered(text, scope: CheckScope()).contains(message), "\(rendered(text, scope: CheckScope()))")
    }

    @Test(arguments: [
        ("rollout w parallel ${N} { list }", ["N": "0"], "parallel needs a whole number from 1, not '0'"),
        ("rollout w halt after ${N} { list }", ["N": "-2"], "halt after needs a whole number of failed members from 1, not '-2'"),
        ("rollout w soak ${S} { list }", ["S": "soon"], "'soon' is not a duration"),
        ("rollout w halt at ${P:-150%} { list }", [:], "halt at needs a share from 1% to 100%, not '150%'"),
        ("rollout w parallel ${N} { list }", ["N": ""], "parallel needs a whole number from 1, not ''"),
    ] as [(String, [String: String], String)])
    func valuesKnownBeforeTheRunAreCheckedBeforeItRuns(text: String, values: [String: String], message: String) {
        var scope = CheckScope(variables: Set(values.keys))
        scope.values = values
        let found = rendered("group w = clusters a b\n" + text, scope: scope)
        #expect(found.contains(message), "\(found)")
        // A let decides the value at run time: nothing is said before.
        let assigned = rendered("group w = clusters a b\nlet N = ${X:-1}\nlet S = ${X:-1}\nlet P = ${X:-1}\n" + text, scope: scope)
        #expect(!assigned.contains("needs") && !assigned.contains("not a duration"), "\(assigned)")
    }

    @Test func aSecretInARolloutBlockIsHiddenWhereStatementsAreShown() throws {
        let (script, _) = parse("rollout web { set value db.password = hunter2; upgrade; else { let TOKEN = s3cret; abort } }")
        let shown = ScriptPrinter.display(script.statements[0].kind)
        #expect(!shown.contains("hunter2") && !shown.contains("s3cret"), "\(shown)")
        #expect(shown == "rollout web { set value db.password = ******; upgrade; else { let TOKEN = ******; abort } }")
    }

    @Test func aRolloutBlockSeesItsMemberAndItsVariables() {
        let text = "group web = releases a/b/c\nrollout web { upgrade; echo ${CLUSTER} ${NAMESPACE} ${RELEASE} ${MEMBER} ${WAVE} }\nupgrade"
        let problems = rendered(text, scope: CheckScope())
        #expect(problems.split(separator: "\n").filter { $0.contains("error:") }.count == 2, "\(problems)")
        #expect(problems.contains("3:1: error: upgrade needs a cluster"), "the member's cluster does not outlive the block: \(problems)")
        #expect(problems.contains("3:1: error: upgrade needs a release"), "nor its release: \(problems)")
    }

    @Test func aFleetFromTheProfileIsKnownToTheChecker() {
        let scope = CheckScope(fleets: ["eu": ["demo", "staging"], "mixed": ["demo", "demo/shop/shop-web"]])
        #expect(rendered("group eu = fleet eu\nrollout eu waves 1 { upgrade x }", scope: scope).contains("waves 1 cover 1 of the group's 2 members"))
        #expect(rendered("group m = fleet mixed", scope: scope).contains("the fleet 'mixed' mixes clusters and releases"))
        #expect(rendered("group eu = fleet ue", scope: scope).contains("did you mean 'eu'?"))
    }

    @Test func aGroupMemberMustBeAClusterTheTargetKnows() {
        let scope = CheckScope(fleets: ["eu": ["demo", "eu-9"]], clusterAliases: ["demo", "staging"])
        #expect(rendered("group web = clusters demo stagin", scope: scope).contains("unknown cluster 'stagin': not an alias the target knows, nor a cluster id"))
        #expect(rendered("group web = clusters demo stagin", scope: scope).contains("did you mean 'staging'?"))
        #expect(rendered("group web = releases demmo/shop/shop-web", scope: scope).contains("unknown cluster 'demmo'"))
        #expect(rendered("group web = releases of chart x on demo prod", scope: scope).contains("unknown cluster 'prod'"))
        #expect(rendered("group eu = fleet eu", scope: scope).contains("unknown cluster 'eu-9'"))
        #expect(rendered("group web = clusters demo a870253f-5dc7-11ee-bf71-0255ac100b03", scope: scope).isEmpty, "an id is always allowed")
        #expect(rendered("group web = clusters anything", scope: CheckScope()).isEmpty, "with no aliases known, nothing is said")
    }

    @Test func gatesThatCannotBeAnsweredAreFoundBeforeAnythingRuns() {
        let text = "group web = clusters a b\nrollout web waves 1 gate \"prod\" rest { upgrade x }"
        let offTerminal = CheckScope(gates: .approved(all: false, names: []))
        #expect(rendered(text, scope: offTerminal).contains("the gate 'prod' cannot be answered"))
        #expect(rendered(text, scope: CheckScope(gates: .approved(all: false, names: ["prod"]))).isEmpty)
        #expect(rendered(text, scope: CheckScope(gates: .approved(all: true, names: []))).isEmpty)
        #expect(rendered(text, scope: CheckScope(gates: .asked)).isEmpty)
        let (script, _) = parse(text + "\nrollout web waves 1 gate 10% gate rest { upgrade x }")
        #expect(script.gateNames == ["prod", "wave-2", "wave-3"])
    }

    @Test func aGateThatNamesWhoMayPassItNeedsARunThatWaitsForThem() {
        let text = "group web = clusters a b c\nrollout web waves 1 gate \"prod\" by alice, bob 1 gate rest { upgrade x }"
        #expect(rendered(text, scope: CheckScope(gates: .approved(all: true, names: []))).contains(
            "the gate 'prod' is passed only by rollout approve from alice or bob, and this run does not wait for one"))
        var waiting = CheckScope(gates: .asked)
        waiting.awaitsApprovals = true
        #expect(rendered(text, scope: waiting).isEmpty)
        let (script, _) = parse(text)
        #expect(script.gates == ["prod": ["alice", "bob"], "wave-3": []])
    }

    @Test(arguments: [
        ([WaveStep.count(1), .percent(10), .rest], 1000, [1, 100, 899]),
        ([.count(1), .percent(10), .rest], 10, [1, 1, 8]),
        ([.count(1), .percent(10), .rest], 1, [1, 0, 0]),
        ([.percent(34), .percent(33), .percent(33)], 10, [4, 4, 2]),
        ([.count(5), .rest], 3, [3, 0]),
        ([.count(1), .gate(nil), .rest], 4, [1, 3]),
        ([], 7, [7]),
    ])
    func wavesSplitAGroup(steps: [WaveStep], members: Int, sizes: [Int]) throws {
        #expect(try WaveStep.sizes(of: steps, members: members) == sizes)
    }

    @Test func wavesThatLeaveMembersOutAreRefused() {
        #expect(throws: WaveProblem.self) { try WaveStep.sizes(of: [.count(1), .percent(10)], members: 100) }
        #expect(WaveStep.coversAnyGroup([.count(1), .percent(50), .percent(50)]))
        #expect(!WaveStep.coversAnyGroup([.count(1), .percent(10)]))
    }

    @Test(arguments: [
        ("web-*", "web-01", true), ("web-*", "api-01", false), ("w?b", "web", true), ("*", "", true), ("a*c", "abbbc", true),
        ("a*c", "abbb", false), ("shop-web", "shop-web", true),
    ])
    func namePatternsMatchWholeNames(pattern: String, name: String, matches: Bool) {
        #expect(NamePattern.matches(name, pattern) == matches)
    }
}
