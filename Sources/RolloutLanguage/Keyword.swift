/// The keyword a statement starts with.
enum Keyword: String, CaseIterable {
    case use, set, `let`, upgrade, rollback, install, uninstall, show, status, list, history, charts, chart, values
    case wait, expect, sleep, echo, pause, abort

    /// The keyword a bare word spells, found by its length and first letter (no two keywords share
    /// both) and then compared byte by byte: this runs for every statement.
    init?(_ lexeme: Lexeme, in text: TokenText) {
        guard lexeme.kind == .word, lexeme.plain, lexeme.end > lexeme.start else { return nil }
        let candidate: Keyword
        switch (lexeme.end - lexeme.start, text.firstByte(of: lexeme)) {
        case (3, UInt8(ascii: "u")): candidate = .use
        case (3, UInt8(ascii: "s")): candidate = .set
        case (3, UInt8(ascii: "l")): candidate = .let
        case (7, UInt8(ascii: "u")): candidate = .upgrade
        case (8, UInt8(ascii: "r")): candidate = .rollback
        case (7, UInt8(ascii: "i")): candidate = .install
        case (9, UInt8(ascii: "u")): candidate = .uninstall
        case (4, UInt8(ascii: "s")): candidate = .show
        case (6, UInt8(ascii: "s")): candidate = .status
        case (4, UInt8(ascii: "l")): candidate = .list
        case (7, UInt8(ascii: "h")): candidate = .history
        case (6, UInt8(ascii: "c")): candidate = .charts
        case (5, UInt8(ascii: "c")): candidate = .chart
        case (6, UInt8(ascii: "v")): candidate = .values
        case (4, UInt8(ascii: "w")): candidate = .wait
        case (6, UInt8(ascii: "e")): candidate = .expect
        case (5, UInt8(ascii: "s")): candidate = .sleep
        case (4, UInt8(ascii: "e")): candidate = .echo
        case (5, UInt8(ascii: "p")): candidate = .pause
        case (5, UInt8(ascii: "a")): candidate = .abort
        default: return nil
        }
        guard text.isExactly(lexeme, candidate.rawValue) else { return nil }
        self = candidate
    }
}
