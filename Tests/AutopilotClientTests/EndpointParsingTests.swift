@testable import AutopilotClient
import Foundation
import Testing

@Suite struct EndpointParsingTests {
    @Test(arguments: [
        ("https://cce.cn-north-4.myhuaweicloud.com", "https://cce.cn-north-4.myhuaweicloud.com"),
        ("  http://127.0.0.1:8080 ", "http://127.0.0.1:8080"),
        ("http://[::1]:65535/base/", "http://[::1]:65535/base/"),
        ("http://localhost:", "http://localhost:"),
    ])
    func goodURLsAreTaken(text: String, url: String) throws {
        #expect(try Endpoint(parsing: text).url.absoluteString == url)
    }

    @Test(arguments: [
        ("http://127.0.0.1:99999", "the port 99999 is not a number from 1 to 65535"),
        ("http://localhost:104691", "the port 104691 is not a number from 1 to 65535"),
        ("http://h:99999999999999999999999", "the port 99999999999999999999999 is not a number from 1 to 65535"),
        ("http://h:0", "the port 0 is not a number from 1 to 65535"),
        ("http://[::1]:70000", "the port 70000 is not a number from 1 to 65535"),
        ("http://h:８０", "it is not a URL like https://cce.cn-north-4.myhuaweicloud.com"),
        ("ftp://h", "it must start with http:// or https://"),
        ("cce.cn-north-4.myhuaweicloud.com", "it is not a URL like https://cce.cn-north-4.myhuaweicloud.com"),
        ("http://", "it names no host"),
        ("http://u:pw@h", "an endpoint carries no user or password (credentials come from the credential settings)"),
        ("http://h/?q=1", "a base URL has no query or fragment"),
        ("", "it is not a URL like https://cce.cn-north-4.myhuaweicloud.com"),
    ])
    func badURLsSayWhy(text: String, reason: String) {
        #expect(throws: EndpointProblem.self) { try Endpoint(parsing: text) }
        do { _ = try Endpoint(parsing: text) } catch {
            #expect(error.reason == reason)
            #expect(!error.description.contains("pw"), "a password never shows")
        }
    }

    @Test(arguments: ["http://p:99999", "http://user:secret@p:70000", "p:0"])
    func aProxyPortOutOfRangeIsRefused(text: String) {
        #expect(throws: ProxyProblem.self) { try ProxyServer(url: text) }
        do { _ = try ProxyServer(url: text) } catch {
            #expect(error.reason.contains("is not a number from 1 to 65535"))
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func aRegionsAOMIsItsOwnOverriddenOrNoneForAnIdThatIsNoHostName() throws {
        #expect(try Region("cn-north-4", environment: [:]).aom?.url.absoluteString == "https://aom.cn-north-4.myhuaweicloud.com")
        #expect(try Region("eu-west-101", environment: [:]).aom?.url.absoluteString == "https://aom.eu-west-101.myhuaweicloud.eu")
        let overridden = try Region("cn-north-4", environment: ["HUAWEICLOUD_SDK_REGION_AOM_CN_NORTH_4": "http://127.0.0.1:9"])
        #expect(overridden.aom?.url.absoluteString == "http://127.0.0.1:9")
        // A region given with its own endpoint may be any id: one that makes no host name has no AOM, and no crash.
        let odd = try Region(id: "cn-north-4[]中文", endpoint: Endpoint(url: URL(string: "http://127.0.0.1:9")!), environment: [:])
        #expect(odd.aom == nil)
        #expect(Region.endpoint(of: "aom", in: "") == nil)
    }
}
