import AutopilotClient
import Foundation
import PropertyBased
import Testing

/// `JSONValue`'s own reader and writer, held to what Foundation's `JSONDecoder` and `JSONEncoder` do.
struct JSONTextTests {
    @Test(arguments: [
        (#"{"a":[1,-2,3.5,true,false,null],"b":{"c":"d"}}"#, ["a": [1, -2, .double(3.5), true, false, .null], "b": ["c": "d"]] as JSONValue),
        (" \n\t{ } ", [:]),
        ("[]", []),
        (#""\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00""#, .string("\"\\/\u{08}\u{0C}\n\r\tAé😀")),
        (#""plain é 😀""#, "plain é 😀"),
        ("0", 0),
        ("-0", 0),
        ("1e3", 1000),
        ("2.0", 2),
        ("2.5E-2", .double(0.025)),
        ("9223372036854775807", .int(Int.max)),
        ("9223372036854775808", .double(9223372036854775808)),
        ("1e300", .double(1e300)),
        (#"{"k":1,"k":2}"#, ["k": 2]),
    ] as [(String, JSONValue)])
    func readsJSON(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "unexpected end of text at byte 0"),
        ("{", "expected a key in quotes at byte 1"),
        (#"{"a" 1}"#, "expected ':' after a key at byte 5"),
        ("[1 2]", "expected ',' or ']' at byte 3"),
        ("[1,]", "unexpected character at byte 3"),
        ("01", "unexpected text after the value at byte 1"),
        ("-", "expected a digit at byte 1"),
        ("1.", "expected a digit after '.' at byte 2"),
        ("1e", "expected a digit in the exponent at byte 2"),
        ("1e999", "number out of range at byte 0"),
        ("tru", "unexpected character at byte 0"),
        (#""abc"#, "unterminated string at byte 4"),
        ("\"a\u{01}\"", "control character in a string at byte 2"),
        (#""\x""#, "unknown escape at byte 2"),
        (#""\ud800""#, #"lone surrogate in \u escape at byte 7"#),
        (#""\u12""#, "expected four hex digits at byte 3"),
        (String(repeating: "[", count: 600), "nested too deeply at byte 512"),
    ])
    func refusesWhatIsNotJSON(text: String, message: String) {
        let error = #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(text) }
        #expect(error?.description == message)
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONValue.SyntaxError.self) { try bytes.withUnsafeBufferPointer { try JSONValue.parse(utf8: $0) } }
    }

    @Test func writesWhatJSONEncoderWritesAndReadsItBack() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...1_000_000).array(of: 1...40)) { genes in
            var builder = ValueBuilder(genes)
            let value = builder.value(depth: 0)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let foundation = String(decoding: try! encoder.encode(value), as: UTF8.self)
            #expect(value.jsonText == foundation)
            let read = try? JSONValue.parse(foundation)
            #expect(read.flatMap { try? JSONValue.parse($0.jsonText) } == read, "what is read is written so it reads the same")
            #expect(read == (try? JSONDecoder().decode(JSONValue.self, from: Data(foundation.utf8))))
        }
    }
}

/// Builds a JSON value from a list of numbers, so the property library can generate and shrink it.
private struct ValueBuilder {
    private var genes: [Int]
    private var index = 0
    static let strings = ["", "a", "B", "é", "😀", "quote\"", "back\\slash", "new\nline", "tab\t", "\u{01}ctl", "/slash", "\u{7F}", "\u{2028}", "Zz", "a_b"]
    static let doubles = [0.5, -2.25, 1e20, 1e-7, 3.0e15, 1.7976931348623157e308, 123.456, 1e16]

    init(_ genes: [Int]) { self.genes = genes }

    private mutating func next(_ bound: Int) -> Int {
        defer { index += 1 }
        return genes[index % genes.count] / (1 + index / genes.count) % bound
    }

    mutating func value(depth: Int) -> JSONValue {
        switch next(depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(next(2) == 0)
        case 2: return .int(next(2) == 0 ? next(100_000) : -next(1_000_000_000))
        case 3: return .double(Self.doubles[next(Self.doubles.count)])
        case 4: return .string(Self.strings[next(Self.strings.count)] + Self.strings[next(Self.strings.count)])
        case 5: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<next(5) { object[Self.strings[next(Self.strings.count)]] = value(depth: depth + 1) }
            return .object(object)
        }
    }
}
