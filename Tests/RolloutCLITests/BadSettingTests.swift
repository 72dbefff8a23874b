import Foundation
import Testing

/// Settings a user can get wrong, each given as a user gives it (a flag, a variable, a profile):
/// a clear error that names the setting and a non-zero exit, never a crash or a call elsewhere.
@Suite struct BadSettingTests {
    static let keys = ["HUAWEICLOUD_SDK_AK": "AKAKAKAKAKAKAKAKAKAK", "HUAWEICLOUD_SDK_SK": "SKSKSKSKSKSKSKSKSKSKSKSK"]

    @Test(arguments: [
        (["--endpoint", "http://127.0.0.1:99999", "-c", "charts"], [:],
         "--endpoint: 'http://127.0.0.1:99999' is not a usable URL: the port 99999 is not a number from 1 to 65535"),
        (["--endpoint", "http://localhost:104691", "-c", "charts"], [:],
         "--endpoint: 'http://localhost:104691' is not a usable URL: the port 104691 is not a number from 1 to 65535"),
        (["-c", "charts"], ["ROLLOUT_ENDPOINT": "http://127.0.0.1:99999"],
         "ROLLOUT_ENDPOINT: 'http://127.0.0.1:99999' is not a usable URL: the port 99999"),
        (["doctor"], ["ROLLOUT_ENDPOINT": "http://127.0.0.1:99999"],
         "ROLLOUT_ENDPOINT: 'http://127.0.0.1:99999' is not a usable URL: the port 99999"),
        (["--region", "cn-north-4", "-c", "charts"], ["HUAWEICLOUD_SDK_REGION_CCE_CN_NORTH_4": "http://127.0.0.1:70000"],
         "HUAWEICLOUD_SDK_REGION_CCE_CN_NORTH_4: 'http://127.0.0.1:70000' is not a usable URL: the port 70000"),
        (["--region", "cn-north-4", "-c", "charts"], ["HUAWEICLOUD_SDK_IAM_ENDPOINT": "http://127.0.0.1:70000"],
         "HUAWEICLOUD_SDK_IAM_ENDPOINT: 'http://127.0.0.1:70000' is not a usable URL: the port 70000"),
        (["--region", "cn-north-4", "-c", "charts"], ["ROLLOUT_METADATA_ENDPOINT": "http://127.0.0.1:70000", "HUAWEICLOUD_SDK_AK": "", "HUAWEICLOUD_SDK_SK": ""],
         "ROLLOUT_METADATA_ENDPOINT: 'http://127.0.0.1:70000' is not a usable URL: the port 70000"),
        (["--region", "cn-north-4", "-c", "charts"], ["HTTPS_PROXY": "http://user:hunter22@proxy:99999"],
         "'http://user:***@proxy:99999' is not a usable proxy: the port 99999 is not a number from 1 to 65535"),
        (["--endpoint", "http://user:hunter22@127.0.0.1:8080", "-c", "charts"], [:],
         "--endpoint: 'http://user:***@127.0.0.1:8080' is not a usable URL: an endpoint carries no user or password"),
    ] as [([String], [String: String], String)])
    func aURLOutOfShapeIsRefusedByName(arguments: [String], environment: [String: String], message: String) async throws {
        let rollout = try RolloutProcess()
        let result = try await rollout.run(arguments, extraEnvironment: Self.keys.merging(environment) { $1 })
        #expect(result.code != 0 && result.code < 128, "\(result.all)")
        #expect(result.all.contains(message), "\(result.all)")
        #expect(!result.all.contains("Fatal error") && !result.all.contains("hunter22"), "\(result.all)")
    }

    @Test(arguments: ["0.3", "-1s", "soon"])
    func aDeployTimeThatIsNotADurationIsRefusedAsTheFlagIs(value: String) async throws {
        let result = try await RolloutProcess().run(["-c", "charts"], extraEnvironment: ["ROLLOUT_EMULATOR_DEPLOY_TIME": value])
        #expect(result.code == 2, "\(result.all)")
        #expect(result.err.contains("ROLLOUT_EMULATOR_DEPLOY_TIME='\(value)' is not a duration such as 300ms or 2s"), "\(result.all)")
    }

    @Test(arguments: ["--lock-timeout", "--gate-wait"], ["soon", "-1s", "0.3"])
    func aWaitThatIsNotADurationIsRefusedBeforeAnythingRuns(option: String, value: String) async throws {
        let result = try await RolloutProcess().run(["-c", "charts", "\(option)=\(value)"])
        #expect(result.code == 2, "\(result.all)")
        #expect(result.err.contains("The value '\(value)' is invalid for '\(option)"), "\(result.all)")
    }

    @Test func doctorFilesAProfilesMissingSecretUnderCredentials() async throws {
        let rollout = try RolloutProcess()
        try FileManager.default.createDirectory(at: rollout.configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[profiles.prod]\nendpoint = \"http://127.0.0.1:9\"\nak = \"PRODAK00000000001\"\nsk_env = \"PROD_SK\"\n"
            .write(to: rollout.configFile, atomically: true, encoding: .utf8)
        // Other credentials are at hand; the profile's choice still may not fall through to them.
        let result = try await rollout.run(["doctor", "--profile", "prod"], extraEnvironment: Self.keys)
        #expect(result.code == 1, "\(result.all)")
        #expect(result.out.contains("✘ credentials profile prod: sk_env names PROD_SK, which is not set; nothing was sent"), "\(result.all)")
    }

    @Test(arguments: ["0", "-1", "5", "x", "99999999999999999999999"])
    func helpWrapsAtAnyTerminalWidth(columns: String) async throws {
        // The command-line parser stopped the process when COLUMNS was narrower than its indent.
        let result = try await RolloutProcess().run(["-h"], extraEnvironment: ["COLUMNS": columns])
        #expect(result.code == 0, "\(result.all)")
        #expect(result.out.contains("USAGE: rollout"))
    }

    @Test(arguments: ["[ \u{E9}]", "[\u{202E}rofiles.ops]", "[=]", "[.a]", "[[[1]]]", "[[=", "[", "a = 1\n[ "])
    func aTableHeaderTheTOMLParserWouldStopOnIsAnError(header: String) async throws {
        // The TOML parser asserted on these and took the process down (found by scripts/fuzz/cli.py).
        let rollout = try RolloutProcess()
        try FileManager.default.createDirectory(at: rollout.configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (header + "\nregion = \"cn-north-4\"\n").write(to: rollout.configFile, atomically: true, encoding: .utf8)
        let result = try await rollout.run(["-c", "echo hi"])
        #expect(result.code == 2, "\(result.all)")
        #expect(result.err.contains("\(rollout.configFile.path) is not valid TOML: line "), "\(result.all)")
    }

    @Test func arraysOnTheirOwnLinesAreNotTakenForHeaders() async throws {
        let rollout = try RolloutProcess()
        try FileManager.default.createDirectory(at: rollout.configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[profiles.lab.fleets]\nnested = [\n  [\"a\", \"b\"],\n  [ \"c\" ], # [=\n]\n".write(to: rollout.configFile, atomically: true, encoding: .utf8)
        let result = try await rollout.run(["--profile", "lab", "-c", "echo hi"])
        #expect(!result.err.contains("table name"), "\(result.all)")
    }
}
