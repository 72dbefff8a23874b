import Foundation

/// Standard output's terminal: its size, for the editor's hint and completion list, and for the
/// pager, the fleet board and `watch`.
public enum Terminal {
    /// Rows and columns, or nil when standard output is not a terminal that says.
    public static func size() -> (rows: Int, columns: Int)? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_row), Int(size.ws_col))
    }
}
