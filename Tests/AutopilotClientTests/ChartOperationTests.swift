@testable import AutopilotEmulator
import AutopilotClient
import AutopilotTesting
import Foundation
import Testing

@Suite struct ChartOperationTests {
    static let package = ChartPackage.make(
        name: "billing", version: "0.3.0", description: "Billing service",
        values: ["imageTag": "0.3.0", "imagePullPolicy": "IfNotPresent", "db": ["host": "db.local", "port": 5432]])

    @Test func uploadShowListValuesDownloadUpdateDelete() async throws {
        try await withEmulator { client, _ in
            let uploaded = try await client.uploadChart(Self.package, fileName: "billing-0.3.0.tgz")
            #expect(uploaded.name == "billing")
            #expect(uploaded.version == "0.3.0")
            #expect(uploaded.values[path: "db.port"] == 5432)

            #expect(try await client.chart(uploaded.id) == uploaded)
            #expect(try await client.charts().map(\.name).contains("billing"))
            #expect(try await client.chartValues(uploaded.id)[path: "db.host"] == "db.local")
            #expect(try await client.downloadChart(uploaded.id) == Self.package, "download gives the same bytes back")

            let newer = ChartPackage.make(name: "billing", version: "0.4.0", description: "Billing", values: ["imageTag": "0.4.0"])
            let updated = try await client.updateChart(uploaded.id, package: newer)
            #expect(updated.id == uploaded.id)
            #expect(updated.version == "0.4.0")

            let quotas = try await client.chartQuotas()
            #expect(quotas == [ChartQuota(type: "Charts", quota: 100, used: 4)])

            try await client.deleteChart(uploaded.id)
            let gone = await #expect(throws: AutopilotError.self) { try await client.chart(uploaded.id) }
            #expect(gone?.httpStatus == 404)
        }
    }

    @Test func sameNameAndVersionNeedsOverride() async throws {
        try await withEmulator { client, _ in
            let first = try await client.uploadChart(Self.package)
            let error = await #expect(throws: AutopilotError.self) { try await client.uploadChart(Self.package) }
            #expect(error?.httpStatus == 409)
            let replaced = try await client.uploadChart(Self.package, parameters: ChartUploadParameters(override: true))
            #expect(replaced.id == first.id)
        }
    }

    @Test(arguments: [
        ([UInt8]("not a chart".utf8), "The chart package is not a gzip-compressed archive (.tgz)"),
        ([0x1f, 0x8b, 0, 1, 2, 3], "The chart package is not a valid gzip stream"),
    ])
    func nonChartsAreRefused(_ bytes: [UInt8], message: String) async throws {
        try await withEmulator { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.uploadChart(bytes) }
            #expect(error?.httpStatus == 400)
            #expect(error?.message == message)
        }
    }

    @Test func aChartInUseCannotBeDeleted() async throws {
        try await withEmulator { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.deleteChart(DemoData.redisChartID) }
            #expect(error?.httpStatus == 409)
        }
    }

    @Test func tarArchivesRoundTrip() {
        let entries = [TarArchive.Entry(path: "a/Chart.yaml", bytes: Array("name: a\n".utf8)), .init(path: "a/x", bytes: [])]
        #expect(TarArchive.read(TarArchive.write(entries)) == entries)
        #expect(TarArchive.read(Array(repeating: 7, count: 1024)) == nil)
    }
}
