/// Edit distance, for did-you-mean notes.
public enum Suggest {
    /// How a note offers the word that was likely meant; the checker's tests read it back.
    public static func didYouMean(_ meant: String) -> String { "did you mean '\(meant)'?" }

    /// The candidate closest to a word, if one is close enough to be what was meant: a few edits
    /// away, or begun by a word of three letters or more (`lang` for `language`). Among those, one
    /// the word begins, then one that holds the word's letters in order (`lst` is `list` with a
    /// letter left out, not `let` with one changed), then the fewest edits.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let typed = word.lowercased()
        let limit = max(1, typed.count / 3)
        let scored = candidates.compactMap { candidate -> (String, Int, Int)? in
            let score = distance(typed, candidate)
            let lowered = candidate.lowercased()
            guard score <= limit || (typed.count >= 3 && lowered.hasPrefix(typed)) else { return nil }
            let likeness = lowered.hasPrefix(typed) ? 0 : isSubsequence(typed, of: lowered) ? 1 : 2
            return (candidate, likeness, score)
        }
        return scored.min { ($0.1, $0.2) < ($1.1, $1.2) }?.0
    }

    /// True when `word`'s characters appear in `text` in the same order.
    static func isSubsequence(_ word: String, of text: String) -> Bool {
        var rest = Substring(text)
        for character in word {
            guard let found = rest.firstIndex(of: character) else { return false }
            rest = rest[rest.index(after: found)...]
        }
        return true
    }

    /// Optimal string alignment distance: edits and swaps of neighbours each cost 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let (x, y) = (Array(a), Array(b))
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}
