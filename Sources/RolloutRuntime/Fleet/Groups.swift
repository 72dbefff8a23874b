import AutopilotModels
import RolloutSyntax

extension Interpreter {
    /// `group NAME = ...`: finds the members now (reading the API for a query) and keeps them under
    /// the name. An empty group fails, saying why it is empty.
    func defineGroup(_ name: String, _ members: GroupMembers, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let found: [FleetMember]
        switch members {
        case .clusters(let words):
            found = try words.map { (word) throws(StepFailure) in FleetMember(cluster: try expand(word)) }
        case .clustersMatching(let word):
            found = try await clusters(matching: try expand(word), for: name, info)
        case .releases(let words):
            found = try words.map { (word) throws(StepFailure) in try Self.member(try expand(word)) }
        case .fleet(let word):
            let fleet = try expand(word)
            guard let entries = fleets[fleet] else {
                let known = fleets.keys.sorted().joined(separator: ", ")
                throw StepFailure(.invalid, "no fleet '\(fleet)' in the profile" + (known.isEmpty ? "" : " (fleets: \(known))"))
            }
            found = try entries.map { (entry) throws(StepFailure) in
                MemberPath.split(entry) != nil ? try Self.member(entry) : FleetMember(cluster: entry)
            }
            if found.isEmpty { throw StepFailure(.invalid, "group \(name) is empty: the fleet '\(fleet)' in the profile lists no one") }
        case .query(let query):
            found = try await releases(matching: query, for: name, info)
        }
        guard !found.isEmpty else { throw StepFailure(.invalid, "group \(name) is empty") }
        var seen: Set<FleetMember> = []
        let distinct = found.filter { seen.insert($0).inserted }
        groups[name] = distinct
        if mode == .plan, !readsLive, case .query = members {
            return .planned("reads the releases of \(distinct.count) cluster\(distinct.count == 1 ? "" : "s") when it runs; here one stands in for each cluster's")
        }
        if mode == .plan, !readsLive, case .clustersMatching = members {
            return .planned("reads the project's clusters when it runs; here one stands in for those that match")
        }
        return .group(name: name, members: distinct)
    }

    /// The project's clusters whose name matches a pattern, by name, read now; a plan that reads
    /// nothing has one stand in for them.
    private func clusters(matching pattern: String, for name: String, _ info: StepInfo) async throws(StepFailure) -> [FleetMember] {
        if mode == .plan, !readsLive { return [FleetMember(cluster: "<each cluster matching \(pattern)>")] }
        let api = api
        let all = try await readThrough(info, deadline: ContinuousClock.now + context.timeout) { () async throws(AutopilotError) in
            try await api.clusters()
        }
        let names = all.map(\.name).sorted()
        let matching = names.filter { NamePattern.matches($0, pattern) }
        guard !matching.isEmpty else {
            let some = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : "")
            throw StepFailure(
                .invalid, "group \(name) is empty: no cluster's name matches \(pattern)" + (names.isEmpty ? " (the project has no clusters)" : " (the project's clusters: \(some))"))
        }
        return matching.map { FleetMember(cluster: $0) }
    }

    /// A release member from `<cluster>/<namespace>/<release>`.
    private static func member(_ text: String) throws(StepFailure) -> FleetMember {
        guard let parts = MemberPath.split(text) else {
            throw StepFailure(.invalid, "'\(text)' is not a release member: write \(MemberPath.form)")
        }
        return FleetMember(cluster: parts.cluster, namespace: parts.namespace, release: parts.release)
    }

    /// The releases a query names, read from each of its clusters (64 at a time, as many as the client
    /// keeps connections), in cluster order.
    private func releases(matching query: ReleaseQuery, for name: String, _ info: StepInfo) async throws(StepFailure) -> [FleetMember] {
        var clusters: [String] = []
        for word in query.clusters {
            let text = try expand(word)
            if let group = groups[text] {
                clusters += group.filter { $0.release == nil }.map(\.cluster)
            } else {
                clusters.append(text)
            }
        }
        let chart = try query.chart.map { (word) throws(StepFailure) in try expand(word) }
        let pattern = try query.pattern.map { (word) throws(StepFailure) in try expand(word) }
        let namespace = try query.namespace.map { (word) throws(StepFailure) in try expand(word) }
        let described = [
            chart.map { "of chart \($0)" }, pattern.map { "matching \($0)" }, namespace.map { "in namespace \($0)" },
        ].compactMap { $0 }.joined(separator: " ")
        if mode == .plan, !readsLive {
            // A plan that reads nothing: the group stands for what the run will find.
            let release = "<each release\(described.isEmpty ? "" : " " + described)>"
            return clusters.map { FleetMember(cluster: $0, namespace: namespace ?? "<its namespace>", release: release) }
        }
        let (api, resolve) = (api, resolveCluster)
        var lists = await Self.inBatches(clusters, width: 64) { cluster async -> Result<[Release], AutopilotError> in
            do throws(AutopilotError) {
                return .success(try await api.releases(in: resolve(cluster), namespace: namespace, chart: nil))
            } catch {
                return .failure(error)
            }
        }
        // A cluster whose read met a transient error is read again, until the timeout.
        let deadline = ContinuousClock.now + context.timeout
        for (index, list) in lists.enumerated() {
            guard case .failure(let error) = list, error.isTransient else { continue }
            let cluster = resolve(clusters[index])
            do throws(StepFailure) {
                lists[index] = .success(try await readThrough(info, deadline: deadline) { () async throws(AutopilotError) in
                    try await api.releases(in: cluster, namespace: namespace, chart: nil)
                })
            } catch {
                throw StepFailure(error.kind, "cannot read the releases of cluster \(clusters[index]) for group \(name): \(error.message)", apiError: error.apiError)
            }
        }
        var members: [FleetMember] = []
        var seen = 0
        for (cluster, list) in zip(clusters, lists) {
            let releases: [Release]
            switch list {
            case .success(let found): releases = found
            case .failure(let error): throw StepFailure(.api, "cannot read the releases of cluster \(cluster) for group \(name): \(error.description)", apiError: error)
            }
            seen += releases.count
            for release in releases.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) })
            where (chart == nil || release.chartName == chart) && (pattern.map { NamePattern.matches(release.name, $0) } ?? true) {
                members.append(FleetMember(cluster: cluster, namespace: release.namespace, release: release.name))
            }
        }
        if members.isEmpty {
            let scope = clusters.count == 1 ? "cluster \(clusters[0])" : "\(clusters.count) clusters (\(clusters.prefix(5).joined(separator: ", "))\(clusters.count > 5 ? ", …" : ""))"
            throw StepFailure(
                .invalid,
                "group \(name) is empty: no release\(described.isEmpty ? "" : " " + described) on \(scope), which \(seen == 1 ? "has 1 release" : "have \(seen) releases") in all")
        }
        return members
    }

    /// Runs `body` for each item, at most `width` at a time; the results keep the items' order.
    static func inBatches<T: Sendable, R: Sendable>(_ items: [T], width: Int, _ body: @escaping @Sendable (T) async -> R) async -> [R] {
        await withTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            while next < min(width, items.count) {
                let (index, item) = (next, items[next])
                group.addTask { (index, await body(item)) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < items.count {
                    let (index, item) = (next, items[next])
                    group.addTask { (index, await body(item)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
