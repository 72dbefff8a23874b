import RolloutLanguage

/// `NAME=VALUE` words from after `--`.
enum Assignments {
    static func parse(_ words: [String]) throws -> [String: String] {
        var variables: [String: String] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw CLIError("'\(word)' after -- is not NAME=VALUE", exitCode: 2)
            }
            let name = String(word[..<equals])
            guard name.first.map({ !$0.isNumber }) == true, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw CLIError("'\(name)' is not a variable name (letters, digits and _)", exitCode: 2)
            }
            variables[name] = String(word[word.index(after: equals)...])
        }
        return variables
    }
}
