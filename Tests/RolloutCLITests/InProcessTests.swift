import ArgumentParser
import AutopilotClient
import Foundation
@testable import RolloutCLI
import RolloutRuntime
import RolloutSyntax
import Testing

/// The command's logic that needs no terminal and no process, tested directly.
@Suite struct InProcessTests {
    @Test(arguments: [
        ("upgrade testwww", false), ("upgrade \\", true), ("echo \"open", true), ("echo \"closed\"", false),
        ("echo \"a\\\"b", true), ("echo \"a \\\\\"", false), ("wait deployed; else {", true), ("else { rollback 1 }", false),
        ("echo \"unterminated string\"", false), ("echo {", true),
    ])
    func aLineStaysOpenWhileAStringOrBlockIs(_ text: String, _ open: Bool) {
        #expect(Prompt.isOpen(text) == open, "\(text)")
    }

    @Test func historyKeepsNoSecretLiteral() {
        let line = "let DB_PASSWORD = hunter2; set value basic.admin_password = s3cret; set tag v2; wait deployed; else { let API_TOKEN = abc123 }"
        let (script, _) = Parser.parse(SourceFile(name: "prompt", text: line))
        let kept = Prompt.historyForm(of: script, text: line)
        #expect(kept == "let DB_PASSWORD = ******; set value basic.admin_password = ******; set tag v2; wait deployed; else { let API_TOKEN = ****** }")
    }

    @Test func promptCommandsAreTheirOwnWords() {
        #expect(PromptCommand(line: "help upgrade") == .help)
        #expect(PromptCommand(line: "vars") == .vars)
        #expect(PromptCommand(line: "upgrade testwww") == nil)
        #expect(PromptCommand(line: "helpful") == nil)
    }

    @Test func assignmentsFollowTheVariableRule() throws {
        #expect(try Assignments.parse(["TAG=v2", "A_1=x=y", "E="]) == ["TAG": "v2", "A_1": "x=y", "E": ""])
        for bad in ["1X=2", "=v", "NO", "A-B=1"] {
            #expect(throws: CLIError.self, "\(bad)") { try Assignments.parse([bad]) }
        }
    }

    @Test func thePagerIsChosenAsGitChoosesItAndNeverOffATerminal() {
        #expect(Pager.make(disabled: false, environment: [:], terminal: true)?.command == "less -FRX")
        #expect(Pager.make(disabled: false, environment: ["PAGER": "more"], terminal: true)?.command == "more")
        #expect(Pager.make(disabled: false, environment: ["PAGER": "more", "ROLLOUT_PAGER": "less -S"], terminal: true)?.command == "less -S")
        #expect(Pager.make(disabled: false, environment: ["ROLLOUT_PAGER": ""], terminal: true) == nil)
        #expect(Pager.make(disabled: false, environment: ["PAGER": "cat"], terminal: true) == nil)
        #expect(Pager.make(disabled: true, environment: [:], terminal: true) == nil)
        #expect(Pager.make(disabled: false, environment: [:], terminal: false) == nil)
    }

