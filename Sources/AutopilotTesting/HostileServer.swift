public import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A loopback HTTP server that answers as a broken or hostile server would: an answer that
/// trickles, floods, is cut short, is HTML or carries control characters, written byte for byte
/// as scripted, for the tests of what the client does with what the network sends.
public final class HostileServer: Sendable {
    /// One thing the server does after it has read a request's head.
    public enum Step: Sendable {
        /// Sends the bytes at once.
        case send([UInt8])
        /// Sends `count` copies of `byte`, one at a time, `every` apart (until the client leaves).
        case trickle(byte: UInt8, count: Int, every: Duration)
        /// Sends `count` chunks of `size` spaces in chunked encoding, then the last chunk.
        case chunks(count: Int, size: Int)
        /// Waits.
        case pause(Duration)

        /// Text sent at once.
        public static func text(_ text: String) -> Step { .send(Array(text.utf8)) }

        /// A whole answer: status line, `Content-Length`, the headers given and the body.
        public static func answer(
            status: Int, headers: [(String, String)] = [("Content-Type", "application/json")], body: String
        ) -> Step {
            var head = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.utf8.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            return .text(head + "Connection: close\r\n\r\n" + body)
        }
    }

    /// The port it listens on.
    public let port: Int
    private let served = Counter()
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    /// Starts listening on a free loopback port; `script` gives the steps for the n-th request
    /// (from 1), after which the connection is closed.
    public init(_ script: @escaping @Sendable (Int) -> [Step]) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        port = server.channel.localAddress?.port ?? 0
        let served = self.served
        let serving = Task<Void, Never> {
            try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask {
                            try? await Self.serve(connection) { script(served.next()) }
                        }
                    }
                }
            }
        }
        task.withLock { $0 = serving }
    }

    /// `http://127.0.0.1:port`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// How many requests it has read.
    public var requests: Int { served.value.load(ordering: .relaxed) }

    /// Stops listening and drops every connection.
    public func stop() async {
        guard let serving = task.withLock({ $0 }) else { return }
        serving.cancel()
        await serving.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, steps: () -> [Step]
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head = ByteBuffer()
            for try await chunk in inbound {
                head.writeImmutableBuffer(chunk)
                if String(buffer: head).contains("\r\n\r\n") { break }
            }
            for step in steps() {
                switch step {
                case .send(let bytes):
                    try await outbound.write(ByteBuffer(bytes: bytes))
                case .trickle(let byte, let count, let every):
                    for _ in 0..<count {
                        try await outbound.write(ByteBuffer(bytes: [byte]))
                        try await Task.sleep(for: every)
                    }
                case .chunks(let count, let size):
                    let chunk = ByteBuffer(string: String(size, radix: 16) + "\r\n" + String(repeating: " ", count: size) + "\r\n")
                    for _ in 0..<count { try await outbound.write(chunk) }
                    try await outbound.write(ByteBuffer(string: "0\r\n\r\n"))
                case .pause(let duration):
                    try await Task.sleep(for: duration)
                }
            }
        }
    }
}

/// The requests a server has read, shared with its connections' tasks.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
