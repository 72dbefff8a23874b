import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

// snippet: upgrade (the same text as the client's article's; a test below checks that they agree)
/// Upgrades testwww to image tag v2 with a bigger volume, and returns the new version.
func upgradeToV2(endpoint: Endpoint, credentials: Credentials, cluster: String, chart: String) async throws -> Release {
    let configuration = AutopilotConfiguration(endpoint: endpoint, credentials: credentials)
    return try await AutopilotClient.with(configuration) { client in
        try await client.upgrade(
            release: "testwww", in: "monitoring", cluster: cluster, chart: chart,
            values: ReleaseValues(imageTag: "v2", other: ["basic": ["storage_size": "20G"]])).value
    }
}
// end snippet

@Suite struct ClientArticleSnippetTests {
    @Test func theArticlesSnippetUpgradesARelease() async throws {
        try await withEmulator { _, emulator in
            let configuration = try #require(emulator.clientConfiguration)
            let release = try await upgradeToV2(
                endpoint: configuration.endpoint, credentials: configuration.credentials, cluster: demoCluster,
                chart: DemoData.magentoChartID)
            #expect(release.version == 4)
            #expect(release.imageTag == "v2")
            #expect(release.values[path: "basic.storage_size"] == "20G")
        }
    }

    @Test func theArticleShowsTheSameSnippet() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(
            contentsOf: root.appendingPathComponent("Sources/AutopilotClient/AutopilotClient.docc/UsingTheClient.md"), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let inSource = source.components(separatedBy: "// end snippet")[0]
            .components(separatedBy: "agree)\n")[1]
        let inReadme = readme.components(separatedBy: "<!-- snippet: upgrade -->\n```swift\nimport AutopilotClient\n\n")[1]
            .components(separatedBy: "// try await")[0]
        #expect(inReadme == inSource)
    }
}
