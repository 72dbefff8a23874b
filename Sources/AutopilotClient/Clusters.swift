extension AutopilotClient {
    /// The project's clusters (ListAutopilotClusters); needs a project id in the credentials.
    public func clusters() async throws(AutopilotError) -> [Cluster] {
        try await clusters(inProject: try await projectID(for: "listing clusters needs"))
    }

    /// The clusters of a project given by id.
    func clusters(inProject project: String) async throws(AutopilotError) -> [Cluster] {
        let output = try await call("ListAutopilotClusters") {
            try await api.listAutopilotClusters(path: .init(projectId: project))
        }
        switch output {
        case .ok(let ok):
            return try decode {
                try (ok.body.json.items ?? []).compactMap { item -> Cluster? in
                    guard let id = item.metadata?.uid, let name = item.metadata?.name else { return nil }
                    return Cluster(
                        id: id, name: name, alias: item.metadata?.alias ?? "", phase: item.status?.phase ?? "",
                        version: item.spec?.version ?? "")
                }
            }
        case .default(let status, _): throw unexpected("ListAutopilotClusters", status: status)
        }
    }
}
