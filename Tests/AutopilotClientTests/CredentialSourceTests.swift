import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Synchronization
import Testing

/// Temporary credentials, IAM tokens and the project lookup, against the emulator's own IAM,
/// metadata and pod identity endpoints.
@Suite struct CredentialSourceTests {
    /// The emulator's IAM, reached as a region's IAM would be.
    static func region(at url: URL) -> Region {
        try! Region(id: "cn-north-4", endpoint: Endpoint(url: url), environment: ["HUAWEICLOUD_SDK_IAM_ENDPOINT": url.absoluteString])
    }

    @Test func metadataCredentialsWithTheProjectLookedUpInIAMWork() async throws {
        try await withEmulator(client: { configuration in
            let url = configuration.endpoint.url
            configuration.credentials = .none
            configuration.fetcher = MetadataService(endpoint: url)
            configuration.projectLookup = ProjectLookup(region: Self.region(at: url))
        }) { client, _ in
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.name == "testwww")
            let (credentials, expires, _) = try await client.currentCredentials()
            #expect(credentials.accessKeyID?.hasPrefix("TEMP") == true)
            #expect(credentials.projectID == EmulatorCredentials.localProjectID)
            #expect(expires != nil)
            // The quotas call needs the project id, which only the lookup gave.
            _ = try await client.chartQuotas()
        }
    }

    @Test func credentialsRevokedMidRunAreFetchedAgainOnceAndTheCallSucceeds() async throws {
        try await withEmulator(client: { configuration in
            configuration.credentials = .none.withProject(EmulatorCredentials.localProjectID)
            configuration.fetcher = MetadataService(endpoint: configuration.endpoint.url)
        }) { client, emulator in
            let version = try await client.release("testwww", in: "monitoring", cluster: demoCluster).version
            let before = try await client.currentCredentials().credentials.accessKeyID
            emulator.identity.expireAll()
            // A change: the gateway's 401 means it was not applied, so it is sent again once.
            let upgraded = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v9"))
            #expect(upgraded.version == version + 1)
            #expect(try await client.currentCredentials().credentials.accessKeyID != before)
            #expect(emulator.store.changeCounts()["\(demoCluster)/monitoring/testwww"] == 1)
        }
    }

    @Test func credentialsAreFetchedAgainBeforeTheyExpire() async throws {
        let offset = Mutex<TimeInterval>(0)
        let clock: @Sendable () -> Date = { Date().addingTimeInterval(offset.withLock { $0 }) }
        try await withEmulator(configure: { $0.now = clock }, client: { configuration in
            configuration.now = clock
            configuration.credentials = .none.withProject(EmulatorCredentials.localProjectID)
            configuration.fetcher = MetadataService(endpoint: configuration.endpoint.url)
        }) { client, _ in
            _ = try await client.releases(in: demoCluster)
            let first = try await client.currentCredentials()
            // 35 minutes later (of 60), less than the SDKs' 40-minute margin is left: a new key first.
            offset.withLock { $0 = 35 * 60 }
            _ = try await client.releases(in: demoCluster)
            let second = try await client.currentCredentials()
            #expect(second.credentials.accessKeyID != first.credentials.accessKeyID)
            #expect(second.expires! > first.expires!)
        }
    }

    @Test func aHostWithoutAnAgencySaysSo() async throws {
        try await withEmulator(configure: { $0.credentials.metadataHasAgency = false }, client: { configuration in
            configuration.fetcher = MetadataService(endpoint: configuration.endpoint.url)
        }) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            #expect(error?.description.contains("this ECS host has no agency") == true)
        }
    }

    @Test func podIdentityPostsThePodsToken() async throws {
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("pod-token-\(UUID().uuidString)")
        try "\(EmulatorCredentials.localPodToken)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        try await withEmulator(client: { configuration in
            configuration.credentials = .none.withProject(EmulatorCredentials.localProjectID)
            let uri = configuration.endpoint.url.appendingPathComponent("pod-identity/v1/credentials")
            let pod = try! PodIdentity.fromEnvironment([
                "HC_CONTAINER_CREDENTIALS_FULL_URI": uri.absoluteString, "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
            ])!
            // The metadata service is not there (a closed port), so the chain goes on to pod identity.
            configuration.fetcher = FirstAnswering([MetadataService(endpoint: URL(string: "http://127.0.0.1:9")!), pod])
        }) { client, _ in
            _ = try await client.releases(in: demoCluster)
            #expect(try await client.currentCredentials().credentials.accessKeyID?.hasPrefix("TEMP") == true)
        }
        #expect(throws: CredentialProblem.self) { try PodIdentity.fromEnvironment(["HC_CONTAINER_CREDENTIALS_FULL_URI": "http://x"]) }
    }

    @Test func anIAMUserTokenAndAnAgencyTokenWork() async throws {
        for agency in [nil, IAMToken.Agency(name: EmulatorCredentials.localAgency, domain: EmulatorCredentials.localDomain)] {
            try await withEmulator(client: { configuration in
                configuration.credentials = .none
                let user = IAMToken.User(
                    name: EmulatorCredentials.localUser, domain: EmulatorCredentials.localDomain,
                    password: Secret(EmulatorCredentials.localPassword))
                configuration.fetcher = IAMToken(region: Self.region(at: configuration.endpoint.url), user: user, agency: agency)
            }) { client, _ in
                _ = try await client.releases(in: demoCluster)
                let (credentials, expires, _) = try await client.currentCredentials()
                guard case .token(_, let project) = credentials else {
                    Issue.record("not a token: \(credentials)")
                    return
                }
                #expect(project == EmulatorCredentials.localProjectID)
                #expect(expires!.timeIntervalSinceNow > 23 * 3600)
            }
        }
    }

    @Test func aWrongPasswordIsIAMsAnswerWithoutThePassword() async throws {
        try await withEmulator(client: { configuration in
            let user = IAMToken.User(name: EmulatorCredentials.localUser, domain: EmulatorCredentials.localDomain, password: "not-it-42")
            configuration.fetcher = IAMToken(region: Self.region(at: configuration.endpoint.url), user: user)
        }) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            #expect(error?.description.contains("HTTP 401 IAM.0002: IAM token at") == true)
            #expect(error?.description.contains("not-it-42") == false)
        }
    }

    @Test func aRegionWithNoProjectIsAnErrorQuotingTheTraceID() async throws {
        try await withEmulator(client: { configuration in
            configuration.credentials = configuration.credentials.withoutProject
            let url = configuration.endpoint.url
            configuration.projectLookup = ProjectLookup(
                region: try! Region(id: "ap-southeast-1", endpoint: Endpoint(url: url), environment: ["HUAWEICLOUD_SDK_IAM_ENDPOINT": url.absoluteString]))
        }) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            #expect(error?.description.contains("IAM has no project named ap-southeast-1 for this key (X-IAM-Trace-Id ") == true)
            #expect(error?.description.contains("set the project id") == true)
        }
    }

    @Test func aWrongProjectIDIsRefusedWithAHint() async throws {
        try await withEmulator(client: { configuration in
            configuration.credentials = configuration.credentials.withoutProject.withProject("ffffffffffffffffffffffffffffffff")
        }) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            #expect(error?.httpStatus == 401)
            #expect(error?.description.contains("the project id is not one of these credentials' projects") == true)
        }
    }

    @Test func aClockTwentyMinutesBehindIsNamedInTheError() async throws {
        try await withEmulator(client: { configuration in
            configuration.now = { Date().addingTimeInterval(-20 * 60) }
        }) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            #expect(error?.description.contains("the local clock is 20 minutes behind the server's") == true)
        }
    }

    @Test func anAccessKeyIsLockedAfterRepeatedBadSignatures() async throws {
        try await withEmulator(configure: { $0.credentials.lockoutAfter = 3 }, client: { configuration in
            configuration.credentials = .accessKey(
                AccessKey(id: EmulatorCredentials.localAccessKey, secret: "wrong-secret", projectID: EmulatorCredentials.localProjectID))
            configuration.retry = .never
        }) { client, emulator in
            for _ in 0..<3 { _ = try? await client.releases(in: demoCluster) }
            var right = emulator.clientConfiguration!
            right.retry = .never
            try await AutopilotClient.with(right) { good in
                let error = await #expect(throws: AutopilotError.self) { try await good.releases(in: demoCluster) }
                #expect(error?.description.contains("is locked for 5 minutes after 3 failed signature checks") == true)
            }
        }
    }

    @Test func huaweisCredentialsFileIsReadFromItsBasicSection() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)")
        let file = home.appendingPathComponent(".huaweicloud/credentials")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "[basic]\nak = FILEAK0000000001\nsk = file-secret\nproject_id = p-file\n\n[global]\nak = other\n".write(
            to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let (found, _) = try #require(try CredentialsFile.read(environment: ["HOME": home.path]))
        #expect(found.credentials.accessKeyID == "FILEAK0000000001" && found.credentials.projectID == "p-file")
        #expect(found.source == "Huawei's credentials file \(file.path) [basic]")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect(throws: CredentialProblem.self) { try CredentialsFile.read(environment: ["HOME": home.path]) }
        #expect(try CredentialsFile.read(environment: ["HOME": "/nonexistent"]) == nil)
    }
}

extension Credentials {
    /// The same AK/SK without a project id, for tests of the lookup.
    var withoutProject: Credentials {
        guard case .accessKey(let key) = self else { return self }
        return .accessKey(AccessKey(id: key.id, secret: key.secret, securityToken: key.securityToken))
    }
}
