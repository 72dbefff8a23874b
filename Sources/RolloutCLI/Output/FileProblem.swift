import Foundation

/// Why a file could not be read or written, in the words a user acts on (`No such file or
/// directory`, `Permission denied`, `it is a folder`), never Foundation's error dump
/// (`Error Domain=NSCocoaErrorDomain Code=512 "(null)"`).
enum FileProblem {
    /// The system's reason for a failed file operation, in a few words.
    static func cause(of error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        switch nsError.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "No such file or directory"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "Permission denied"
        case NSFileReadInapplicableStringEncodingError: return "it is not UTF-8 text"
        case NSFileWriteOutOfSpaceError: return "No space left on device"
        case NSFileWriteVolumeReadOnlyError: return "Read-only file system"
        default: return "the system refused it (\(nsError.domain) \(nsError.code))"
        }
    }

    /// A text file's contents; an error that names the file and says why it cannot be read.
    static func text(_ path: String) throws(CLIError) -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw CLIError("cannot read \(path): it is a folder, not a file", exitCode: 2)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("cannot read \(path): \(cause(of: error))", exitCode: 2)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("cannot read \(path): it is not UTF-8 text", exitCode: 2)
        }
        return text
    }

    /// Writes text to a file; an error that names the file and says why it cannot be written.
    static func write(_ text: String, to path: String, atomically: Bool = true) throws(CLIError) {
        do { try text.write(toFile: path, atomically: atomically, encoding: .utf8) } catch {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            let reason = FileManager.default.fileExists(atPath: folder) ? cause(of: error) : "the folder \(folder) does not exist"
            throw CLIError("cannot write \(path): \(reason)")
        }
    }
}
