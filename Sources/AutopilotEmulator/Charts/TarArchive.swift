/// Reads and writes the ustar archives inside chart packages.
enum TarArchive {
    /// A file in an archive.
    struct Entry: Equatable {
        var path: String
        var bytes: [UInt8]
    }

    /// The regular files of an archive; nil when the bytes are not a tar archive.
    static func read(_ archive: [UInt8]) -> [Entry]? {
        var entries: [Entry] = []
        var offset = 0
        var longName: String?
        while offset + 512 <= archive.count {
            let header = archive[offset..<offset + 512]
            if header.allSatisfy({ $0 == 0 }) { return entries }
            guard checksumMatches(header), let size = octal(header, 124, 12) else { return nil }
            let type = header[header.startIndex + 156]
            let dataStart = offset + 512
            guard size >= 0, dataStart + size <= archive.count else { return nil }
            let data = Array(archive[dataStart..<dataStart + size])
            switch type {
            case UInt8(ascii: "L"):
                longName = text(data[...], 0, data.count)
            case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "5"):
                break
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                let prefix = text(header, 345, 155)
                let name = text(header, 0, 100)
                let path = longName ?? (prefix.isEmpty ? name : "\(prefix)/\(name)")
                entries.append(Entry(path: path, bytes: data))
                longName = nil
            default:
                longName = nil
            }
            offset = dataStart + (size + 511) / 512 * 512
        }
        return entries.isEmpty ? nil : entries
    }

    /// A ustar archive of the entries, with fixed times and owners so it is reproducible.
    static func write(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            var header = [UInt8](repeating: 0, count: 512)
            put(&header, 0, Array(entry.path.utf8.prefix(100)))
            put(&header, 100, Array("0000644\0".utf8))
            put(&header, 108, Array("0000000\0".utf8))
            put(&header, 116, Array("0000000\0".utf8))
            put(&header, 124, Array(octalText(entry.bytes.count, width: 11).utf8) + [0])
            put(&header, 136, Array(octalText(1_700_000_000, width: 11).utf8) + [0])
            put(&header, 148, Array("        ".utf8))
            header[156] = UInt8(ascii: "0")
            put(&header, 257, Array("ustar\0".utf8) + Array("00".utf8))
            let sum = header.reduce(0) { $0 + Int($1) }
            put(&header, 148, Array(octalText(sum, width: 6).utf8) + [0, UInt8(ascii: " ")])
            out += header
            out += entry.bytes
            out += [UInt8](repeating: 0, count: (512 - entry.bytes.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    private static func checksumMatches(_ header: ArraySlice<UInt8>) -> Bool {
        guard let stored = octal(header, 148, 8) else { return false }
        var sum = 0
        for (i, byte) in header.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
        return sum == stored
    }

    private static func octal(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> Int? {
        let field = text(header, start, length).trimmingCharacters(in: " \0")
        guard !field.isEmpty else { return 0 }
        return Int(field, radix: 8)
    }

    private static func text(_ bytes: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> String {
        let field = bytes.dropFirst(start).prefix(length)
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func put(_ header: inout [UInt8], _ at: Int, _ bytes: [UInt8]) {
        for (i, byte) in bytes.enumerated() { header[at + i] = byte }
    }

    private static func octalText(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension StringProtocol {
    /// The text without any of `set`'s characters at either end, dropped from each end in place: the
    /// emulator trims every part of every Authorization header.
    func trimmingCharacters(in set: String) -> String {
        var text = self[...]
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
