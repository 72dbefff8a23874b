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

    /// The release a statement names, once its name is typed in full (a space after it).
    private func releaseNamed(_ words: [String], keyword: Keyword, finished: Bool) -> String? {
        let settled = Array((finished ? words : Array(words.dropLast())).dropFirst())
        if keyword == .use, settled.count >= 2, settled[0] == UseKind.release.rawValue { return settled[1] }
        guard keyword.form.readsBySlots else { return nil }
        return NextInForm(keyword, after: settled).release
    }
}
