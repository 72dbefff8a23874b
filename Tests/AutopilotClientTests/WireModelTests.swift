@testable import AutopilotClient
import Foundation
import Testing

/// The models against Huawei's own example of UpdateAutopilotRelease.
@Suite struct WireModelTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json")))
    }

    @Test func exampleResponseDecodes() throws {
        let wire = try JSONDecoder().decode(Components.Schemas.ReleaseResp.self, from: try Self.fixture("update-response"))
        let release = Release(wire: wire)
        #expect(release.name == "testwww")
        #expect(release.namespace == "monitoring")
        #expect(release.clusterID == "a870253f-5dc7-11ee-bf71-0255ac100b03")
        #expect(release.chartName == "magento-mysql")
        #expect(release.chartVersion == "1.0.0")
        #expect(release.version == 1)
        #expect(release.status == .pendingInstall)
        #expect(release.values[path: "basic.mysql_port"] == 3306)
        #expect(release.values[path: "global.magento_EIP"] == "100.100.100.100")
        #expect(release.parameters == nil, "an empty parameters text is no parameters")
    }

    @Test func valuesTextRoundTripsByteForByte() throws {
        let wire = try JSONDecoder().decode(Components.Schemas.ReleaseResp.self, from: try Self.fixture("update-response"))
        #expect(Release(wire: wire).values.jsonText == wire.values)
    }

    @Test func responseReencodesToTheSameDocument() throws {
        let data = try Self.fixture("update-response")
        let wire = try JSONDecoder().decode(Components.Schemas.ReleaseResp.self, from: data)
        let reencoded = try JSONEncoder().encode(Release(wire: wire).wire)
        #expect(try JSONDecoder().decode(JSONValue.self, from: reencoded) == JSONDecoder().decode(JSONValue.self, from: data))
    }

    @Test func exampleRequestEncodesWithTheExactWireNames() throws {
        let body = Components.Schemas.UpdateReleaseReqBody(
            chartId: "af4b699e-018c-11ec-b8b0-0255ac100b05", action: ReleaseAction.upgrade.rawValue,
            parameters: .init(
                ReleaseParameters(
                    dryRun: false, nameTemplate: "string", noHooks: false, replace: false, recreate: false,
                    resetValues: false, releaseVersion: 1, includeHooks: false)),
            values: .init(ReleaseValues(imageTag: "v2", imagePullPolicy: "IfNotPresent")))
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(body))
        #expect(encoded == (try JSONDecoder().decode(JSONValue.self, from: Self.fixture("update-request"))))
    }

    @Test func requestRoundTripsThroughTheWireModel() throws {
        let data = try Self.fixture("update-request")
        let wire = try JSONDecoder().decode(Components.Schemas.UpdateReleaseReqBody.self, from: data)
        #expect(ReleaseValues(wire: wire.values) == ReleaseValues(imageTag: "v2", imagePullPolicy: "IfNotPresent"))
        #expect(ReleaseParameters(wire: wire.parameters).releaseVersion == 1)
    }

    @Test func valuesCarryKeysBesideTheTwoNamedOnes() throws {
        let values = ReleaseValues(imageTag: "v3", other: ["basic": ["storage_size": "20G"], "replicas": 2])
        let encoded = try JSONEncoder().encode(Components.Schemas.ReleaseValues(values))
        let expected: JSONValue = ["imageTag": "v3", "basic": ["storage_size": "20G"], "replicas": 2]
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == expected)
        #expect(ReleaseValues(wire: try JSONDecoder().decode(Components.Schemas.ReleaseValues.self, from: encoded)) == values)
    }

    @Test func createBodySendsVersionAsAString() throws {
        let body = Components.Schemas.CreateReleaseReqBody(
            chartId: "c", name: "n", namespace: "default", version: "1.0.0", values: .init(ReleaseValues()))
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(body))
        #expect(encoded["version"] == "1.0.0")
    }

    static let parsedValues: [(String, JSONValue)] = [
        ("{}", .object([:])), ("[1,\"a\",true,null,1.5]", [1, "a", true, .null, .double(1.5)]),
    ]

    @Test(arguments: parsedValues)
    func jsonValuesParse(_ text: String, _ value: JSONValue) throws {
        #expect(try JSONValue.parse(text) == value)
    }

    @Test func secretsInValuesAreRedacted() {
        let values: JSONValue = ["basic": ["mysql_password": "hunter2", "user": "u"], "apiToken": "t", "tag": "v1"]
        #expect(values.redactingSecrets() == ["basic": ["mysql_password": "******", "user": "u"], "apiToken": "******", "tag": "v1"])
    }
}
