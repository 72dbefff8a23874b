import AutopilotModels

/// Left-aligned columns, as `helm list` and `helm history` print them. Cells are what the server
/// or the journal said, so their control characters are made visible.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    func render() -> String {
        let rows = rows.map { $0.map(\.terminalSafe) }
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }.joined()
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
