/// Name patterns as shells match them: `*` is any text and `?` one character; everything else is
/// itself. Groups' `matching` and the emulator's fault rules both use them.
public enum NamePattern {
    /// True when the name matches the pattern, whole.
    public static func matches(_ name: String, _ pattern: String) -> Bool {
        let n = Array(name), p = Array(pattern)
        var (i, j) = (0, 0)
        var star: Int?
        var mark = 0
        while i < n.count {
            if j < p.count, p[j] == "?" || p[j] == n[i] {
                i += 1
                j += 1
            } else if j < p.count, p[j] == "*" {
                star = j
                mark = i
                j += 1
            } else if let s = star {
                j = s + 1
                mark += 1
                i = mark
            } else {
                return false
            }
        }
        while j < p.count, p[j] == "*" { j += 1 }
        return j == p.count
    }
}
