import AsyncHTTPClient
import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// A request signed as the SDK signs it, then changed in one way, sent over the wire.
struct Tampering: Sendable, CustomTestStringConvertible {
    var name: String
    var expectedStatus: Int
    var accessKey = EmulatorCredentials.localAccessKey
    var secretKey = EmulatorCredentials.localSecretKey
    var dateOffset: TimeInterval = 0
    var change: @Sendable (inout SentRequest) -> Void = { _ in }

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
        Tampering(name: "body changed", expectedStatus: 401) { $0.body = $0.body.replacingOccurrences(of: "v9", with: "v8") },
        Tampering(name: "signature changed", expectedStatus: 401) {
            $0.headers["Authorization"] = $0.headers["Authorization"]!.replacingOccurrences(of: "Signature=", with: "Signature=0")
        },
        Tampering(name: "no Authorization", expectedStatus: 401) { $0.headers["Authorization"] = nil },
        Tampering(name: "garbled Authorization", expectedStatus: 401) { $0.headers["Authorization"] = "Basic dXNlcg==" },
        Tampering(name: "unsigned header added", expectedStatus: 200) { $0.headers["X-Extra"] = "fine" },
    ]
}

/// The parts of a request as sent.
struct SentRequest: Sendable {
    var method = "PUT"
    var path = "/autopilot/cam/v3/clusters/\(DemoData.demoClusterID)/namespace/monitoring/releases/testwww"
    var query = "show_resources=true"
    var headers: [String: String] = ["Content-Type": "application/json", "X-Project-Id": EmulatorCredentials.localProjectID]
    var body = #"{"action":"upgrade","chart_id":"af4b699e-018c-11ec-b8b0-0255ac100b05","parameters":{"dry_run":true},"values":{"imageTag":"v9"}}"#
}

@Suite struct SignatureCheckTests {
    @Test(arguments: Tampering.all)
    func emulatorRefusesTamperedRequests(_ tampering: Tampering) async throws {
        try await withEmulator { _, emulator in
            let url = try #require(emulator.url)
            var request = SentRequest()
            let signer = Signer(accessKey: tampering.accessKey, secretKey: Secret(tampering.secretKey))
            let parts = signer.sign(
                SignableRequest(
                    method: request.method, path: request.path, query: [("show_resources", "true")],
                    headers: request.headers.map { ($0.key, $0.value) }, body: Array(request.body.utf8)),
                host: "\(url.host!):\(url.port!)", date: Date().addingTimeInterval(tampering.dateOffset))
            for (name, value) in parts.addedHeaders where name != "Host" { request.headers[name] = value }
            request.headers["Authorization"] = parts.authorization
            tampering.change(&request)
            let (status, body) = try await send(request, to: url)
            #expect(status == tampering.expectedStatus, "\(tampering.name): \(body)")
            if tampering.expectedStatus == 401 {
                #expect(body.contains(#""error_code":"APIGW.0301""#))
            }
        }
    }

    @Test(arguments: [(EmulatorCredentials.localToken, 200), ("stolen-token", 401)])
    func tokensAreChecked(token: String, status: Int) async throws {
        try await withEmulator { _, emulator in
            var request = SentRequest()
            request.method = "GET"
            request.body = ""
            request.headers["X-Auth-Token"] = token
            let (answer, _) = try await send(request, to: try #require(emulator.url))
            #expect(answer == status)
        }
    }

    private func send(_ sent: SentRequest, to url: URL) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: "\(url.absoluteString)\(sent.path)?\(sent.query)")
        request.method = .RAW(value: sent.method)
        for (name, value) in sent.headers { request.headers.add(name: name, value: value) }
        if !sent.body.isEmpty { request.body = .bytes(ByteBuffer(string: sent.body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
