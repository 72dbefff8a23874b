@testable import AutopilotClient
import Foundation
import Testing

/// Runs `body` with a client for a scripted server.
func withScriptedServer<T: Sendable>(
    _ answers: [ScriptedServer.Answer], readTimeout: Duration = .seconds(10),
    retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50), deadline: .seconds(10)),
    _ body: (AutopilotClient, ScriptedServer) async throws -> T
) async throws -> T {
    let server = ScriptedServer(answers)
    let url = try await server.start()
    var configuration = AutopilotConfiguration(
        endpoint: Endpoint(url: url), credentials: .accessKey(AccessKey(id: "AK", secret: "SK", projectID: "p1")))
    configuration.retry = retry
    configuration.readTimeout = readTimeout
    defer { Task { await server.stop() } }
    return try await AutopilotClient.with(configuration) { try await body($0, server) }
}

let releaseJSON = #"{"name":"r1","namespace":"n1","version":2,"status":"DEPLOYED","values":"{\"imageTag\":\"v2\"}"}"#

@Suite struct ErrorShapeTests {
    @Test(arguments: [
        (404, #"{"error_code":"CCE.01404001","error_msg":"Release not found"}"#,
         "HTTP 404 CCE.01404001: Release not found (request id req-1)"),
        (400, #"{"errorCode":"CCE.01400002","errorMessage":"Bad value"}"#,
         "HTTP 400 CCE.01400002: Bad value (request id req-1)"),
        (403, #"{"code":"IAM.0003","message":"Forbidden here"}"#,
         "HTTP 403 IAM.0003: Forbidden here (request id req-1)"),
        (404, #"{"error":{"code":"APIGW.0101","message":"The API does not exist"}}"#,
         "HTTP 404 APIGW.0101: The API does not exist (request id req-1); the gateway has no such API at this endpoint: check the region or --endpoint (CCE Autopilot is not offered everywhere)"),
        (401, #"{"error":{"error_code":"APIGW.0301","error_msg":"Bad signature"}}"#,
         "HTTP 401 APIGW.0301: Bad signature (request id req-1); the gateway refused the credentials: check that the AK and SK belong together and are active (rollout doctor shows which are used)"),
        (502, "<html>Bad Gateway</html>",
         "HTTP 502 -: body is not JSON (HTTP 502 bad gateway): <html>Bad Gateway</html> (request id req-1)"),
        (500, "", "HTTP 500 -: empty body (HTTP 500 internal server error) (request id req-1)"),
        (400, "[1,2]", "HTTP 400 -: body is not a JSON object (HTTP 400 bad request): [1,2] (request id req-1)"),
    ])
    func errorBodiesOfEveryShape(status: Int, body: String, printed: String) async throws {
        // A read, tried once: a change answered with a 5xx is read back (`changesAreRetriedOn503ButNotOn502`).
        try await withScriptedServer([.init(status: status, body: body)], retry: .never) { client, _ in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.release("r1", in: "n1", cluster: "c1")
            }
            #expect(error?.kind == .api)
            #expect(error?.httpStatus == status)
            #expect(error?.description == printed)
        }
    }

    @Test(arguments: [
        ("APIG.0301", "verify aksk signature fail", "the gateway refused the credentials"),
        ("APIGW.0301", "Incorrect IAM authentication information: token expires", "the credentials have expired"),
        ("APIG.0301", "the project id in X-Project-Id (x) is not a project of this account", "the project id is not one of these credentials' projects"),
        ("APIG.0101", "The API does not exist or has not been published in the environment", "the gateway has no such API at this endpoint"),
        ("APIG.0201", "Request entity too large", "the gateway refused the request as malformed or too large"),
        ("APIG.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:50,time:1 minute", "the account's request limit was reached"),
        ("CCE.01400001", "Bad request", nil),
    ])
    func gatewayCodesGetOnePlainSentence(code: String, message: String, sentence: String?) {
        let hint = GatewayHint.hint(code: code, message: message, clockOffset: nil)
        if let sentence { #expect(hint?.hasPrefix(sentence) == true, "\(hint ?? "none")") } else { #expect(hint == nil) }
    }

    @Test func anExpiredSignatureSaysHowFarTheClockIsOff() throws {
        let now = try Date("2026-12-02T06:00:00Z", strategy: .iso8601)
        let offset = try #require(GatewayHint.clockOffset(dateHeader: "Wed, 02 Dec 2026 06:20:00 GMT", now: now))
        #expect(offset == 20 * 60)
        let hint = GatewayHint.hint(code: "APIG.0301", message: "calc ak sk signature fail:signature expired", clockOffset: offset)
        #expect(hint?.hasPrefix("the local clock is 20 minutes behind the server's") == true)
        #expect(GatewayHint.clockSentence(-90).hasPrefix("the local clock is 2 minutes ahead of the server's"))
    }

    @Test func refusedConnectionSaysSo() async throws {
        var configuration = AutopilotConfiguration(endpoint: Endpoint(string: "http://127.0.0.1:1")!, credentials: .none)
        configuration.retry = .never
        configuration.connectTimeout = .seconds(1)
        try await AutopilotClient.with(configuration) { client in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.release("r1", in: "n1", cluster: "c1")
            }
            #expect(error?.kind == .transport)
            #expect(error?.transportFailure?.cause == .connectionRefused)
            #expect(error?.description.hasPrefix("connection refused (127.0.0.1:1)") == true)
        }
    }

    @Test func garbledSuccessBodyIsAnInvalidResponse() async throws {
        try await withScriptedServer([.init(status: 200, body: #"{"name": 7}"#)]) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.release("r1", in: "n1", cluster: "c1") }
            #expect(error?.kind == .invalidResponse)
            #expect(error?.description.contains("field name must be a string") == true)
            #expect(error?.requestID == "req-1")
        }
    }

    @Test func secretsNeverShowInDescriptions() {
        let key = AccessKey(id: "HPUAEXAMPLEAK0000001", secret: "topsecret-sk", projectID: "p1", securityToken: "sts-token")
        let credentials = Credentials.accessKey(key)
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, String(reflecting: credentials), dumped, "\(key)"] {
            #expect(!text.contains("topsecret-sk"))
            #expect(!text.contains("sts-token"))
            #expect(!text.contains("HPUAEXAMPLEAK0000001"))
        }
        #expect(credentials.description == "AK HPUA************0001, project p1, temporary")
        #expect(Credentials.token("tok-123", projectID: nil).description == "token <redacted>")
        let signer = Signer(accessKey: key.id, secretKey: key.secret)
        var signerDump = ""
        dump(signer, to: &signerDump)
        for text in ["\(signer)", String(reflecting: signer), signerDump] {
            #expect(!text.contains("topsecret-sk"))
            #expect(!text.contains("hmacKey"))
        }
    }

    @Test func credentialsComeFromTheEnvironmentOneFamilyAtATime() throws {
        let env = ["CLOUD_SDK_AK": "ak", "CLOUD_SDK_SK": "sk", "CLOUD_SDK_PROJECT_ID": "p", "CLOUD_SDK_SECURITY_TOKEN": "t"]
        let found = try #require(try Credentials.fromEnvironment(env))
        guard case .accessKey(let key) = found.credentials else {
            Issue.record("no key")
            return
        }
        #expect(key.id == "ak" && key.secret.value == "sk" && key.projectID == "p" && key.securityToken?.value == "t")
        #expect(found.source == "the environment (CLOUD_SDK_AK, CLOUD_SDK_SK)")
        let token = try #require(try Credentials.fromEnvironment(["HUAWEICLOUD_SDK_TOKEN": "x", "HUAWEICLOUD_SDK_PROJECT_ID": "p2"]))
        guard case .token(let secret, "p2") = token.credentials else {
            Issue.record("no token")
            return
        }
        #expect(secret.value == "x")
        #expect(try Credentials.fromEnvironment([:]) == nil)
        // The SDK's own family, with its project, wins over the samples' when both name the same key.
        let both = try #require(
            try Credentials.fromEnvironment([
                "HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk", "HUAWEICLOUD_SDK_PROJECT_ID": "hp", "CLOUD_SDK_AK": "ak",
                "CLOUD_SDK_SK": "sk",
            ]))
        #expect(both.credentials.projectID == "hp")
    }

    @Test(arguments: [
        (["CLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk"], "HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not (CLOUD_SDK_AK is set, but a key pair must come from one family of variables)"),
        (["HUAWEICLOUD_SDK_SK": "sk"], "HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not"),
        (["CLOUD_SDK_AK": "a1", "CLOUD_SDK_SK": "s", "HUAWEICLOUD_SDK_AK": "a2", "HUAWEICLOUD_SDK_SK": "s"], "both HUAWEICLOUD_SDK_AK and CLOUD_SDK_AK are set, to different keys; unset one of them"),
    ])
    func aKeyPairSplitAcrossFamiliesIsRefused(environment: [String: String], message: String) {
        #expect(throws: CredentialProblem.self) { try Credentials.fromEnvironment(environment) }
        do {
            _ = try Credentials.fromEnvironment(environment)
        } catch {
            #expect(error.message == message)
            #expect(!error.message.contains("=sk"))
        }
    }

    @Test(arguments: [
        ("cn-north-4", "https://cce.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com"),
        ("eu-west-101", "https://cce.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu"),
        ("cn-south-4", "https://cce.cn-south-4.myhuaweicloud.com", "https://iam.myhuaweicloud.com"),
    ])
    func regionsHaveTheSDKsEndpoints(region: String, cce: String, iam: String) throws {
        let known = try Region(region, environment: [:])
        #expect(known.endpoint.url.absoluteString == cce)
        #expect(known.iam.url.absoluteString == iam)
    }

    @Test func regionsAreCheckedAndOverriddenAsTheSDKsDo() throws {
        #expect(Region.known.count == 33)
        #expect(throws: RegionProblem.self) { try Region("cn-nort-4", environment: [:]) }
        do { _ = try Region("cn-nort-4", environment: [:]) } catch {
            #expect(error.message.hasPrefix("unknown region 'cn-nort-4'; did you mean 'cn-north-4'?"))
        }
        let overridden = try Region(
            "xx-private-1",
            environment: ["HUAWEICLOUD_SDK_REGION_CCE_XX_PRIVATE_1": "https://cce.private.example,https://b.example",
                          "HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://iam.private.example"])
        #expect(overridden.endpoint.url.absoluteString == "https://cce.private.example")
        #expect(overridden.iam.url.absoluteString == "https://iam.private.example")
    }
}

