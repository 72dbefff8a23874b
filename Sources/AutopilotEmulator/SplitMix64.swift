/// SplitMix64: a small, fast generator whose whole state is one counter. The emulator mixes a
/// counter through it for request ids; tests seed it so that a simulated run is the same every time.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next number of the sequence.
    public mutating func next() -> UInt64 {
        defer { state &+= Self.increment }
        return Self.mix(state)
    }

    /// SplitMix64's output for one counter value: every input bit changes about half the output bits.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ increment
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15
}
