import AutopilotTesting
@testable import AutopilotClient
import Foundation
import Testing

/// Runs `body` with a client of a hostile server whose every answer follows `steps`, with short
/// limits so a test of a limit ends soon.
private func withHostileServer<T: Sendable>(
    tryLimit: Duration = .seconds(10), callLimit: Duration = .seconds(20), answerLimit: Int = 32 << 20,
    _ steps: @escaping @Sendable (Int) -> [HostileServer.Step],
    _ body: (AutopilotClient, HostileServer) async throws -> T
) async throws -> T {
    let server = try await HostileServer(steps)
    var configuration = AutopilotConfiguration(
        endpoint: Endpoint(url: server.url), credentials: .accessKey(AccessKey(id: "AK", secret: "SK", projectID: "p1")))
    configuration.retry = RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50), deadline: callLimit)
    configuration.requestTimeout = tryLimit
    configuration.answerLimit = answerLimit
    defer { Task { await server.stop() } }
    return try await AutopilotClient.with(configuration) { try await body($0, server) }
}

/// The error a list of releases ends with against a hostile server.
private func listError(
    tryLimit: Duration = .seconds(10), callLimit: Duration = .seconds(20), answerLimit: Int = 32 << 20,
    _ steps: @escaping @Sendable (Int) -> [HostileServer.Step]
) async throws -> AutopilotError? {
    try await withHostileServer(tryLimit: tryLimit, callLimit: callLimit, answerLimit: answerLimit, steps) { client, _ in
        await #expect(throws: AutopilotError.self) { try await client.releases(in: "c1") }
    }
}

private let jsonHead = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

@Suite struct HostileAnswerTests {
    @Test func aBodyThatTricklesIsCutOffAtTheTrysLimit() async throws {
        let error = try await listError(tryLimit: .seconds(1)) { _ in
            [.text(jsonHead + "Content-Length: 100000\r\n\r\n["), .trickle(byte: 32, count: 100_000, every: .milliseconds(50))]
        }
        #expect(error?.transportFailure?.cause == .deadlineExceeded)
    }

    @Test func theCallsLimitHoldsOverEveryTryAndWait() async throws {
        // A try could go on for a minute; the call may not.
        let error = try await listError(tryLimit: .seconds(60), callLimit: .milliseconds(800)) { _ in
            [.text(jsonHead + "Content-Length: 100000\r\n\r\n["), .trickle(byte: 32, count: 100_000, every: .milliseconds(50))]
        }
        #expect(error?.transportFailure?.cause == .deadlineExceeded)
        #expect(error?.description.contains("deadline exceeded") == true)
    }

    @Test func aChunkedFloodIsRefusedAtTheCap() async throws {
        let error = try await listError(answerLimit: 1 << 20) { _ in
            [.text(jsonHead + "Transfer-Encoding: chunked\r\n\r\n"), .chunks(count: 64, size: 64 << 10)]
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains("longer than 1 MiB") == true)
    }

    @Test func aLengthOverTheCapIsRefusedBeforeReading() async throws {
        let error = try await listError(answerLimit: 1 << 20) { _ in
            [.text(jsonHead + "Content-Length: 1000000000\r\n\r\n["), .trickle(byte: 32, count: 100_000, every: .milliseconds(50))]
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains("longer than 1 MiB") == true)
    }

    @Test(arguments: [
        ("<html><body>Service Unavailable</body></html>", "text/html"),
        (#"[{"name":"r1","namespace":"n1","vers"#, "application/json"),
        (#"{"unexpected":"shape"}"#, "application/json"),
        (#"[]"#, "text/plain"),
    ])
    func aGarbledSuccessIsAnInvalidResponse(body: String, contentType: String) async throws {
        let error = try await listError { _ in [.answer(status: 200, headers: [("Content-Type", contentType)], body: body)] }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains("ListAutopilotReleases") == true)
    }

    @Test func aRedirectIsNotFollowed() async throws {
        let error = try await withHostileServer({ _ in
            [.answer(status: 302, headers: [("Location", "http://elsewhere.invalid/steal")], body: "")]
        }) { client, server in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: "c1") }
            #expect(server.requests == 1)
            return error
        }
        #expect(error?.description == "HTTP 302 invalid response: unexpected redirect to http://elsewhere.invalid/steal")
    }
}

/// Credential services that answer without credentials are not said to be silent.
@Suite struct CredentialServiceAnswerTests {
    @Test func aMetadataServiceThatRefusesIsNamedAsHavingAnswered() async throws {
        let metadata = try await HostileServer { _ in [.answer(status: 403, headers: [("Content-Type", "text/plain")], body: "resolve_deny: denied destination")] }
        defer { Task { await metadata.stop() } }
        // The server answers at once; the long limit only keeps a loaded machine from turning its answer into silence.
        let services = FirstAnswering([MetadataService(endpoint: metadata.url, timeout: .seconds(30))])
        let error = await #expect(throws: AutopilotError.self) { try await services.fetch() }
        #expect(error?.message.hasPrefix("no credential service gave credentials: ") == true, "\(String(describing: error))")
        #expect(error?.description.contains("403") == true)
        // Nothing listens on the discard port; a refused connection is tried again until the time is up.
        let silent = FirstAnswering([MetadataService(endpoint: URL(string: "http://127.0.0.1:9")!, timeout: .milliseconds(500))])
        let none = await #expect(throws: AutopilotError.self) { try await silent.fetch() }
        #expect(none?.message.hasPrefix("no credential service answered: ") == true, "\(String(describing: none))")
    }
}

/// IAM answers that are not IAM's: a captive portal's HTML, JSON cut short.
@Suite struct HostileIAMTests {
    @Test(arguments: [
        ("<html><body>Please sign in to the hotel wifi</body></html>", "text/html", "not JSON: <html>"),
        (#"{"projects":[{"id":"0123"#, "application/json", "not JSON: {\"projects\""),
        (#"{"links":{}}"#, "application/json", "JSON of another shape"),
    ])
    func aProjectAnswerThatIsNotIAMsSaysWhatCameBack(body: String, type: String, shown: String) async throws {
        let iam = try await HostileServer { _ in [.answer(status: 200, headers: [("Content-Type", type)], body: body)] }
        defer { Task { await iam.stop() } }
        let region = try Region(id: "cn-north-4", endpoint: Endpoint(url: iam.url), environment: ["HUAWEICLOUD_SDK_IAM_ENDPOINT": iam.url.absoluteString])
        let error = await #expect(throws: AutopilotError.self) {
            try await ProjectLookup(region: region).projectID(for: AccessKey(id: "HOSTILEIAMAK\(body.count)", secret: "SK"))
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains("the answer is not IAM's list of projects (HTTP 200, \(type))") == true, "\(String(describing: error))")
        #expect(error?.description.contains(shown) == true, "\(String(describing: error))")
        #expect(error?.description.contains("has no project named") == false)
    }
}
