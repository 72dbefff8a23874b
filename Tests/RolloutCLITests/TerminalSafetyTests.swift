import AutopilotEmulator
import AutopilotModels
import AutopilotTesting
import Foundation
import Testing

/// What the server or a file says reaches the terminal with its control characters made visible:
/// an answer cannot retitle the window, clear the screen or paint a line of its own.
@Suite struct TerminalSafetyTests {
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\r\u{1B}[32m✔ all good\u{9B}31m"
    static let shown = #"\e]0;pwned\x07\e[2J\r\e[32m✔ all good\x9b31m"#

    @Test(arguments: [
        ("\u{1B}[2J", #"\e[2J"#), ("a\nb\tc\rd", #"a\nb\tc\rd"#), ("\u{07}\u{7F}\u{00}", #"\x07\x7f\x00"#),
        ("abc\u{202E}txt.exe", #"abc\u{202E}txt.exe"#), ("plain ✔ 中文 é", "plain ✔ 中文 é"),
    ])
    func controlCharactersAreShownAsEscapes(text: String, shown: String) {
        #expect(text.terminalSafe == shown)
    }

    /// Runs `rollout -c <script>` against a server that answers every call with `answer`.
    private func run(_ script: String, answer: HostileServer.Step) async throws -> RolloutProcess.Result {
        let server = try await HostileServer { _ in [answer] }
        defer { Task { await server.stop() } }
        let rollout = try RolloutProcess()
        return try await rollout.run(
            ["--endpoint", server.url.absoluteString, "-c", script],
            extraEnvironment: BadSettingTests.keys.merging(["HUAWEICLOUD_SDK_PROJECT_ID": "0123456789abcdef0123456789abcdef"]) { $1 })
    }

    private func expectSafe(_ result: RolloutProcess.Result, showing: String = TerminalSafetyTests.shown) {
        #expect(!result.all.contains("\u{1B}") && !result.all.contains("\u{07}") && !result.all.contains("\r"), "\(result.all)")
        #expect(result.all.contains(showing), "\(result.all)")
    }

    @Test func anErrorMessageCannotDriveTheTerminal() async throws {
        let body = JSONValue.object(["error_code": "CCE.01400001", "error_msg": .string(Self.hostile)]).jsonText
        let result = try await run("charts", answer: .answer(status: 400, body: body))
        #expect(result.code == 1)
        expectSafe(result)
    }

    @Test func aBodyThatIsNotJSONCannotDriveTheTerminal() async throws {
        let result = try await run("charts", answer: .answer(status: 502, headers: [("Content-Type", "text/html")], body: Self.hostile))
        #expect(result.code == 1)
        expectSafe(result, showing: Self.shown.replacingOccurrences(of: #"\r"#, with: ""))
    }

    @Test func namesAndFieldsOfReleasesAndChartsCannotDriveTheTerminal() async throws {
        let chart = JSONValue.array([.object([
            "id": "c-1", "name": .string(Self.hostile), "version": "1.0.0", "description": .string(Self.hostile),
        ])]).jsonText
        let charts = try await run("charts", answer: .answer(status: 200, body: chart))
        #expect(charts.code == 0, "\(charts.all)")
        expectSafe(charts)

        let release = JSONValue.array([.object([
            "name": "web", "namespace": "default", "version": 1, "status": .string(Self.hostile), "chart_name": .string(Self.hostile),
            "chart_version": "1.0.0", "description": .string(Self.hostile), "values": "{}",
        ])]).jsonText
        for script in ["use cluster \(DemoData.demoClusterID); list", "use cluster \(DemoData.demoClusterID); history web in default"] {
            let result = try await run(script, answer: .answer(status: 200, body: release))
            #expect(result.code == 0, "\(result.all)")
            expectSafe(result)
        }
    }

    @Test func aScriptFilesTextIsQuotedSafely() async throws {
        let rollout = try RolloutProcess()
        let file = rollout.home.appendingPathComponent("bad.rollout")
        try "use cluster x\nupgrade \u{1B}[2Jweb\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await rollout.run(["check", file.path])
        #expect(result.code != 0)
        #expect(!result.all.contains("\u{1B}"), "\(result.all)")
        #expect(result.all.contains(#"\e[2Jweb"#), "\(result.all)")
    }
}
