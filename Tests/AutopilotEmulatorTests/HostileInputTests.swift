import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// One hostile request and the 4xx it must get.
struct HostileCase: Sendable, CustomTestStringConvertible {
    var name: String
    var method = "PUT"
    var path = testwwwPath
    var body: [UInt8] = upgradeBody
    var status: Int
    var message: String

    var testDescription: String { name }

    static let all: [HostileCase] = [
        HostileCase(name: "malformed JSON", body: Array("{\"action\": upg".utf8), status: 400, message: "Malformed request"),
        HostileCase(name: "truncated JSON", body: Array(upgradeBody.dropLast(10)), status: 400, message: "Malformed request"),
        HostileCase(name: "invalid UTF-8", body: [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d], status: 400, message: "Malformed request"),
        HostileCase(name: "not an object", body: Array("[1,2,3]".utf8), status: 400, message: "Malformed request"),
        HostileCase(name: "missing action", body: Array(#"{"chart_id":"x","parameters":{},"values":{}}"#.utf8), status: 400, message: "missing required field action"),
        HostileCase(name: "missing parameters", body: Array(#"{"chart_id":"x","action":"upgrade","values":{}}"#.utf8), status: 400, message: "missing required field parameters"),
        HostileCase(name: "chart_id of the wrong type", body: Array(#"{"chart_id":5,"action":"upgrade","parameters":{},"values":{}}"#.utf8), status: 400, message: "field chart_id must be a string"),
        HostileCase(name: "release_version of the wrong type", body: Array(#"{"chart_id":"x","action":"rollback","parameters":{"release_version":"one"},"values":{}}"#.utf8), status: 400, message: "field parameters.release_version must be an integer"),
        HostileCase(name: "dry_run of the wrong type", body: Array(#"{"chart_id":"x","action":"upgrade","parameters":{"dry_run":"yes"},"values":{}}"#.utf8), status: 400, message: "field parameters.dry_run must be a boolean"),
        HostileCase(name: "unknown action", body: Array(#"{"chart_id":"x","action":"explode","parameters":{},"values":{}}"#.utf8), status: 400, message: "Unknown action 'explode': use upgrade or rollback"),
        HostileCase(name: "a signed body over the gateway's 12 MB", body: [UInt8](repeating: 0x20, count: (12 << 20) + 1), status: 413, message: "Request entity too large"),
        HostileCase(name: "name with an encoded slash", method: "GET", path: testwwwPath.replacingOccurrences(of: "testwww", with: "a%2Fb"), body: [], status: 404, message: "not found"),
        HostileCase(name: "name of dots", method: "GET", path: testwwwPath.replacingOccurrences(of: "testwww", with: ".."), body: [], status: 404, message: "not found"),
        HostileCase(name: "name with NUL", method: "GET", path: testwwwPath.replacingOccurrences(of: "testwww", with: "a%00b"), body: [], status: 404, message: "not found"),
        HostileCase(name: "name of 10,000 characters", method: "GET", path: testwwwPath.replacingOccurrences(of: "testwww", with: String(repeating: "n", count: 10_000)), body: [], status: 404, message: "not found"),
        HostileCase(name: "unknown path", method: "GET", path: "/autopilot/cam/v3/nothing", body: [], status: 404, message: "The API does not exist or has not been published"),
    ]
}

@Suite struct HostileInputTests {
    @Test(arguments: HostileCase.all)
    func hostileRequestsGetAHuaweiStyle4xx(_ hostile: HostileCase) async throws {
        try await withEmulator { _, emulator in
            let url = try #require(emulator.url)
            var request = RawRequest(method: hostile.method, path: hostile.path, body: hostile.body)
            request.sign(accessKey: EmulatorCredentials.localAccessKey, secretKey: EmulatorCredentials.localSecretKey, url: url)
            let answer = try await request.send(to: url)
            #expect(answer.status == hostile.status, "\(hostile.name): \(answer.body.prefix(300))")
            let body = try JSONValue.parse(answer.body)
            #expect(body["error_code"]?.scalarText?.isEmpty == false)
            #expect(body["error_msg"]?.scalarText?.contains(hostile.message) == true, "\(answer.body.prefix(300))")
            #expect(answer.headers["x-request-id"]?.count == 32)
        }
    }

    @Test func everyAnswerHasARequestID() async throws {
        try await withEmulator { _, emulator in
            let url = try #require(emulator.url)
            var request = RawRequest(method: "GET", path: "/autopilot/v2/charts")
            request.sign(accessKey: EmulatorCredentials.localAccessKey, secretKey: EmulatorCredentials.localSecretKey, url: url)
            let answer = try await request.send(to: url)
            #expect(answer.status == 200)
            #expect(answer.headers["x-request-id"]?.count == 32)
            #expect(answer.body.hasPrefix("["), "lists are bare arrays")
        }
    }
}
