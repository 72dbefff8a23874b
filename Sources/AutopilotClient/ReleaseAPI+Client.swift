/// The client is what scripts run against: its operations are the `ReleaseAPI` the interpreter
/// calls, so the language and the client need not know each other.
extension AutopilotClient: ReleaseAPI {}
