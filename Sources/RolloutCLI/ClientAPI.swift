public import AutopilotClient
public import RolloutRuntime

/// The client is what scripts run against. The conformance lives here, where the language and the
/// client meet, so that neither has to know the other.
extension AutopilotClient: ReleaseAPI {}
