/// Ends the process with a code, after output is done.
struct CLIExit: Error {
    var code: Int32
}
