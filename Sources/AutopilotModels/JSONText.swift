/// JSON text to `JSONValue` and back, directly over UTF-8 bytes.
///
/// Release answers carry `values`, `parameters` and `resources` as JSON inside a JSON string, so every
/// answer is parsed twice. `JSONDecoder` can only find a value's kind by trying each type in turn, and each
/// miss throws; this reader looks at the first byte instead, which makes a release answer several times
/// cheaper to read.
extension JSONValue {
    /// Why JSON text could not be read, and at which byte.
    public struct SyntaxError: Error, CustomStringConvertible {
        /// The byte offset in the text.
        public var offset: Int
        /// What was wrong there.
        public var reason: String
        /// `reason at byte N`.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses JSON text; throws `SyntaxError` when it is not JSON.
    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(utf8: $0) }
    }

    /// Parses JSON bytes; throws `SyntaxError` when they are not JSON.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected text after the value") }
        return value
    }

    /// Compact JSON text with sorted keys and unescaped slashes, as `JSONEncoder` writes it.
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        JSONWriter.write(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A recursive-descent JSON reader (RFC 8259) with a nesting limit, so hostile input cannot exhaust the stack.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    static let maximumDepth = 512

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ reason: String) -> JSONValue.SyntaxError { .init(offset: offset, reason: reason) }

    mutating func skipSpace() {
        while offset < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[offset]) { offset += 1 }
    }

    mutating func value(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        skipSpace()
        guard offset < bytes.count else { throw error("unexpected end of text") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    private mutating func object(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw error("nested too deeply") }
        offset += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
            let key = try string()
            skipSpace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            members[key] = try value(depth: depth)
            skipSpace()
            if try endOfList(closer: UInt8(ascii: "}")) { return .object(members) }
        }
    }

    private mutating func array(depth: Int) throws(JSONValue.SyntaxError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw error("nested too deeply") }
        offset += 1
        var elements: [JSONValue] = []
        skipSpace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            skipSpace()
            if try endOfList(closer: UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    /// After an element: `,` goes on (false), the closer ends the list (true).
    private mutating func endOfList(closer: UInt8) throws(JSONValue.SyntaxError) -> Bool {
        guard offset < bytes.count else { throw error("unexpected end of text") }
        let byte = bytes[offset]
        offset += 1
        if byte == closer { return true }
        if byte == UInt8(ascii: ",") { return false }
        offset -= 1
        throw error("expected ',' or '\(Character(Unicode.Scalar(closer)))'")
    }

    private mutating func expect(_ byte: UInt8, _ reason: String) throws(JSONValue.SyntaxError) {
        guard offset < bytes.count, bytes[offset] == byte else { throw error(reason) }
        offset += 1
    }

    private mutating func literal(_ word: StaticString) throws(JSONValue.SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count,
            (0..<count).allSatisfy({ bytes[offset + $0] == word.utf8Start[$0] })
        else { throw error("unexpected character") }
        offset += count
    }

    private mutating func number() throws(JSONValue.SyntaxError) -> JSONValue {
        let start = offset
        var isInteger = true
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw error("expected a digit") }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else {
            skipDigits()
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if isInteger, let int = Int(text) { return .int(int) }
        guard let double = Double(text), double.isFinite else {
            offset = start
            throw error("number out of range")
        }
        // As JSONDecoder reads them: a whole number is an integer however it is written (`1e3`, `2.0`).
        if let int = Int(exactly: double) { return .int(int) }
        return .double(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }

    private mutating func string() throws(JSONValue.SyntaxError) -> String {
        offset += 1
        let start = offset
        // The common case: no escapes, so the bytes between the quotes are the string.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = try validated(start..<offset)
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("control character in a string") }
            offset += 1
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: try validated(start..<offset).unicodeScalars)
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                offset += 1
                scalars.append(try escape())
            case ..<0x20:
                throw error("control character in a string")
            default:
                let runStart = offset
                while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\"), bytes[offset] >= 0x20 {
                    offset += 1
                }
                scalars.append(contentsOf: try validated(runStart..<offset).unicodeScalars)
            }
        }
        throw error("unterminated string")
    }

    /// The bytes as a string, refusing invalid UTF-8.
    private func validated(_ range: Range<Int>) throws(JSONValue.SyntaxError) -> String {
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw JSONValue.SyntaxError(offset: range.lowerBound, reason: "invalid UTF-8 in a string")
        }
        return text
    }

    private mutating func escape() throws(JSONValue.SyntaxError) -> Unicode.Scalar {
        guard offset < bytes.count else { throw error("unterminated string") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw error("lone surrogate in \\u escape")
                }
                offset += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("lone surrogate in \\u escape") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("lone surrogate in \\u escape") }
            return scalar
        default:
            offset -= 1
            throw error("unknown escape")
        }
    }

    private mutating func hex4() throws(JSONValue.SyntaxError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("expected four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected four hex digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}

/// Writes `JSONValue` as compact JSON, keys sorted, in the same bytes `JSONEncoder` gives with
/// `.sortedKeys` and `.withoutEscapingSlashes`.
private enum JSONWriter {
    static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let bool): out.append(contentsOf: (bool ? "true" : "false").utf8)
        case .int(let int): out.append(contentsOf: String(int).utf8)
        case .double(let double): out.append(contentsOf: text(of: double).utf8)
        case .string(let string): write(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted(by: codepointOrder).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `JSONEncoder` sorts keys by their UTF-8 bytes.
    private static func codepointOrder(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// Doubles print as Swift prints them, less a trailing `.0` (`3`, `-0`, `1e+16`), as `JSONEncoder` prints them.
    private static func text(of double: Double) -> String {
        guard double.isFinite else { return "null" }
        let text = "\(double)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static func write(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
