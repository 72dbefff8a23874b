import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A tiny loopback server that answers each request with the next scripted answer and counts
/// requests by method, for error-shape and retry tests the emulator cannot stage.
final class ScriptedServer: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: String
        var headers: [String: String] = ["X-Request-Id": "req-1", "Content-Type": "application/json"]
        var delay: Duration = .zero
    }

    private let script: Mutex<[Answer]>
    private let counts = Mutex<[String: Int]>([:])
    private let running = Mutex<(ServiceGroup, Task<Void, any Error>)?>(nil)

    init(_ answers: [Answer]) { script = Mutex(answers) }

    func count(_ method: String) -> Int { counts.withLock { $0[method] ?? 0 } }

    /// Starts on a free port and returns its base URL.
    func start() async throws -> URL {
        let router = Router()
        router.on("**", method: .get) { request, _ in try await self.answer(request) }
        router.on("**", method: .put) { request, _ in try await self.answer(request) }
        router.on("**", method: .post) { request, _ in try await self.answer(request) }
        router.on("**", method: .delete) { request, _ in try await self.answer(request) }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "scripted")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        running.withLock { $0 = (group, Task { try await group.run() }) }
        var iterator = stream.makeAsyncIterator()
        return URL(string: "http://127.0.0.1:\(await iterator.next()!)")!
    }

    func stop() async {
        guard let (group, task) = running.withLock({ $0 }) else { return }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    private func answer(_ request: Request) async throws -> Response {
        counts.withLock { $0[request.method.rawValue, default: 0] += 1 }
        let answer = script.withLock { script in script.count > 1 ? script.removeFirst() : script[0] }
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        var headers = HTTPFields()
        for (name, value) in answer.headers { headers[HTTPField.Name(name)!] = value }
        return Response(
            status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
