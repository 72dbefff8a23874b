import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// A request signed as the SDK signs it, then changed in one way after signing.
struct Tampering: Sendable, CustomTestStringConvertible {
    var name: String
    var expectedStatus: Int
    var accessKey = EmulatorCredentials.localAccessKey
    var secretKey = EmulatorCredentials.localSecretKey
    var dateOffset: TimeInterval = 0
    var change: @Sendable (inout RawRequest) -> Void = { _ in }

    var testDescription: String { name }

    static let all: [Tampering] = [
        Tampering(name: "untouched", expectedStatus: 200),
        Tampering(name: "wrong secret key", expectedStatus: 401, secretKey: "not-the-secret"),
        Tampering(name: "unknown access key", expectedStatus: 401, accessKey: "UNKNOWNAK00000000000"),
        Tampering(name: "date 16 minutes old", expectedStatus: 401, dateOffset: -16 * 60),
        Tampering(name: "date 16 minutes ahead", expectedStatus: 401, dateOffset: 16 * 60),
        Tampering(name: "date 14 minutes old", expectedStatus: 200, dateOffset: -14 * 60),
        Tampering(name: "signed header changed", expectedStatus: 401) { $0.headers["X-Project-Id"] = "someone-else" },
        Tampering(name: "path changed", expectedStatus: 401) { $0.path = $0.path.replacingOccurrences(of: "testwww", with: "shop-web") },
        Tampering(name: "query changed", expectedStatus: 401) { $0.query = "show_resources=false" },
        Tampering(name: "body changed", expectedStatus: 401) { $0.body = Array(String(decoding: $0.body, as: UTF8.self).replacingOccurrences(of: "v9", with: "v8").utf8) },
        Tampering(name: "signature changed", expectedStatus: 401) {
            $0.headers["Authorization"] = $0.headers["Authorization"]!.replacingOccurrences(of: "Signature=", with: "Signature=0")
        },
        Tampering(name: "no Authorization", expectedStatus: 401) { $0.headers["Authorization"] = nil },
        Tampering(name: "garbled Authorization", expectedStatus: 401) { $0.headers["Authorization"] = "Basic dXNlcg==" },
        Tampering(name: "unsigned header added", expectedStatus: 200) { $0.headers["X-Extra"] = "fine" },
    ]
}

let upgradeBody = Array(#"{"action":"upgrade","chart_id":"af4b699e-018c-11ec-b8b0-0255ac100b05","parameters":{"dry_run":true},"values":{"imageTag":"v9"}}"#.utf8)
let testwwwPath = "/autopilot/cam/v3/clusters/\(DemoData.demoClusterID)/namespace/monitoring/releases/testwww"

@Suite struct SignatureCheckTests {
    @Test(arguments: Tampering.all)
    func emulatorRefusesTamperedRequests(_ tampering: Tampering) async throws {
        try await withEmulator { _, emulator in
            let url = try #require(emulator.url)
            var request = RawRequest(
                method: "PUT", path: testwwwPath, query: "show_resources=true",
                headers: ["X-Project-Id": EmulatorCredentials.localProjectID], body: upgradeBody)
            request.sign(
                accessKey: tampering.accessKey, secretKey: tampering.secretKey, url: url,
                date: Date().addingTimeInterval(tampering.dateOffset))
            tampering.change(&request)
            let answer = try await request.send(to: url)
            #expect(answer.status == tampering.expectedStatus, "\(tampering.name): \(answer.body)")
            if tampering.expectedStatus == 401 {
                #expect(answer.body.contains(#""error_code":"APIGW.0301""#))
            }
        }
    }

    @Test(arguments: [(EmulatorCredentials.localToken, 200), ("stolen-token", 401)])
    func tokensAreChecked(token: String, status: Int) async throws {
        try await withEmulator { _, emulator in
            let request = RawRequest(method: "GET", path: testwwwPath, headers: ["X-Auth-Token": token])
            let answer = try await request.send(to: try #require(emulator.url))
            #expect(answer.status == status)
        }
    }

    @Test func theClientCanUseAToken() async throws {
        try await withEmulator(client: { $0.credentials = .token(Secret(EmulatorCredentials.localToken), projectID: nil) }) { client, _ in
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.version == 3)
        }
    }
}
