import RolloutSyntax

/// `NAME=VALUE` words from after `--`.
enum Assignments {
    static func parse(_ words: [String]) throws -> [String: String] {
        var variables: [String: String] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw CLIError("'\(word)' after -- is not NAME=VALUE", exitCode: 2)
            }
            let name = String(word[..<equals])
            guard VariableName.isValid(name) else {
                throw CLIError("'\(name)' is not a variable name: \(VariableName.rule)", exitCode: 2)
            }
            variables[name] = String(word[word.index(after: equals)...])
        }
        return variables
    }
}