@Suite struct RetryTests {
    @Test func readsAreRetriedOn503And429() async throws {
        let answers: [ScriptedServer.Answer] = [
            .init(status: 503, body: "{}"), .init(status: 429, body: "{}", headers: ["Retry-After": "0"]),
            .init(status: 200, body: releaseJSON),
        ]
        try await withScriptedServer(answers) { client, server in
            let release = try await client.release("r1", in: "n1", cluster: "c1")
            #expect(release.imageTag == "v2")
            #expect(server.count("GET") == 3)
        }
    }

    @Test func readsAreRetriedOnAny5xx() async throws {
        try await withScriptedServer([.init(status: 500, body: "{}"), .init(status: 200, body: releaseJSON)]) { client, server in
            _ = try await client.release("r1", in: "n1", cluster: "c1")
            #expect(server.count("GET") == 2)
        }
    }

    @Test func changesAreRetriedOn503ButNotOn502() async throws {
        try await withScriptedServer([.init(status: 503, body: "{}"), .init(status: 200, body: releaseJSON)]) { client, server in
            _ = try await client.upgrade(release: "r1", in: "n1", cluster: "c1", chart: "x")
            #expect(server.count("PUT") == 2)
        }
        try await withScriptedServer([.init(status: 502, body: "{}"), .init(status: 200, body: releaseJSON)]) { client, server in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.upgrade(release: "r1", in: "n1", cluster: "c1", chart: "x")
            }
            #expect(error?.httpStatus == 502)
            #expect(error?.kind == .outcomeUnknown, "a 502 may have been applied: it is read back, not sent again")
            #expect(error?.readBack?.name == "r1")
            #expect(server.count("PUT") == 1)
        }
    }

    @Test func aChangeThatTimesOutIsReadBackNotResent() async throws {
        let answers: [ScriptedServer.Answer] = [
            .init(status: 200, body: releaseJSON, delay: .seconds(5)), .init(status: 200, body: releaseJSON),
        ]
        // The read timeout has room for the quick read-back under a loaded machine.
        try await withScriptedServer(answers, readTimeout: .seconds(2)) { client, server in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.upgrade(release: "r1", in: "n1", cluster: "c1", chart: "x")
            }
            #expect(error?.kind == .outcomeUnknown)
            #expect(error?.transportFailure?.cause == .readTimeout)
            #expect(error?.readBack?.version == 2)
            #expect(server.count("PUT") == 1)
            #expect(server.count("GET") == 1)
        }
    }

    @Test func cancellationStopsACallPromptly() async throws {
        try await withScriptedServer([.init(status: 200, body: releaseJSON, delay: .seconds(20))]) { client, server in
            let start = ContinuousClock.now
            let task = Task { try await client.release("r1", in: "n1", cluster: "c1") }
            // Cancelled while the server holds the answer back.
            while server.count("GET") == 0, ContinuousClock.now - start < .seconds(5) { try await Task.sleep(for: .milliseconds(10)) }
            let cancelled = ContinuousClock.now
            task.cancel()
            let result = await task.result
            // Well before the 20 s the server holds its answer, however loaded the machine.
            #expect(ContinuousClock.now - cancelled < .seconds(10))
            guard case .failure(let error as AutopilotError) = result else {
                Issue.record("expected an AutopilotError, got \(result)")
                return
            }
            #expect(error.kind == .cancelled)
        }
    }
}
