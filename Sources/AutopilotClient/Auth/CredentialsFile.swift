public import Foundation

/// Huawei's own credentials file, `~/.huaweicloud/credentials` (or `HUAWEICLOUD_SDK_CREDENTIALS_FILE`),
/// as its Python and Go SDKs read it: INI sections, the `[basic]` one holding `ak`, `sk`,
/// `project_id`, `security_token` and `iam_endpoint`.
public enum CredentialsFile {
    /// Where the file is for an environment: the variable, else under `HOME`.
    public static func path(environment: [String: String]) -> String? {
        if let path = environment["HUAWEICLOUD_SDK_CREDENTIALS_FILE"], !path.isEmpty { return path }
        return environment["HOME"].map { "\($0)/.huaweicloud/credentials" }
    }

    /// The `[basic]` section's credentials, with what `[DEFAULT]` gives every section as Python's
    /// `configparser` reads it; nil when the file does not exist or names no key at all (the SDK
    /// then goes on to the next source). Half a key pair is an error, and so is a file that holds
    /// a secret and can be read by group or others, as rollout's own profile file is.
    public static func read(environment: [String: String]) throws(CredentialProblem) -> (Credentials.Sourced, iamEndpoint: String?)? {
        guard let path = path(environment: environment), FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = String(validating: try SecretFile.read(path, holding: nil), as: UTF8.self) else {
            throw CredentialProblem(message: "cannot read \(path) as UTF-8 text")
        }
        let sections = parse(text)
        guard let own = sections["basic"] else { return nil }
        let basic = (sections["DEFAULT"] ?? [:]).merging(own) { $1 }
        if basic["idp_id"] != nil || basic["id_token_file"] != nil {
            throw CredentialProblem(
                message: "\(path) [basic] names federated credentials (idp_id, id_token_file), which rollout does not support; Huawei's SDK would sign with them, so rollout stops rather than sign as another identity")
        }
        let ak = basic["ak"].flatMap { $0.isEmpty ? nil : $0 }, sk = basic["sk"].flatMap { $0.isEmpty ? nil : $0 }
        guard ak != nil || sk != nil else { return nil }
        guard let ak, let sk else {
            throw CredentialProblem(message: "\(path) [basic] has \(ak == nil ? "sk" : "ak") without \(ak == nil ? "ak" : "sk"); a key pair needs both")
        }
        try SecretFile.refuseIfReadable(path, holding: "sk")
        let key = AccessKey(
            id: ak, secret: Secret(sk), projectID: basic["project_id"].flatMap { $0.isEmpty ? nil : $0 },
            securityToken: basic["security_token"].flatMap { $0.isEmpty ? nil : Secret($0) })
        return (Credentials.Sourced(.accessKey(key), from: "Huawei's credentials file \(path) [basic]"), basic["iam_endpoint"])
    }

    /// Sections of `key = value` lines (also `key: value`), `#` and `;` comment lines skipped; keys
    /// lower-cased, as Python's `configparser` reads them.
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                sections[current!, default: [:]] = sections[current!] ?? [:]
                continue
            }
            guard let current, let mark = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<mark].trimmingCharacters(in: .whitespaces).lowercased()
            sections[current]![key] = line[line.index(after: mark)...].trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
