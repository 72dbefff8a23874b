#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A script's text with its name, and the line starts to turn offsets into lines and columns.
public struct SourceFile: Sendable {
    /// The name diagnostics show (`deploy.rollout`, `-c`, `<stdin>`).
    public let name: String
    /// The text.
    public let text: String
    let bytes: [UInt8]
    /// The name's number in `FileNames`, which every location in this file carries.
    let fileID: Int
    /// The byte offset of each line's start, in order.
    let lineStarts: [Int]
    /// True when every byte is ASCII: a column is then its offset from the line's start.
    let isASCII: Bool

    /// Wraps a script's text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        fileID = FileNames.shared.id(of: name)
        bytes = Array(text.utf8)
        (lineStarts, isASCII) = bytes.withUnsafeBufferPointer { buffer in
            // Two passes that the C library and the vectorizer make fast: this runs before a check
            // can split the work between cores.
            var high: UInt8 = 0
            for byte in buffer { high |= byte }
            var starts = [0]
            guard let base = buffer.baseAddress else { return (starts, true) }
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, 0x0A, buffer.count - offset) {
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(offset)
            }
            return (starts, high < 0x80)
        }
    }

    /// The line and column (1-based, columns in characters) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let column = String(decoding: bytes[start..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return SourceLocation(fileID: fileID, line: low + 1, column: column, offset: offset)
    }

    /// The text of a line (1-based), without its newline.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text between two offsets.
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }
}

/// A place in a script: file, 1-based line and column, and byte offset.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file name.
    public var file: String {
        get { FileNames.shared.name(of: fileID) }
        set { storedFileID = Int32(clamping: FileNames.shared.id(of: newValue)) }
    }
    /// The file name's number: every token carries a location, and a number copies without the
    /// reference counting a `String` costs. The numbers are 32-bit so that a location is 16 bytes:
    /// tokens, words and statements carry it and are copied often.
    private var storedFileID: Int32
    private var storedLine: Int32
    private var storedColumn: Int32
    private var storedOffset: Int32

    var fileID: Int { Int(storedFileID) }
    /// The line, from 1.
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }
    /// The column, from 1.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }
    /// The byte offset, from 0.
    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = Int32(clamping: newValue) }
    }

    /// A location.
    public init(file: String, line: Int, column: Int, offset: Int) {
        self.init(fileID: FileNames.shared.id(of: file), line: line, column: column, offset: offset)
    }

    init(fileID: Int, line: Int, column: Int, offset: Int) {
        storedFileID = Int32(clamping: fileID)
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
        storedOffset = Int32(clamping: offset)
    }

    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }
    /// `file:line`, as steps are named.
    public var fileAndLine: String { "\(file):\(line)" }
}

/// The file names locations refer to, each stored once and known by its number.
final class FileNames: Sendable {
    /// The one table.
    static let shared = FileNames()
    private let table = Mutex<(ids: [String: Int], names: [String])>(([:], []))

    /// The number of a name, adding it the first time.
    func id(of name: String) -> Int {
        table.withLock { table in
            if let id = table.ids[name] { return id }
            table.names.append(name)
            table.ids[name] = table.names.count - 1
            return table.names.count - 1
        }
    }

    /// The name with a number.
    func name(of id: Int) -> String { table.withLock { $0.names[id] } }
}

/// A problem found in a script before it runs.
public struct Diagnostic: Error, Sendable, Hashable {
    /// How bad it is.
    public enum Severity: String, Sendable { case error, warning }

    /// Where.
    public var location: SourceLocation
    /// Error or warning.
    public var severity: Severity
    /// What is wrong.
    public var message: String
    /// A hint, e.g. `did you mean 'upgrade'?`.
    public var note: String?
    /// How many characters to underline.
    public var length: Int

    /// Makes a diagnostic.
    public init(_ message: String, at location: SourceLocation, length: Int = 1, note: String? = nil, severity: Severity = .error) {
        self.message = message
        self.location = location
        self.length = max(1, length)
        self.note = note
        self.severity = severity
    }

    /// Rendered like a compiler: `file:line:col: error: message`, the source line, a caret, a note.
    public func rendered(in source: SourceFile) -> String {
        let line = source.line(location.line)
        let prefix = String(line.prefix(location.column - 1).map { $0 == "\t" ? "\t" : " " })
        var out = "\(location): \(severity.rawValue): \(message)\n\(line)\n\(prefix)^"
        if length > 1 { out += String(repeating: "~", count: min(length, max(1, line.count - location.column + 1)) - 1) }
        if let note { out += "\nnote: \(note)" }
        return out
    }
}
