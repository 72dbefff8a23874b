import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// Secret files as they are delivered in practice: through links (a Kubernetes Secret volume,
/// stow-managed dotfiles), from a pipe or standard input; the file the link leads to is checked.
@Suite struct SecretFileTests {
    static let sk = EmulatorCredentials.localSecretKey

    /// `rollout --ak … --sk-file <file> -c charts` against an emulator, run by bash so that the file
    /// can be a process substitution.
    private func charts(skFile: String, stdin: String? = nil, in rollout: RolloutProcess, at url: URL) async throws -> RolloutProcess.Result {
        let command = "rollout --endpoint \(url.absoluteString) --project-id \(EmulatorCredentials.localProjectID) "
            + "--ak \(EmulatorCredentials.localAccessKey) --sk-file \(skFile) -c charts"
        return try await rollout.run(["-c", command], stdin: stdin, executable: "/bin/bash")
    }

    private func write(_ text: String, to path: String, mode: Int) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test func anSKFromALinkAPipeOrStandardInputIsRead() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            let home = rollout.home.path
            // A Kubernetes Secret volume: sk → ..data/sk, ..data → ..2026_12_05_17_00_00.1/, mode 0400.
            try write(Self.sk + "\n", to: "\(home)/secret/..2026_12_05_17_00_00.1/sk", mode: 0o400)
            try FileManager.default.createSymbolicLink(atPath: "\(home)/secret/..data", withDestinationPath: "..2026_12_05_17_00_00.1")
            try FileManager.default.createSymbolicLink(atPath: "\(home)/secret/sk", withDestinationPath: "..data/sk")
            for (file, stdin) in [("\(home)/secret/sk", nil), ("<(printf %s \(Self.sk))", nil), ("/dev/stdin", Self.sk + "\n")] {
                let result = try await charts(skFile: file, stdin: stdin, in: rollout, at: emulator.url!)
                #expect(result.code == 0, "\(file): \(result.all)")
                #expect(!result.all.contains(Self.sk))
            }
        }
    }

    @Test func aLinkToAFileOthersCanReadIsRefusedNamingTheFile() async throws {
        let rollout = try RolloutProcess()
        let home = rollout.home.path
        try write(Self.sk, to: "\(home)/dotfiles/sk", mode: 0o644)
        try FileManager.default.createSymbolicLink(atPath: "\(home)/sk", withDestinationPath: "\(home)/dotfiles/sk")
        let result = try await charts(skFile: "\(home)/sk", in: rollout, at: URL(string: "http://127.0.0.1:9")!)
        #expect(result.code == 2, "\(result.all)")
        #expect(result.err.contains("refusing \(home)/sk (a link to \(home)/dotfiles/sk): it holds a secret (the SK) and others can read it (mode 644); run 'chmod 600 \(home)/dotfiles/sk'"), "\(result.err)")
    }

    @Test func huaweisCredentialsFileLinkedFromADotfilesFolderIsRead() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            let home = rollout.home.path
            let keys = "[basic]\nak = \(EmulatorCredentials.localAccessKey)\nsk = \(Self.sk)\nproject_id = \(EmulatorCredentials.localProjectID)\n"
            try write(keys, to: "\(home)/dotfiles/huaweicloud/credentials", mode: 0o600)
            try FileManager.default.createDirectory(atPath: "\(home)/.huaweicloud", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: "\(home)/.huaweicloud/credentials", withDestinationPath: "../dotfiles/huaweicloud/credentials")
            let result = try await rollout.run(["--endpoint", emulator.url!.absoluteString, "-c", "charts"])
            #expect(result.code == 0, "\(result.all)")
        }
    }

    @Test func anEmptyOrMissingSKFileSaysWhich() async throws {
        let rollout = try RolloutProcess()
        let empty = try await charts(skFile: "<(true)", in: rollout, at: URL(string: "http://127.0.0.1:9")!)
        #expect(empty.code == 2 && empty.err.contains("is empty"), "\(empty.all)")
        let missing = try await charts(skFile: "/nonexistent/sk", in: rollout, at: URL(string: "http://127.0.0.1:9")!)
        #expect(missing.code == 2 && missing.err.contains("cannot read /nonexistent/sk: No such file or directory"), "\(missing.all)")
    }
}
