import AutopilotModels
import Testing

@Suite struct ValuesDiffTests {
    @Test func nestedKeysArePathsAndOrderIsNoChange() {
        let old: JSONValue = ["basic": ["storage_size": "10G", "user": "magento", "ports": [80, 443]], "imageTag": "v1", "legacy": true]
        let new: JSONValue = ["imageTag": "v2", "basic": ["ports": [80, 8443, 9000], "user": "magento", "storage_size": "20G"], "extra": ["a": ["b": 1]]]
        let lines = ValuesDiff(from: old, to: new).changes.map { "\($0.kind.rawValue) \($0.path) \($0.oldText ?? "-") \($0.newText ?? "-")" }
        #expect(lines == [
            "changed basic.ports[1] 443 8443", "added basic.ports[2] - 9000", "changed basic.storage_size 10G 20G",
            "added extra.a.b - 1", "changed imageTag v1 v2", "removed legacy true -",
        ])
    }

    @Test func identicalValuesHaveNoDiffWhateverTheirOrder() {
        let old: JSONValue = ["a": 1, "b": ["c": "x", "d": [1, 2]]]
        let new: JSONValue = ["b": ["d": [1, 2], "c": "x"], "a": 1]
        #expect(ValuesDiff(from: old, to: new).isEmpty)
    }

    @Test func secretsAreNeverShownEvenUnderAnAddedObject() {
        let old: JSONValue = ["basic": ["mysql_password": "old-secret"]]
        let new: JSONValue = ["basic": ["mysql_password": "new-secret"], "db": ["password": "hunter2", "host": "db"]]
        let changes = ValuesDiff(from: old, to: new).changes
        let shown = changes.map { "\($0.path) \($0.oldText ?? "-") \($0.newText ?? "-")" }
        #expect(shown == ["basic.mysql_password ****** ******", "db.host - db", "db.password - ******"])
        #expect(!"\(changes.map { [$0.shownOld, $0.shownNew] })".contains("secret"))
        #expect(!"\(changes.map { [$0.shownOld, $0.shownNew] })".contains("hunter2"))
    }

    @Test func anUpgradeMergesOverTheCurrentValuesOrTheChartsWithReset() {
        let current: JSONValue = ["a": 1, "b": ["c": 2]]
        let defaults: JSONValue = ["a": 0, "d": 4]
        let change: JSONValue = ["b": ["e": 5]]
        #expect(JSONValue.upgraded(current: current, chartDefaults: defaults, change: change, resetValues: false) == ["a": 1, "b": ["c": 2, "e": 5]])
        #expect(JSONValue.upgraded(current: current, chartDefaults: defaults, change: change, resetValues: true) == ["a": 0, "d": 4, "b": ["e": 5]])
    }
}
