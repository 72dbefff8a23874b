import AutopilotClient
import AutopilotEmulator
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// Tab completion: statements and keywords, then live names from the target (clusters and
/// aliases, namespaces, releases, versions, statuses, chart ids), cached for ten seconds.
final class Completer: Sendable {
    private let session: Session
    private let context: Mutex<RunContext>
    private let groups = Mutex<[String]>([])
    private let cache = Mutex<[String: (Date, [String])]>([:])
    private let refreshing = Mutex<Set<String>>([])

    init(session: Session, context: RunContext) {
        self.session = session
        self.context = Mutex(context)
    }

    /// Keeps the context completion works in, and the groups defined so far.
    func update(_ context: RunContext, groups: [String] = []) {
        self.context.withLock { $0 = context }
        self.groups.withLock { $0 = groups.sorted() }
    }

    /// Candidates for the word being typed; a name from the server with control characters in it
    /// is not offered, since the line editor would print it raw.
    func complete(_ lineBeforeCursor: String, _ word: String) -> [String] {
        candidates(lineBeforeCursor, word).filter { $0 == $0.terminalSafe }
    }

    private func candidates(_ lineBeforeCursor: String, _ word: String) -> [String] {
        let statement = lineBeforeCursor.split(separator: ";", omittingEmptySubsequences: false).last ?? ""
        let words = statement.split(separator: " ").map(String.init)
        let firstWords = Keyword.allCases.map(\.rawValue) + PromptCommand.allCases.map(\.rawValue)
        guard let first = words.first else { return firstWords }
        switch ArgumentWord(rawValue: words.last ?? "") {
        case .in: return namespaces()
        case .on: return clusters() + (words.first == Keyword.group.rawValue ? groups.withLock { $0 } : [])
        case .for: return releases()
        case .to: return words.count >= 3 ? versions(of: words[1], in: namespace(named: words)) : []
        default: break
        }
        guard let keyword = Keyword(rawValue: first) else {
            if PromptCommand(rawValue: first) == .help, words.count == 1 { return Keyword.allCases.map(\.rawValue) }
            return words.count == 1 ? firstWords : []
        }
        let statuses = WaitStatus.allCases.map(\.rawValue)
        let targetWords = keyword.takesTarget ? [ArgumentWord.in, .on].map(\.rawValue) : []
        switch (keyword, words.count) {
        case (.use, 1): return UseKind.allCases.map(\.rawValue)
        case (.use, 2):
            switch UseKind(rawValue: words[1]) {
            case .cluster: return clusters()
            case .namespace: return namespaces()
            default: return releases()
            }
        case (.set, 1): return SettingName.allWords
        case (.set, 2):
            if ParameterFlag(rawValue: words[1]) != nil { return [Switch.on, .off].map(\.rawValue) }
            switch SettingName(rawValue: words[1]) {
            case .chart: return charts()
            case .pullPolicy: return PullPolicy.allCases.map(\.rawValue)
            default: return []
            }
        case (.wait, 1): return statuses
        case (.wait, _): return [ArgumentWord.for, .timeout].map(\.rawValue) + targetWords
        case (.expect, 1): return ExpectField.allCases.map(\.rawValue)
        case (.expect, 2): return Comparison.allCases.map(\.rawValue)
        case (.expect, 3) where words[1] == ExpectField.status.rawValue: return statuses
        case (.rollback, 1): return releases()
        case (.rollback, 2): return [ArgumentWord.to.rawValue] + versions(of: words[1], in: namespace(named: words))
        case (.diff, 2...): return diffWords(words)
        case (.upgrade, 2): return [ArgumentWord.ifChanged] + targetWords
        case (.install, 2): return [ArgumentWord.from.rawValue]
        case (.install, 3): return [Keyword.chart.rawValue]
        case (.install, 4): return charts()
        case (.chart, 1), (.values, 1): return charts()
        case (.group, 2): return ["="]
        case (.group, 3): return GroupSource.allCases.map(\.rawValue)
        case (.group, _): return groupMembers(words)
        case (.rollout, 1): return groups.withLock { $0 }
        case (.rollout, _): return rolloutClauses(words)
        case (_, 1) where keyword.needsRelease: return releasesWithTheirNamespace()
        default: return targetWords
        }
    }

    /// After `group NAME = <source>`: clusters, fleets, or a query's words.
    private func groupMembers(_ words: [String]) -> [String] {
        switch GroupSource(rawValue: words[3]) {
        case .clusters:
            if words.contains(QueryWord.matching.rawValue) { return [] }
            return (words.count == 4 ? [QueryWord.matching.rawValue] : []) + clusters()
        case .fleet: return words.count == 4 ? session.choice.fleets.keys.sorted() : []
        case .releases:
            if words.last == QueryWord.of.rawValue { return [Keyword.chart.rawValue] }
            if words.last == Keyword.chart.rawValue { return chartNames() }
            if words.last == QueryWord.matching.rawValue { return [] }
            return (QueryWord.allCases.map(\.rawValue) + [ArgumentWord.in.rawValue, ArgumentWord.on.rawValue]).filter { !words.contains($0) }
        case nil: return []
        }
    }

    /// After `rollout <group>`: the clauses not written yet, or the words of the one being written.
    private func rolloutClauses(_ words: [String]) -> [String] {
        let unused = RolloutClause.allCases.map(\.rawValue).filter { !words.contains($0) }
        switch words.last.flatMap(RolloutClause.init(rawValue:)) {
        case .waves: return ["1", "10%", WaveStep.restWord]
        case .halt: return [HaltRule.afterWord, HaltRule.atWord]
        case .then: return Array(Set(HaltPolicy.allCases.map { String($0.spelling.split(separator: " ")[0]) })).sorted()
        case .recovered, .failures: return ["ok"]
        case .parallel, .soak: return []
        case nil:
            if words.last == "rollback", words.dropLast().last == RolloutClause.then.rawValue {
                return HaltPolicy.allCases.compactMap(\.rollbackScope)
            }
            let lastClause = words.last { RolloutClause(rawValue: $0) != nil }.flatMap(RolloutClause.init(rawValue:))
            return (lastClause == .waves ? ["10%", WaveStep.restWord, WaveStep.gateWord] : []) + unused
        }
    }

