/// The SM3 hash (GB/T 32905-2016) and HMAC over it, for `SDK-HMAC-SM3` signing.
enum SM3 {
    private static let iv: [UInt32] = [
        0x7380_166f, 0x4914_b2b9, 0x1724_42d7, 0xda8a_0600, 0xa96f_30bc, 0x1631_38aa, 0xe38d_ee4d, 0xb0fb_0e4e,
    ]

    /// The 32-byte digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var padded = message
        let bitLength = UInt64(message.count) &* 8
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var state = iv
        for blockStart in stride(from: 0, to: padded.count, by: 64) {
            compress(&state, padded[blockStart..<blockStart + 64])
        }
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
    }

    /// HMAC-SM3 (RFC 2104 over SM3, 64-byte blocks).
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    private static func compress(_ state: inout [UInt32], _ block: ArraySlice<UInt8>) {
        var w = [UInt32](repeating: 0, count: 68)
        let base = block.startIndex
        for j in 0..<16 {
            w[j] = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(block[base + 4 * j + $1]) }
        }
        for j in 16..<68 {
            let x = w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)
            w[j] = p1(x) ^ rotl(w[j - 13], 7) ^ w[j - 6]
        }
        var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
        for j in 0..<64 {
            let t: UInt32 = j < 16 ? 0x79cc_4519 : 0x7a87_9d8a
            let ss1 = rotl(rotl(a, 12) &+ e &+ rotl(t, UInt32(j % 32)), 7)
            let ss2 = ss1 ^ rotl(a, 12)
            let ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c)
            let gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g)
            let tt1 = ff &+ d &+ ss2 &+ (w[j] ^ w[j + 4])
            let tt2 = gg &+ h &+ ss1 &+ w[j]
            d = c
            c = rotl(b, 9)
            b = a
            a = tt1
            h = g
            g = rotl(f, 19)
            f = e
            e = p0(tt2)
        }
        let next = [a, b, c, d, e, f, g, h]
        for i in 0..<8 { state[i] ^= next[i] }
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { n == 0 ? x : (x << n) | (x >> (32 - n)) }
    private static func p0(_ x: UInt32) -> UInt32 { x ^ rotl(x, 9) ^ rotl(x, 17) }
    private static func p1(_ x: UInt32) -> UInt32 { x ^ rotl(x, 15) ^ rotl(x, 23) }
}
