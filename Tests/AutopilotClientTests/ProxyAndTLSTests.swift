import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

@Suite struct ProxyRuleTests {
    @Test(arguments: [
        ("example.com", "api.example.com", 443, true),
        ("example.com", "example.com", 443, true),
        (".example.com", "example.com", 443, true),
        ("*.example.com", "a.b.example.com", 443, true),
        ("example.com", "notexample.com", 443, false),
        ("10.0.0.0/8", "10.1.2.3", 443, true),
        ("10.0.0.0/8", "11.1.2.3", 443, false),
        ("127.0.0.1", "127.0.0.1", 8080, true),
        ("127.0.0.1:8080", "127.0.0.1", 8443, false),
        ("[::1]", "::1", 443, true),
        (".0.0.1", "127.0.0.1", 443, false),
        ("0.0.1", "127.0.0.1", 443, false),
        (".0.1", "api.0.1", 443, true),
        ("*", "anything.example", 443, true),
    ])
    func noProxyEntriesMatchAsCurlDoes(entry: String, host: String, port: Int, direct: Bool) throws {
        let entry = try #require(NoProxyEntry(entry))
        #expect(entry.matches(host: host, port: port) == direct)
    }

    @Test func theEnvironmentChoosesTheProxyPerSchemeAndNoProxyWins() throws {
        let rules = try ProxyRules.from(environment: [
            "HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128", "HTTP_PROXY": "plain:8080",
            "NO_PROXY": "internal.example, 10.0.0.0/8",
        ])
        #expect(rules.proxy(for: URL(string: "https://cce.cn-north-4.myhuaweicloud.com")!)?.host == "lower")
        #expect(rules.proxy(for: URL(string: "http://api.example")!)?.description == "http://plain:8080")
        #expect(rules.proxy(for: URL(string: "https://cce.internal.example")!) == nil)
        #expect(rules.proxy(for: URL(string: "https://10.2.3.4:8443")!) == nil)
        let explicit = try ProxyRules.from(environment: ["HTTPS_PROXY": "http://env:1"], explicit: "http://flag:2")
        #expect(explicit.proxy(for: URL(string: "https://x.example")!)?.host == "flag")
        #expect(ProxyRules.direct.proxy(for: URL(string: "https://x.example")!) == nil)
    }

    @Test func aProxyPasswordNeverShows() throws {
        let proxy = try ProxyServer(url: "http://deploy:s3cr%40t@proxy.corp:3128")
        #expect(proxy.user == "deploy" && proxy.password?.value == "s3cr@t" && proxy.port == 3128)
        #expect(proxy.description == "http://deploy:***@proxy.corp:3128")
        #expect(!String(reflecting: proxy).contains("s3cr"))
        do {
            _ = try ProxyServer(url: "https://deploy:s3cret@proxy.corp:3128")
            Issue.record("an https proxy was taken")
        } catch {
            #expect(error.description.contains("'https://deploy:***@proxy.corp:3128' is not a usable proxy: only http:// proxies"))
            #expect(!error.description.contains("s3cret"))
        }
    }
}

/// Calls through a real proxy (proxy.py) to the emulator, over plain HTTP and over real TLS.
@Suite(.enabled(if: LoopbackProxy.isAvailable, "needs .venv/bin/proxy (scripts/test makes the venv)"))
struct ProxyAndTLSTests {
    @Test func callsGoThroughTheProxyToAnHTTPEndpoint() async throws {
        let proxy = try LoopbackProxy()
        defer { proxy.stop() }
        let port = try await withEmulator(client: { configuration in
            configuration.network.proxies = try! ProxyRules.from(environment: ["HTTP_PROXY": proxy.url])
        }) { client, emulator in
            let releases = try await client.releases(in: demoCluster)
            #expect(!releases.isEmpty)
            return emulator.url!.port!
        }
        // proxy.py logs a tunnel when it closes, which the client's shutdown does.
        #expect(proxy.tunnels(waitingFor: 1) == ["127.0.0.1:\(port)"])
    }

