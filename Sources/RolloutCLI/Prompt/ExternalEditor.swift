import Foundation

/// The user's editor for `edit`: `$VISUAL`, else `$EDITOR`, else `vi` (as git and psql choose).
struct ExternalEditor {
    /// The shell command the file's path is given to.
    let command: String
    private let environment: [String: String]

    init(environment: [String: String]) {
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0?.trimmingCharacters(in: .whitespaces) }
        command = chosen.first { !$0.isEmpty } ?? "vi"
        self.environment = environment
    }

    /// Opens the text in the editor and waits for it; the text as saved, or nil when it was left
    /// unchanged. The file lives in a folder only this user can read, and is removed at once.
    func edit(_ text: String) throws(CLIError) -> String? {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-edit-XXXXXX").path
        var folderTemplate = Array(template.utf8CString)
        guard let made = mkdtemp(&folderTemplate) else {
            throw CLIError("cannot make a folder for the editor's file in \(FileManager.default.temporaryDirectory.path)")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/statement.rollout"
        try FileProblem.write(text, to: file, atomically: false)
        guard let editor = ForegroundProcess.start(command + " \"$1\"", arguments: [file], environment: environment) else {
            throw CLIError("cannot start the editor '\(command)'")
        }
        switch editor.wait() {
        case 0: break
        case 127: throw CLIError("no editor '\(command)' here; set VISUAL or EDITOR to one")
        case let status: throw CLIError("the editor '\(command)' exited with status \(status); nothing was run")
        }
        guard let saved = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CLIError("the editor left no readable file at \(file); nothing was run")
        }
        return saved == text ? nil : saved
    }
}
