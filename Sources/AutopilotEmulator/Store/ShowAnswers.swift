import AutopilotClient
import Foundation
import NIOCore
import Synchronization

/// The `show` answers of releases as JSON bytes, each encoded once for the change and status it
/// shows: a release read a thousand times while nothing changes is encoded once, not a thousand times.
final class ShowAnswers: Sendable {
    /// What an answer was made from: the release's count of accepted changes and the status it showed.
    struct Stamp: Equatable, Sendable {
        var changeCount: Int
        var status: ReleaseStatus
    }

    private let answers = Mutex<[ReleaseKey: (stamp: Stamp, body: ByteBuffer)]>([:])
    /// Encodes as the generated server does with the emulator's settings: compact, keys sorted.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The answer for `key` made at `stamp`, encoding `release()` when none is kept for that stamp.
    func body(for key: ReleaseKey, at stamp: Stamp, release: () -> Release) -> ByteBuffer? {
        if let kept = answers.withLock({ $0[key] }), kept.stamp == stamp { return kept.body }
        guard let data = try? Self.encoder.encode(release().wire) else { return nil }
        let body = ByteBuffer(bytes: data)
        answers.withLock { $0[key] = (stamp, body) }
        return body
    }

    /// Forgets the answer of a release that is gone.
    func forget(_ key: ReleaseKey) {
        _ = answers.withLock { $0.removeValue(forKey: key) }
    }
}