    @Test func theSaveFormPinsTheContextAndKeepsSecretsOut() throws {
        var record = SessionRecord(start: RunContext(cluster: "demo", namespace: "shop", variables: ["TAG": "2.2.0", "API_TOKEN": "t0k3n"]))
        let (script, diagnostics) = Checker.diagnose(
            SourceFile(name: "prompt", text: "let DB_PASSWORD = hunter2; set value db.password = pa55; set tag ${TAG}; upgrade shop-web; show shop-web"),
            scope: CheckScope(clusterInUse: true, variables: ["TAG", "API_TOKEN"]))
        #expect(diagnostics.isEmpty)
        for statement in script.statements { record.add(statement) }
        let saved = record.script(target: "the local emulator", dropReads: true)
        let lines = saved.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/usr/bin/env rollout")
        // The value path's secret differs from the let's, so it gets a variable of its own.
        #expect(lines.contains("# It needs API_TOKEN, DB_PASSWORD, DB_PASSWORD_2: rollout FILE -- API_TOKEN=... DB_PASSWORD=... DB_PASSWORD_2=..., or the environment."), "\(saved)")
        #expect(Array(lines.drop { $0.hasPrefix("#") }) == [
            "use cluster demo", "use namespace shop", "let TAG = 2.2.0", "set value db.password = ${DB_PASSWORD_2}", "set tag ${TAG}", "upgrade shop-web",
        ])
        for secret in ["hunter2", "pa55", "t0k3n"] { #expect(!saved.contains(secret)) }
        let again = Checker.diagnose(SourceFile(name: "saved", text: saved), scope: CheckScope(variables: ["API_TOKEN", "DB_PASSWORD", "DB_PASSWORD_2"]))
        #expect(again.diagnostics.isEmpty, "\(again.diagnostics)")
    }

    @Test func twoSecretsOfOneNameButDifferentValuesGetTwoVariables() throws {
        var record = SessionRecord(start: RunContext(cluster: "demo"))
        let (script, _) = Checker.diagnose(
            SourceFile(name: "prompt", text: "let DB_PASSWORD = one; set value db.password = two; set value db.password = one; set value db-password = three"),
            scope: CheckScope(clusterInUse: true))
        for statement in script.statements { record.add(statement) }
        let saved = record.script(target: "t", dropReads: false)
        #expect(saved.contains("set value db.password = ${DB_PASSWORD_2}\nset value db.password = ${DB_PASSWORD}\nset value db-password = ${DB_PASSWORD_3}"), "\(saved)")
        #expect(saved.contains("# It needs DB_PASSWORD, DB_PASSWORD_2, DB_PASSWORD_3:"), "\(saved)")
    }

    @Test func withNothingConfiguredTheTargetIsTheEmbeddedEmulator() throws {
        let options = try TargetOptions.parse([])
        let choice = try TargetChoice.resolve(options, environment: ["XDG_CONFIG_HOME": Self.emptyFolder()])
        #expect(choice.isEmbedded)
        #expect(choice.clusterID("demo") == "a870253f-5dc7-11ee-bf71-0255ac100b03")
        #expect(choice.describe(url: URL(string: "http://127.0.0.1:9")!).contains("the local emulator at http://127.0.0.1:9"))
    }

    @Test func aRegionWithKeysFromTheEnvironmentIsACloudTarget() throws {
        let options = try TargetOptions.parse(["--region", "cn-north-4"])
        let choice = try TargetChoice.resolve(
            options, environment: ["XDG_CONFIG_HOME": Self.emptyFolder(), "CLOUD_SDK_AK": "AKAKAKAKAKAK", "CLOUD_SDK_SK": "secret-sk"])
        let endpoint = try Endpoint.region("cn-north-4")
        #expect(choice.kind == .remote(endpoint: endpoint, region: "cn-north-4"))
        #expect(choice.credentialSource == "the environment (CLOUD_SDK_AK, CLOUD_SDK_SK)")
        #expect(!choice.describe(url: endpoint.url).contains("secret-sk"))
        let bad = try TargetOptions.parse(["--region", "cn north"])
        #expect(throws: CLIError.self) { try TargetChoice.resolve(bad, environment: ["XDG_CONFIG_HOME": Self.emptyFolder()]) }
    }

    @Test func aProfileGivesTheRegionClusterAndAliases() throws {
        let folder = Self.emptyFolder()
        let file = URL(fileURLWithPath: folder).appendingPathComponent("rollout/config.toml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
            default = "prod"
            [profiles.prod]
            region = "cn-north-4"
            cluster = "shop"
            ak_env = "PROD_AK"
            sk_env = "PROD_SK"
            [profiles.prod.clusters]
            shop = "a870253f-5dc7-11ee-bf71-0255ac100b03"
            """.write(to: file, atomically: true, encoding: .utf8)
        let profile = try #require(try Profile.load(named: nil, from: file, environment: ["PROD_AK": "ak", "PROD_SK": "sk"]))
        #expect(profile.region == "cn-north-4")
        #expect(profile.secretKey == "sk")
        #expect(profile.clusters["shop"] == "a870253f-5dc7-11ee-bf71-0255ac100b03")
        #expect(throws: CLIError.self) { try Profile.load(named: "staging", from: file, environment: [:]) }
    }

    @Test func theJournalShowsTheLastChangesNotTheLastLines() async throws {
        let file = URL(fileURLWithPath: Self.emptyFolder()).appendingPathComponent("journal.jsonl")
        let journal = Journal(store: FileStore(journal: file), target: "http://127.0.0.1:1")
        for version in 1...3 {
            var record = ChangeRecord(
                action: .upgrade, cluster: "c", namespace: "n", release: "r", versionBefore: version, versionAfter: nil,
                outcome: .sending, values: .object([:]))
            try await journal.append(record)
            record.outcome = .applied
            record.versionAfter = version + 1
            record.requestID = "id-\(version)"
            try await journal.append(record)
            record.requestID = nil
        }
        let results = try Journal.changes(in: try await FileStore(journal: file).journal(.all), last: 2)
        #expect(results.map(\.change.versionAfter) == [3, 4])
        #expect(results.map(\.change.requestID) == ["id-2", "id-3"])
        let lines = try Journal.texts(of: try await FileStore(journal: file).journal(.all), lastChanges: 2)
        #expect(lines.map { $0.contains("\"outcome\":\"sending\"") } == [true, false, true, false], "\(lines)")
    }

    @Test func aChangeWithNoResultIsShownAsSentAndItsSettlingLineClosesIt() async throws {
        let file = URL(fileURLWithPath: Self.emptyFolder()).appendingPathComponent("journal.jsonl")
        let journal = Journal(store: FileStore(journal: file), target: "t", runID: "run-1")
        var record = ChangeRecord(
            action: .upgrade, cluster: "c", namespace: "n", release: "r", versionBefore: 1, versionAfter: nil, outcome: .sending,
            values: .object([:]), place: ChangePlace(line: 3, column: 1, member: "c/n/r", wave: 2))
        try await journal.append(record)
        var other = record
        other.place.member = "d/n/r"
        try await journal.append(other)
        #expect(try Journal.changes(in: try await FileStore(journal: file).journal(.all), last: 5).map(\.change.outcome) == [.sending, .sending], "both intents are still open")
        // A resume's read-back, written by a later try with the same statement and member.
        let resumed = Journal(store: FileStore(journal: file), target: "t", runID: "run-1", attempt: 2)
        record.outcome = .confirmed
        record.versionAfter = 2
        try await resumed.append(record)
        let changes = try Journal.changes(in: try await FileStore(journal: file).journal(.all), last: 5)
        #expect(changes.map(\.change.outcome) == [.confirmed, .sending], "the settled one closes its own change, not the other member's")
        #expect(changes.map(\.attempt) == [2, 1])
        let entry = try #require(try Journal.entries(of: try await FileStore(journal: file).journal(.all)).last)
        #expect(entry.change.place == ChangePlace(line: 3, column: 1, member: "c/n/r", wave: 2))
        #expect(!entry.user.isEmpty && !entry.stamp.host.isEmpty, "every line says who and where")
    }

    /// An upgrade's intent, as the journal is given it before the call.
    static let intent = ChangeRecord(
        action: .upgrade, cluster: "c", namespace: "n", release: "r", versionBefore: 1, versionAfter: nil, outcome: .sending,
        values: .object([:]))

    @Test func aFullDiskLeavesNoHalfLineAndSaysSo() async throws {
        // /dev/full answers every write with ENOSPC.
        let journal = Journal(store: FileStore(journal: URL(fileURLWithPath: "/dev/full")), target: "t")
        let record = Self.intent
        await #expect {
            try await journal.append(record)
        } throws: { error in
            "\(error)".contains("No space left on device")
        }
        // A disk that fills mid-line: a tmpfs of two pages.
        let folder = Self.emptyFolder()
        #expect(mount("tmpfs", folder, "tmpfs", 0, "size=8k") == 0, "a tmpfs can be mounted (the tests run as root): \(String(cString: strerror(errno)))")
        defer { umount(folder) }
        let file = URL(fileURLWithPath: folder).appendingPathComponent("journal.jsonl")
        let full = Journal(store: FileStore(journal: file), target: "t")
        var big = record
        big.values = .object(["imageTag": .string(String(repeating: "x", count: 3000))])
        var written = 0
        var failure: String?
        while failure == nil, written < 10 {
            do {
                try await full.append(big)
                written += 1
            } catch {
                failure = "\(error)"
            }
        }
        #expect(failure?.contains("No space left on device") == true, "\(failure ?? "no failure")")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == written, "\(written) whole lines and nothing else")
        #expect(try Journal.entries(of: try await FileStore(journal: file).journal(.all)).count == written)
    }

    @Test func aJournalThatCannotBeWrittenSaysWhichFileAndWhy() async throws {
        let folder = URL(fileURLWithPath: Self.emptyFolder())
        let blocker = folder.appendingPathComponent("not-a-folder")
        try "".write(to: blocker, atomically: true, encoding: .utf8)
        let journal = Journal(store: FileStore(journal: blocker.appendingPathComponent("journal.jsonl")), target: "t")
        let record = Self.intent
        await #expect {
            try await journal.append(record)
        } throws: { error in
            "\(error)".contains(blocker.path) && "\(error)".contains("cannot be written")
        }
    }

    @Test func linesWrittenSideBySideNeverInterleave() async throws {
        let file = URL(fileURLWithPath: Self.emptyFolder()).appendingPathComponent("state/journal.jsonl")
        let journal = Journal(store: FileStore(journal: file), target: "http://127.0.0.1")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let record = ChangeRecord(
                        action: .upgrade, cluster: "c", namespace: "n", release: "r\(index)", versionBefore: 1, versionAfter: 2,
                        outcome: .applied, values: .object(["imageTag": .string(String(repeating: "x", count: 3000))]))
                    try? await journal.append(record)
                }
            }
        }
        let entries = try Journal.entries(of: try await FileStore(journal: file).journal(.all))
        #expect(entries.count == 200)
        #expect(Set(entries.map(\.change.release)).count == 200)
        #expect(Set(entries.map(\.run)) == [journal.runID])
    }

    @Test func completionOffersTheGrammarAndTheTargetsNames() async throws {
        let choice = try TargetChoice.resolve(try TargetOptions.parse([]), environment: ["XDG_CONFIG_HOME": Self.emptyFolder()])
        // An emulator state of its own, so that no other test's session can stop its emulator under it.
        let session = try await Session.open(choice, debug: false, style: Style(enabled: false), paths: Paths(["XDG_STATE_HOME": Self.emptyFolder()]))
        let completer = Completer(session: session, context: RunContext(cluster: "demo"))
        // libedit calls the completer on the prompt's own thread, never on the cooperative pool, and so does this.
        func complete(_ line: String) async -> [String] {
            let answer = Handoff<[String]>()
            Thread { answer.put(completer.complete(line, "")) }.start()
            return await answer.value
        }
        #expect(await complete("") == Keyword.allCases.map(\.rawValue) + PromptCommand.allCases.map(\.rawValue))
        #expect(await complete("set ") == SettingName.allWords)
        #expect(await complete("set dry-run ") == ["on", "off"])
        #expect(await complete("wait ") == WaitStatus.allCases.map(\.rawValue))
        #expect(await complete("expect tag ") == Comparison.allCases.map(\.rawValue))
        #expect(await complete("upgrade testwww ") == ["if changed", "in", "on"])
        #expect(await complete("diff testwww ") == ["from", "in", "on"])
        #expect(await complete("help ") == Keyword.allCases.map(\.rawValue) + HelpTopic.allCases.map(\.rawValue))
        // The names come from the target; on a loaded machine the first Tab may come before them.
        try await EveryRunTests.waitUntil("the target's names") { await complete("use cluster ").contains("demo") }
        try await EveryRunTests.waitUntil("the cluster's releases") { await complete("show ").contains("redis-cache") }
        // A release in the namespace in use by its name; one that lives only elsewhere with its `in`.
        #expect(await complete("show ").contains("testwww in monitoring"))
        #expect(!(await complete("show ").contains("testwww")))
        #expect(await complete("list in ").contains("monitoring"))
        #expect(await complete("rollback testwww in monitoring to ").contains("1"))
        #expect(await complete("diff testwww in monitoring from ").contains("2"))
        #expect(await complete("diff testwww in monitoring from 1 ") == ["to", "on"])
        await session.close()
    }

    @Test func completionKnowsGroupsAndRollouts() async throws {
        let choice = try TargetChoice.resolve(try TargetOptions.parse([]), environment: ["XDG_CONFIG_HOME": Self.emptyFolder()])
        // An emulator state of its own, so that no other test's session can stop its emulator under it.
        let session = try await Session.open(choice, debug: false, style: Style(enabled: false), paths: Paths(["XDG_STATE_HOME": Self.emptyFolder()]))
        let completer = Completer(session: session, context: RunContext(cluster: "demo"))
        completer.update(RunContext(cluster: "demo"), groups: ["web", "edge"])
        func complete(_ line: String) async -> [String] {
            let answer = Handoff<[String]>()
            Thread { answer.put(completer.complete(line, "")) }.start()
            return await answer.value
        }
        #expect(await complete("group web ") == ["="])
        #expect(await complete("group web = ") == GroupSource.allCases.map(\.rawValue))
        #expect(await complete("group web = fleet ") == ["edge"], "the emulator's fleet")
        #expect(await complete("group web = clusters ").contains("edge-008"))
        #expect(await complete("group web = releases of ") == ["chart"])
        try await EveryRunTests.waitUntil("the charts") { await complete("group web = releases of chart ").contains("shop-web") }
        #expect(await complete("group web = releases of chart shop-web ") == ["matching", "in", "on"])
        #expect(await complete("group web = releases of chart shop-web on ").contains("edge"), "groups of clusters too")
        #expect(await complete("rollout ") == ["edge", "web"])
        #expect(await complete("rollout web ") == RolloutClause.allCases.map(\.rawValue))
        #expect(await complete("rollout web waves 1 ").starts(with: ["10%", "rest", "gate"]))
        #expect(await complete("rollout web waves 1 rest halt ") == ["after", "at"])
        #expect(await complete("rollout web then ") == ["hold", "rollback"])
        #expect(await complete("rollout web then rollback ") == ["failed", "wave", "all"])
        #expect(await complete("rollout web recovered ") == ["ok"])
        await session.close()
    }

    static func emptyFolder() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-inprocess-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }
}