    private func chartNames() -> [String] {
        Array(Set(cached("chart names") { try await self.session.client.charts().map(\.name) })).sorted()
    }

    private func clusters() -> [String] {
        let names = cached("cluster names") { try await self.session.clusterNames.clusters().map(\.name) }
        return Array(Set(session.choice.clusterAliases.keys).union(names)).sorted() + Array(Set(session.choice.clusterAliases.values)).sorted()
    }

    private func namespaces() -> [String] {
        var names = Set(releasePairs().map(\.namespace))
        for cluster in session.emulator?.configuration.clusters ?? [] where cluster.id == currentCluster() {
            names.formUnion(cluster.namespaces)
        }
        return names.sorted()
    }

    private func releases() -> [String] {
        Array(Set(releasePairs().map(\.name))).sorted()
    }

    /// Releases for the word after a statement: by name in the namespace in use, and with their
    /// `in <namespace>` when they live only elsewhere, so that the completed statement finds them.
    private func releasesWithTheirNamespace() -> [String] {
        let current = context.withLock { $0.namespace }
        let pairs = releasePairs()
        let here = Set(pairs.filter { $0.namespace == current }.map(\.name))
        let elsewhere = pairs.filter { !here.contains($0.name) }.map { "\($0.name) \(ArgumentWord.in.rawValue) \($0.namespace)" }
        return (Array(here) + elsewhere).sorted()
    }

    /// The namespace a statement names with `in`, if it does.
    private func namespace(named words: [String]) -> String? {
        guard let at = words.firstIndex(of: ArgumentWord.in.rawValue), at + 1 < words.count else { return nil }
        return words[at + 1]
    }

    /// After `diff <release>`, wherever its `in` and `on` stand: `from`, a version, `to`, a version.
    private func diffWords(_ words: [String]) -> [String] {
        let targets = [ArgumentWord.in, .on].map(\.rawValue)
        var rest: [String] = []
        var index = 0
        while index < words.count {
            if index > 0, targets.contains(words[index]) { index += 2; continue }
            rest.append(words[index])
            index += 1
        }
        let unused = targets.filter { !words.contains($0) }
        switch rest.last {
        case ArgumentWord.from.rawValue?, ArgumentWord.to.rawValue?: return versions(of: words[1], in: namespace(named: words))
        case _ where rest.count == 2: return [ArgumentWord.from.rawValue] + unused
        case _ where rest.count == 4: return [ArgumentWord.to.rawValue] + unused
        default: return unused
        }
    }

    private func versions(of release: String, in named: String?) -> [String] {
        let namespace = named ?? context.withLock { $0.namespace }
        guard let cluster = currentCluster() else { return [] }
        return cached("history \(cluster) \(namespace) \(release)") {
            try await self.session.api.history(of: release, in: namespace, cluster: cluster).map { String($0.version) }
        }
    }

    private func charts() -> [String] {
        cached("charts") { try await self.session.client.charts().map(\.id) }
    }

    private func currentCluster() -> String? {
        context.withLock { $0.cluster }.map { session.choice.clusterID($0) }
    }

    /// The releases of the cluster in use as (name, namespace), from the cache alone, for hints that
    /// follow each key: when the list is missing or old it is fetched in the background, and nil
    /// until it is there.
    func knownReleases() -> [(name: String, namespace: String)]? {
        let key = releasesKey
        let entry = cache.withLock { $0[key] }
        if entry.map({ Date().timeIntervalSince($0.0) >= 10 }) ?? true,
            refreshing.withLock({ $0.insert(key).inserted })
        {
            Task {
                if let values = try? await self.fetchReleases() { self.cache.withLock { $0[key] = (Date(), values) } }
                self.refreshing.withLock { _ = $0.remove(key) }
            }
        }
        return entry.map { Self.pairs($0.1) }
    }

    /// The releases of the cluster in use as (name, namespace), fetched as `cached` does.
    private func releasePairs() -> [(name: String, namespace: String)] {
        Self.pairs(cached(releasesKey) { try await self.fetchReleases() })
    }

    /// The cache's `name<TAB>namespace` entries as pairs.
    private static func pairs(_ entries: [String]) -> [(name: String, namespace: String)] {
        entries.compactMap { entry in
            let parts = entry.split(separator: "\t").map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// The cache's key for the releases of the cluster in use.
    private var releasesKey: String { "releases \(currentCluster() ?? "-")" }

    private func fetchReleases() async throws -> [String] {
        guard let cluster = currentCluster() else { return [] }
        return try await session.api.releases(in: cluster, namespace: nil, chart: nil).map { "\($0.name)\t\($0.namespace)" }
    }

    /// A cached list, fetched at most every ten seconds; waits up to two seconds for a fetch.
    private func cached(_ key: String, fetch: @escaping @Sendable () async throws -> [String]) -> [String] {
        if let (time, values) = cache.withLock({ $0[key] }), Date().timeIntervalSince(time) < 10 { return values }
        let result = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        Task {
            let values = (try? await fetch()) ?? []
            result.withLock { $0 = values }
            done.signal()
        }
        guard done.wait(timeout: .now() + 2) == .success else { return [] }
        let values = result.withLock { $0 }
        cache.withLock { $0[key] = (Date(), values) }
        return values
    }
}
