import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// `rollout` against a server that floods it: a clear error, and memory under the answer cap.
@Suite struct HostileServerTests {
    @Test func aChunkedFloodEndsInAClearErrorWithMemoryUnderTheCap() async throws {
        // 600 MiB in chunks: the whole answer once filled 650 MB.
        let server = try await HostileServer { _ in
            [.text("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"), .chunks(count: 600, size: 1 << 20)]
        }
        defer { Task { await server.stop() } }
        let result = try await RolloutProcess().run(
            ["--endpoint", server.url.absoluteString, "-c", "charts"],
            extraEnvironment: BadSettingTests.keys.merging(["HUAWEICLOUD_SDK_PROJECT_ID": EmulatorCredentials.localProjectID]) { $1 })
        #expect(result.code == 1, "\(result.all)")
        #expect(result.err.contains("the answer is longer than 32 MiB, the most rollout reads of one answer"), "\(result.all)")
        // The largest child this test process has waited for, in KiB: no rollout of any test comes near.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        #expect(usage.ru_maxrss < 256 * 1024, "a child peaked at \(usage.ru_maxrss / 1024) MiB")
    }
}
