public import AutopilotModels

/// Where analyses measure: a Prometheus server, AOM's query API and HTTP probes. A source left
/// nil is one the command line and the profile did not name; an analysis that needs it fails
/// with how to name it.
public struct AnalysisSources: Sendable {
    /// The Prometheus server (`--prometheus`, the profile's `prometheus`).
    public var prometheus: (any MetricsAPI)?
    /// AOM's Prometheus-compatible query API in the target's region.
    public var aom: (any MetricsAPI)?
    /// What sends HTTP probes.
    public var probe: (any ProbeAPI)?

    /// Sources; none by default.
    public init(prometheus: (any MetricsAPI)? = nil, aom: (any MetricsAPI)? = nil, probe: (any ProbeAPI)? = nil) {
        self.prometheus = prometheus
        self.aom = aom
        self.probe = probe
    }
}
