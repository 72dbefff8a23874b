import Foundation
import Testing

/// A secret stays secret wherever its value flows: each way a value becomes secret, against every
/// way out of a run (human and JSON output, errors, diff, plan, echo, the journal, run records).
@Suite struct SecretFlowTests {
    static let secret = "hunter2xyz"

    /// How a value becomes secret: the script's first lines, its variables, its environment, and
    /// the path the secret ends up under in the release's values.
    struct Source: Sendable, CustomTestStringConvertible {
        var name: String
        var lines: String
        var variables: [String] = []
        var environment: [String: String] = [:]
        var path: String
        var testDescription: String { name }
    }

    static let sources: [Source] = [
        Source(
            name: "a secret variable on the command line, under a path whose name is not secret",
            lines: "set value db.conn = ${DB_PASSWORD}\necho \"pw is ${DB_PASSWORD}\"", variables: ["DB_PASSWORD=\(secret)"], path: "db.conn"),
        Source(
            name: "a secret variable from the environment", lines: "set value db.conn = ${DB_PASSWORD}\necho \"pw is ${DB_PASSWORD}\"",
            environment: ["DB_PASSWORD": secret], path: "db.conn"),
        Source(
            name: "a secret let, moved to another variable", lines: "let API_TOKEN = \(secret)\nlet CONN = ${API_TOKEN}\nset value db.conn = ${CONN}\necho \"pw is ${CONN}\"",
            path: "db.conn"),
        Source(name: "a literal under a secret-named path", lines: "set value basic.admin_password = \(secret)", path: "basic.admin_password"),
    ]

    static func script(_ source: Source) -> String {
        """
        use cluster demo
        use namespace shop
        \(source.lines)
        diff shop-web
        upgrade shop-web
        wait deployed
        expect value \(source.path) == wrong
        """
    }

    @Test(arguments: sources)
    func noSecretReachesAnyOutputOrFile(source: Source) async throws {
        let rollout = try RolloutProcess()
        let file = try ResumeTests.script(rollout, "secret.rollout", Self.script(source))
        let variables = source.variables.isEmpty ? [] : ["--"] + source.variables
        var outputs: [String] = []
        let human = try await rollout.run([file.path] + variables, extraEnvironment: source.environment)
        #expect(human.code == 1, "the expect fails, showing what the release has: \(human.all)")
        #expect(human.out.contains("db.conn") || source.path != "db.conn", "\(human.out)")
        if source.path == "db.conn" {
            #expect(human.out.contains("+ db.conn: ******"), "the diff masks the value: \(human.out)")
            #expect(human.out.contains("pw is ******"), "only the secret part of an echo is masked: \(human.out)")
        }
        outputs.append(human.all)
        let json = try await rollout.run(["--output", "json", file.path] + variables, extraEnvironment: source.environment)
        #expect(json.code == 1, "\(json.all)")
        outputs.append(json.all)
        let plan = try await rollout.run(["plan", file.path] + variables, extraEnvironment: source.environment)
        outputs.append(plan.all)
        let live = try await rollout.run(["plan", "--live", file.path] + variables, extraEnvironment: source.environment)
        outputs.append(live.all)
        for (index, output) in outputs.enumerated() {
            #expect(!output.contains(Self.secret), "output \(index) shows the secret: \(output)")
        }
        // Every file the runs wrote: the journal, run records, the emulator's state is the server's.
        let state = rollout.home.appendingPathComponent("state/rollout")
        let files = FileManager.default.enumerator(atPath: state.path)?.compactMap { $0 as? String } ?? []
        #expect(files.contains("journal.jsonl"), "\(files)")
        for name in files where !name.hasSuffix(".sqlite") && !name.hasSuffix(".sqlite-wal") && !name.hasSuffix(".sqlite-shm") {
            let text = (try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8)) ?? ""
            #expect(!text.contains(Self.secret), "\(name) holds the secret")
        }
    }
}
