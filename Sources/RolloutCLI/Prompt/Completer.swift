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
    private let analyses = Mutex<[String]>([])
    private let cache = Mutex<[String: (Date, [String])]>([:])
    private let refreshing = Mutex<Set<String>>([])

    init(session: Session, context: RunContext) {
        self.session = session
        self.context = Mutex(context)
    }

    /// Keeps the context completion works in, and the groups and analyses defined so far.
    func update(_ context: RunContext, groups: [String] = [], analyses: [String] = []) {
        self.context.withLock { $0 = context }
        self.groups.withLock { $0 = groups.sorted() }
        self.analyses.withLock { $0 = analyses.sorted() }
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
        if words.first == Keyword.group.rawValue, let last = words.last.flatMap(ArgumentWord.init(rawValue:)), last == .on || last == .in {
            return last == .in ? namespaces() : clusters() + groups.withLock { $0 }
        }
        guard let keyword = Keyword(rawValue: first) else {
            if PromptCommand(rawValue: first) == .help, words.count == 1 { return Keyword.allCases.map(\.rawValue) + HelpTopic.allCases.map(\.rawValue) }
            return words.count == 1 ? firstWords : []
        }
        if keyword.form.readsBySlots {
            let next = NextInForm(keyword, after: Array(words.dropFirst()))
            return next.sources.flatMap { values(from: $0, next) } + next.words
        }
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
        case (.group, 2): return ["="]
        case (.group, 3): return GroupSource.allCases.map(\.rawValue)
        case (.group, _): return groupMembers(words)
        case (.analysis, 2): return ["="]
        case (.analysis, 3): return AnalysisSource.allCases.map(\.rawValue)
        case (.analysis, _): return AnalysisOption.allCases.map(\.rawValue).filter { !words.contains($0) }
        case (.rollout, 1): return groups.withLock { $0 }
        case (.rollout, _): return rolloutClauses(words)
        default: return []
        }
    }

    /// The values a slot's source holds on the target.
    private func values(from source: CompletionSource, _ next: NextInForm) -> [String] {
        switch source {
        case .releases: return next.namespace == nil ? releasesWithTheirNamespace() : releases()
        case .namespaces: return namespaces()
        case .clusters: return clusters()
        case .charts: return chartNames() + charts()
        case .versions:
            guard let release = next.release ?? context.withLock({ $0.release }) else { return [] }
            return versions(of: release, in: next.namespace)
        case .words(let words): return words
        case .analyses: return analyses.withLock { $0 }
        case .nothing: return []
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
        case .analyze: return analyses.withLock { $0 }
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

    /// A cached list, fetched at most every ten seconds; waits up to two seconds for a fetch, and
    /// a fetch that takes longer still fills the cache for the next Tab.
    private func cached(_ key: String, fetch: @escaping @Sendable () async throws -> [String]) -> [String] {
        if let (time, values) = cache.withLock({ $0[key] }), Date().timeIntervalSince(time) < 10 { return values }
        let result = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        Task {
            let values = (try? await fetch()) ?? []
            result.withLock { $0 = values }
            self.cache.withLock { $0[key] = (Date(), values) }
            done.signal()
        }
        guard done.wait(timeout: .now() + 2) == .success else { return [] }
        return result.withLock { $0 }
    }
}
