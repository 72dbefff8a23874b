import RolloutSyntax

extension Completer {
    /// The hint shown at the right of the line while typing: after a release name, where that
    /// release lives; else the form of the statement (or prompt command) being typed. Nil when
    /// there is nothing to say. Reads only what is cached, since it runs at every key.
    func hint(_ lineBeforeCursor: String) -> String? {
        let statement = lineBeforeCursor.split(omittingEmptySubsequences: false) { $0 == ";" || $0 == "{" }.last ?? ""
        let words = statement.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        let typingFirst = words.count == 1 && !statement.hasSuffix(" ")
        if typingFirst {
            let forms = Keyword.statements.map { ($0.rawValue, $0.syntax) } + PromptCommand.allCases.map { ($0.rawValue, $0.syntax) }
            let matching = forms.filter { $0.0.hasPrefix(first) }
            guard let only = matching.count == 1 ? matching.first : matching.first(where: { $0.0 == first }) else { return nil }
            return only.1 == only.0 ? nil : only.1
        }
        if let command = PromptCommand(rawValue: first) {
            // `watch` takes a statement: its hint is that statement's.
            if command == .watch && words.count > 1 { return hint(words.dropFirst().joined(separator: " ") + (statement.hasSuffix(" ") ? " " : "")) }
            return command.syntax == command.rawValue ? nil : command.syntax
        }
        guard let keyword = Keyword(rawValue: first) else { return nil }
        // Asked at every key of a statement, so that the list is there once its release is typed.
        let known = knownReleases()
        if let release = releaseNamed(words, keyword: keyword, finished: statement.hasSuffix(" ")), let known {
            let namespaces = known.filter { $0.name == release }.map(\.namespace).sorted()
            return namespaces.isEmpty
                ? "no release \(release) on this cluster"
                : "\(release) is in \(namespaces.count == 1 ? "namespace" : "namespaces") \(namespaces.joined(separator: ", "))"
        }
        return keyword.syntax
    }

    /// The release a statement names, once its name is typed in full (a space after it): the word
    /// after a statement that acts on a release, after `for`, or after `use release`.
    private func releaseNamed(_ words: [String], keyword: Keyword, finished: Bool) -> String? {
        let settled = finished ? words : Array(words.dropLast())
        if let at = settled.lastIndex(of: ArgumentWord.for.rawValue), at + 1 < settled.count { return settled[at + 1] }
        if keyword == .use, settled.count >= 3, settled[1] == UseKind.release.rawValue { return settled[2] }
        guard keyword.needsRelease, keyword != .wait, keyword != .expect, settled.count >= 2 else { return nil }
        return ArgumentWord(rawValue: settled[1]) == nil ? settled[1] : nil
    }
}
