import AutopilotClient
import Foundation
import GRDB

/// The emulator's state in SQLite (`--state FILE`): a row a release and a row a chart, each written
/// in its own transaction before the answer is sent, so an answered change survives `kill -9`.
final class Persistence: Sendable {
    private let database: DatabasePool

    /// Opens (or creates) the state file.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a committed transaction survives the process being killed.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        database = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "release") { t in
                t.primaryKey("key", .text)
                t.column("body", .text).notNull()
                t.column("changeCount", .integer).notNull()
            }
            try db.create(table: "chart") { t in
                t.primaryKey("id", .text)
                t.column("body", .text).notNull()
                t.column("package", .blob).notNull()
            }
        }
        try migrator.migrate(database)
    }

    /// Everything saved.
    func load() throws -> (releases: [StoredRelease], charts: [StoredChart], changeCounts: [ReleaseKey: Int]) {
        try database.read { db in
            let decoder = JSONDecoder()
            var releases: [StoredRelease] = []
            var counts: [ReleaseKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT body, changeCount FROM release") {
                let body: String = row["body"]
                let release = try decoder.decode(StoredRelease.self, from: Data(body.utf8))
                releases.append(release)
                counts[release.key] = row["changeCount"]
            }
            var charts: [StoredChart] = []
            for row in try Row.fetchAll(db, sql: "SELECT body, package FROM chart") {
                let body: String = row["body"]
                var chart = try decoder.decode(StoredChart.self, from: Data(body.utf8))
                let package: Data = row["package"]
                chart.package = Array(package)
                charts.append(chart)
            }
            return (releases, charts, counts)
        }
    }

    /// Writes a release and its change count.
    func save(_ release: StoredRelease, changeCount: Int) throws {
        let body = String(decoding: try JSONEncoder().encode(release), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO release (key, body, changeCount) VALUES (?, ?, ?)",
                arguments: [release.key.text, body, changeCount])
        }
    }

    /// Writes a chart with its package.
    func save(_ chart: StoredChart) throws {
        var stripped = chart
        stripped.package = []
        let body = String(decoding: try JSONEncoder().encode(stripped), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO chart (id, body, package) VALUES (?, ?, ?)",
                arguments: [chart.id, body, Data(chart.package)])
        }
    }

    /// Removes a chart.
    func deleteChart(id: String) throws {
        try database.write { db in try db.execute(sql: "DELETE FROM chart WHERE id = ?", arguments: [id]) }
    }
}