    @Test func callsGoThroughTheProxyToAnHTTPSEndpointWithTheGivenCA() async throws {
        let proxy = try LoopbackProxy()
        defer { proxy.stop() }
        let certificate = try TestCertificate()
        let port = try await withEmulator(
            configure: { $0.tls = EmulatorTLS(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile) },
            client: { configuration in
                configuration.network.proxies = try! ProxyRules.from(environment: ["https_proxy": proxy.url])
                configuration.network.caFile = certificate.certificateFile
            }
        ) { client, emulator in
            #expect(emulator.url!.scheme == "https")
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.name == "testwww")
            return emulator.url!.port!
        }
        #expect(proxy.tunnels(waitingFor: 1) == ["127.0.0.1:\(port)"])
    }

    @Test func anUntrustedCertificateSaysHowToTrustIt() async throws {
        let certificate = try TestCertificate()
        try await withEmulator(configure: {
            $0.tls = EmulatorTLS(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
        }) { client, _ in
            do {
                _ = try await client.releases(in: demoCluster)
                Issue.record("an untrusted certificate was accepted")
            } catch let error as AutopilotError {
                #expect(error.transportFailure?.cause == .tls)
                #expect(error.description.contains("--ca-file"))
            }
        }
    }

    @Test func aWrongProxyPasswordIsAProxyFailureThatHidesThePassword() async throws {
        let proxy = try LoopbackProxy()
        defer { proxy.stop() }
        try await withEmulator(client: { configuration in
            configuration.network.proxies = try! ProxyRules.from(
                environment: [:], explicit: "http://\(proxy.user):wrong-pa55@127.0.0.1:\(proxy.port)")
        }) { client, _ in
            do {
                _ = try await client.releases(in: demoCluster)
                Issue.record("the proxy let a wrong password through")
            } catch let error as AutopilotError {
                #expect(error.transportFailure?.cause == .proxy)
                #expect(error.description.contains("the proxy did not accept the user and password in its URL (407)"))
                #expect(!error.description.contains("put them in the proxy URL"))
                #expect(!error.description.contains("wrong-pa55"))
            }
        }
    }

    /// What a list of releases ends with when the emulator serves `served` and the client trusts
    /// `caFile`, and the emulator's address.
    private func tlsFailure(serving served: TestCertificate, trusting caFile: String) async throws -> (AutopilotError?, URL) {
        try await withEmulator(configure: {
            $0.tls = EmulatorTLS(certificateFile: served.certificateFile, keyFile: served.keyFile)
        }, client: { $0.network.caFile = caFile }) { client, emulator in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            return (error, emulator.url!)
        }
    }

    @Test func aCertificateForAnotherHostSaysSo() async throws {
        let certificate = try TestCertificate(names: "DNS:elsewhere.example")
        let (error, url) = try await tlsFailure(serving: certificate, trusting: certificate.certificateFile)
        #expect(error?.transportFailure?.cause == .tls)
        #expect(error?.description.contains("the server's certificate is not for 127.0.0.1:\(url.port!)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("<none>") == false)
    }

    @Test func aCertificateTheGivenCADidNotSignDoesNotAskForTheCAFile() async throws {
        let other = try TestCertificate()
        let (error, _) = try await tlsFailure(serving: try TestCertificate(), trusting: other.certificateFile)
        #expect(error?.description.contains("did not verify against the CA file \(other.certificateFile)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("pass its CA bundle") == false)
    }

    @Test func anExpiredCertificateFromTheGivenCASaysItExpired() async throws {
        let (caFile, expired) = try TestCertificate.expired()
        let (error, _) = try await tlsFailure(serving: expired, trusting: caFile)
        #expect(error?.transportFailure?.cause == .tls)
        #expect(error?.description.contains("the server's certificate expired on ") == true, "\(String(describing: error))")
        #expect(error?.description.contains("--ca-file") == false)
    }

    @Test func noProxySendsTheCallDirect() async throws {
        let proxy = try LoopbackProxy()
        defer { proxy.stop() }
        try await withEmulator(client: { configuration in
            configuration.network.proxies = try! ProxyRules.from(environment: ["HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"])
        }) { client, _ in
            _ = try await client.releases(in: demoCluster)
            #expect(proxy.tunnels().isEmpty)
        }
    }
}

/// A proxy that refuses to open the tunnel, as a corporate proxy does for a host its rules do not allow.
@Suite struct RefusingProxyTests {
    @Test func aProxyThatRefusesTheTunnelSaysSo() async throws {
        let proxy = try await HostileServer { _ in [.answer(status: 403, headers: [], body: "blocked by policy")] }
        defer { Task { await proxy.stop() } }
        var configuration = AutopilotConfiguration(
            endpoint: try Endpoint(parsing: "https://cce.cn-north-4.myhuaweicloud.com"),
            credentials: .accessKey(AccessKey(id: "AK", secret: "SK", projectID: "p1")))
        configuration.network.proxies = try ProxyRules.from(environment: [:], explicit: proxy.url.absoluteString)
        let error = try await AutopilotClient.with(configuration) { client in
            await #expect(throws: AutopilotError.self) { try await client.releases(in: "c1") }
        }
        #expect(error?.transportFailure?.cause == .proxy)
        #expect(error?.description.contains("the proxy refused to open a tunnel to cce.cn-north-4.myhuaweicloud.com") == true, "\(String(describing: error))")
    }
}
