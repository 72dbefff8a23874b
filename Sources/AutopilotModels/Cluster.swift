/// A cluster of the project, as the cluster list names it: what `use cluster <name>` resolves.
public struct Cluster: Sendable, Hashable {
    /// The cluster id (`metadata.uid`), which every release call takes.
    public var id: String
    /// The cluster's name (`metadata.name`), unique in a project.
    public var name: String
    /// The display alias the console shows, when one is set.
    public var alias: String
    /// Where it is in its life: `Available`, `Creating`, `Unavailable`…
    public var phase: String
    /// The Kubernetes version, e.g. `v1.28`.
    public var version: String

    /// Makes a cluster value.
    public init(id: String, name: String, alias: String = "", phase: String = "", version: String = "") {
        self.id = id
        self.name = name
        self.alias = alias
        self.phase = phase
        self.version = version
    }
}
