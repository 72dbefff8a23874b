/// Which value keys hold secrets: passwords, tokens, keys.
public enum SecretKeys {
    /// True for keys such as `mysql_password`, `apiToken`, `secret_key`, `credentials`.
    public static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "passwd", "secret", "token", "credential", "private_key", "privatekey", "access_key", "accesskey"]
            .contains { lowered.contains($0) }
    }
}
