/// The wire models and the API's rules (`Release`, `Chart`, `JSONValue`, `ReleaseName`, …) live in
/// `AutopilotModels`, which has no networking, so that the language's front end can read them; every
/// user of the client sees them through `import AutopilotClient`.
@_exported public import AutopilotModels
