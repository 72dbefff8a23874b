public import AutopilotClient
public import AutopilotEmulator
import Foundation

/// Starts an emulator on a free loopback port, hands `body` a client signed with the emulator's
/// credentials, and stops both afterwards, as HummingbirdTesting's `app.test` does for a router.
///
/// ```swift
/// try await withEmulator { client, emulator in
///     let release = try await client.release("testwww", in: "monitoring", cluster: DemoData.demoClusterID)
/// }
/// ```
public func withEmulator<T: Sendable>(
    deployTime: Double = 0.2,
    faults: FaultSettings = FaultSettings(),
    configure: (inout EmulatorConfiguration) -> Void = { _ in },
    client configureClient: (inout AutopilotConfiguration) -> Void = { _ in },
    _ body: (AutopilotClient, Emulator) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration()
    configuration.port = 0
    configuration.settings = EmulatorSettings(deployTime: deployTime, faults: faults)
    configure(&configuration)
    let emulator = try Emulator(configuration: configuration)
    let url = try await emulator.start()
    var clientConfiguration = AutopilotConfiguration(
        endpoint: Endpoint(url: url), credentials: configuration.credentials.clientCredentials)
    clientConfiguration.retry = RetryPolicy(baseDelay: .milliseconds(20), maxDelay: .milliseconds(200), deadline: .seconds(20))
    configureClient(&clientConfiguration)
    do {
        let result = try await AutopilotClient.with(clientConfiguration) { client in try await body(client, emulator) }
        await emulator.stop()
        return result
    } catch {
        await emulator.stop()
        throw error
    }
}

/// The demo cluster's id, for tests.
public let demoCluster = DemoData.demoClusterID
