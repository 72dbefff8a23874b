public import Foundation
import CoreFoundation
import Glibc

/// Files that hold a secret (an SK file, Huawei's credentials file, a profile with a literal
/// secret, a pod's token), read and checked in one place as they are delivered in practice: through
/// symbolic links (a Kubernetes Secret volume's `..data`, stow-managed dotfiles), from a pipe
/// (`--sk-file <(pass show …)`) or `/dev/stdin`.
public enum SecretFile {
    /// The most read from one: a secret file is small, and `/dev/zero` never ends.
    static let limit = 1 << 20

    /// The file's bytes, read to its end through any links; `holding` names the secret in it for
    /// `refuseIfReadable`, which runs first (nil for a file that is not checked, such as a pod's
    /// token, which Kubernetes writes world-readable).
    public static func read(_ path: String, holding what: String?) throws(CredentialProblem) -> [UInt8] {
        if let what { try refuseIfReadable(path, holding: what) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CredentialProblem(message: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw CredentialProblem(message: "cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
            guard bytes.count <= limit else { throw CredentialProblem(message: "refusing \(path): it is longer than 1 MiB, which no secret file is") }
        }
    }

    /// The file's text, trimmed; an error that says so when it is empty.
    public static func text(_ path: String, holding what: String?) throws(CredentialProblem) -> String {
        let text = String(decoding: try read(path, holding: what), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CredentialProblem(message: "\(path) is empty") }
        return text
    }

    /// Refuses a regular file holding a secret that someone else can read or that belongs to
    /// another user (root aside), with what fixes it. The link is followed: it is the file the
    /// secret is in that counts. A pipe or a terminal belongs to this process's session and passes.
    public static func refuseIfReadable(_ path: String, holding what: String) throws(CredentialProblem) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CredentialProblem(message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let shown = target == path ? path : "\(path) (a link to \(target))"
        let mode = Int(info.st_mode & 0o777)
        if info.st_uid != geteuid() && info.st_uid != 0 {
            throw CredentialProblem(
                message: "refusing \(shown): it holds a secret (\(what)) and belongs to user \(info.st_uid), not to you")
        }
        guard mode & 0o077 != 0 else { return }
        throw CredentialProblem(
            message: "refusing \(shown): it holds a secret (\(what)) and others can read it (mode \(String(mode, radix: 8))); run 'chmod 600 \(target)' (for a Kubernetes Secret volume, set its defaultMode to 0400)")
    }
}
