/// What an analysis asks a metrics source (a Prometheus server, Huawei's AOM): one PromQL query,
/// evaluated now. The runtime measures through it, so it runs against anything that answers
/// PromQL, as it changes releases through `ReleaseAPI`.
public protocol MetricsAPI: Sendable {
    /// Evaluates `promql` at the source's present time.
    func query(_ promql: String) async throws -> MetricAnswer
}

/// The result of an instant query, as an analysis reads it.
public enum MetricAnswer: Sendable, Equatable {
    /// One number: a scalar, or a vector of one series.
    case value(Double)
    /// Nothing to judge by: an empty vector, or `NaN` (a ratio of nothing to nothing, as when a
    /// release served no request in the window).
    case noData
    /// A vector of several series, each by its labels (`{code="500", release="web-01"}`): a
    /// condition needs the query to aggregate them to one.
    case series([String: Double])
}
