import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// `rollout` against the emulator as a user of the real cloud meets it: a region whose endpoint and
/// IAM the SDKs' variables point at the emulator, Huawei's credentials file, a real proxy, real TLS,
/// and the credential services.
@Suite(.enabled(if: LoopbackProxy.isAvailable, "needs .venv/bin/proxy (scripts/test makes the venv)"))
struct CloudTargetTests {
    /// The variables that make region cn-north-4 the emulator: CCE's endpoint and IAM's.
    static func region(at url: URL) -> [String: String] {
        [
            "HUAWEICLOUD_SDK_REGION_CCE_CN_NORTH_4": url.absoluteString, "HUAWEICLOUD_SDK_IAM_ENDPOINT": url.absoluteString,
            "HUAWEICLOUD_SDK_REGION_AOM_CN_NORTH_4": url.absoluteString,
        ]
    }

    @Test func withOnlyHuaweisCredentialsFileAndARegionBehindAProxyDoctorAndAScriptWork() async throws {
        let proxy = try LoopbackProxy()
        defer { proxy.stop() }
        let certificate = try TestCertificate()
        try await withEmulator(configure: {
            $0.tls = EmulatorTLS(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
        }) { _, emulator in
            let rollout = try RolloutProcess()
            let folder = rollout.home.appendingPathComponent(".huaweicloud")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("credentials").path
            try "[basic]\nak = \(EmulatorCredentials.localAccessKey)\nsk = \(EmulatorCredentials.localSecretKey)\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            let environment = Self.region(at: emulator.url!).merging(["HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": certificate.certificateFile]) { $1 }

            let doctor = try await rollout.run(["doctor", "--region", "cn-north-4"], extraEnvironment: environment)
            #expect(doctor.code == 0, "\(doctor.all)")
            for line in [
                "✔ credentials AK ROLL************K001", "from Huawei's credentials file \(file) [basic]",
                "✔ project     \(EmulatorCredentials.localProjectID) (looked up in IAM at \(emulator.url!.absoluteString))",
                "✔ proxy       through http://\(proxy.user):***@127.0.0.1:\(proxy.port)", "✔ TLS         trusting the CA file",
                "✔ clock       within", "✔ read        a signed call was accepted",
                // The emulator's AOM API checks the signature, and has no Prometheus behind it here.
                "! aom         AOM at \(emulator.url!.absoluteString) refused the query: unavailable: the emulator has no Prometheus behind its AOM API",
            ] {
                #expect(doctor.out.contains(line), "\(line)\n\(doctor.all)")
            }
            #expect(!doctor.all.contains(proxy.password) && !doctor.all.contains(EmulatorCredentials.localSecretKey))

            let run = try await rollout.run(
                ["--region", "cn-north-4", "--yes", "-v", "-c", "use cluster \(DemoData.demoClusterID); set tag v5; upgrade testwww in monitoring; wait deployed"],
                extraEnvironment: environment)
            #expect(run.code == 0, "\(run.all)")
            #expect(run.err.contains("→ credentials: AK ROLL************K001"))
            #expect(!run.all.contains(proxy.password) && !run.all.contains(EmulatorCredentials.localSecretKey))
            #expect(emulator.store.changeCounts()["\(DemoData.demoClusterID)/monitoring/testwww"] == 1)
        }
        #expect(proxy.tunnels(waitingFor: 1).allSatisfy { $0.hasPrefix("127.0.0.1:") })
    }

    @Test func metadataCredentialsThatExpireDuringAWaitAreFetchedAgain() async throws {
        // Keys that outlast a start on a loaded machine, and a wait that outlasts several of them.
        try await withEmulator(deployTime: 8, configure: { $0.credentials.temporaryLifetime = 3 }) { _, emulator in
            let rollout = try RolloutProcess()
            var environment = Self.region(at: emulator.url!)
            environment["ROLLOUT_METADATA_ENDPOINT"] = emulator.url!.absoluteString
            let result = try await rollout.run(
                ["--region", "cn-north-4", "--yes", "-c", "use cluster \(DemoData.demoClusterID); set interval 200ms; set tag v6; upgrade testwww in monitoring; wait deployed"],
                extraEnvironment: environment)
            #expect(result.code == 0, "\(result.all)")
            // Keys lasting 3 s over an 8 s wait: fetched again several times, and no poll was refused.
            #expect(emulator.identity.issuedKeyCount >= 3, "\(emulator.identity.issuedKeyCount) keys")
            #expect(emulator.store.changeCounts()["\(DemoData.demoClusterID)/monitoring/testwww"] == 1)
        }
    }

    @Test func doctorNamesTheCredentialServiceThatAnswered() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            let token = rollout.home.appendingPathComponent("token").path
            try "pod-token".write(toFile: token, atomically: true, encoding: .utf8)
            var environment = Self.region(at: emulator.url!)
            environment["ROLLOUT_METADATA_ENDPOINT"] = emulator.url!.absoluteString
            environment["HC_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/credentials"
            environment["HC_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = token
            let doctor = try await rollout.run(["doctor", "--region", "cn-north-4"], extraEnvironment: environment)
            #expect(doctor.code == 0, "\(doctor.all)")
            let line = doctor.out.split(separator: "\n").first { $0.hasPrefix("✔ credentials") }.map(String.init) ?? ""
            #expect(line.contains("from the ECS metadata service at \(emulator.url!.absoluteString)"), "\(doctor.all)")
            #expect(!line.contains("pod identity"), "\(line)")
        }
    }

    @Test func aWrongProjectIDIsRenderedWithWhatToDo() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            let result = try await rollout.run([
                "--endpoint", emulator.url!.absoluteString, "--project-id", String(repeating: "f", count: 32), "-c", "list on demo",
            ])
            #expect(result.code == 1, "\(result.all)")
            #expect(result.err.contains("HTTP 401 APIGW.0301: Incorrect IAM authentication information: the project id in X-Project-Id (ffffffffffffffffffffffffffffffff) is not a project of this account (request id "), "\(result.err)")
            #expect(result.err.contains("; the project id is not one of these credentials' projects: fix project_id, or leave it out to have it looked up by region"))
        }
    }

    @Test func noCredentialsAnywhereSaysWhatWasLookedAt() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            var environment = Self.region(at: emulator.url!)
            environment["ROLLOUT_METADATA_ENDPOINT"] = "http://127.0.0.1:9"
            let result = try await rollout.run(["--region", "cn-north-4", "-c", "list on \(DemoData.demoClusterID)"], extraEnvironment: environment)
            #expect(result.code == 1, "\(result.all)")
            #expect(result.err.contains("no credentials: none in --ak/--sk-file, HUAWEICLOUD_SDK_AK/SK or CLOUD_SDK_AK/SK, the profile or ~/.huaweicloud/credentials, and no credential service answered: ECS metadata service: connection refused"), "\(result.err)")
        }
    }
}
