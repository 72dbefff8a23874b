/// The keyword a statement starts with.
enum Keyword: String, CaseIterable {
    case use, set, `let`, upgrade, rollback, install, uninstall, show, status, list, history, charts, chart, values
    case wait, expect, sleep, echo, pause, abort

    /// The keyword a bare word spells, found by its length and first letter (no two keywords share
    /// both) and then compared byte by byte: this runs for every statement.
    init?(_ lexeme: Lexeme, in text: TokenText) {
        guard lexeme.kind == .word, lexeme.plain, lexeme.end > lexeme.start else { return nil }
        let candidate: Keyword
        let name: StaticString
        switch (lexeme.end - lexeme.start, text.firstByte(of: lexeme)) {
        case (3, UInt8(ascii: "u")): (candidate, name) = (.use, "use")
        case (3, UInt8(ascii: "s")): (candidate, name) = (.set, "set")
        case (3, UInt8(ascii: "l")): (candidate, name) = (.let, "let")
        case (7, UInt8(ascii: "u")): (candidate, name) = (.upgrade, "upgrade")
        case (8, UInt8(ascii: "r")): (candidate, name) = (.rollback, "rollback")
        case (7, UInt8(ascii: "i")): (candidate, name) = (.install, "install")
        case (9, UInt8(ascii: "u")): (candidate, name) = (.uninstall, "uninstall")
        case (4, UInt8(ascii: "s")): (candidate, name) = (.show, "show")
        case (6, UInt8(ascii: "s")): (candidate, name) = (.status, "status")
        case (4, UInt8(ascii: "l")): (candidate, name) = (.list, "list")
        case (7, UInt8(ascii: "h")): (candidate, name) = (.history, "history")
        case (6, UInt8(ascii: "c")): (candidate, name) = (.charts, "charts")
        case (5, UInt8(ascii: "c")): (candidate, name) = (.chart, "chart")
        case (6, UInt8(ascii: "v")): (candidate, name) = (.values, "values")
        case (4, UInt8(ascii: "w")): (candidate, name) = (.wait, "wait")
        case (6, UInt8(ascii: "e")): (candidate, name) = (.expect, "expect")
        case (5, UInt8(ascii: "s")): (candidate, name) = (.sleep, "sleep")
        case (4, UInt8(ascii: "e")): (candidate, name) = (.echo, "echo")
        case (5, UInt8(ascii: "p")): (candidate, name) = (.pause, "pause")
        case (5, UInt8(ascii: "a")): (candidate, name) = (.abort, "abort")
        default: return nil
        }
        guard text.isExactly(lexeme, name) else { return nil }
        self = candidate
    }
}
