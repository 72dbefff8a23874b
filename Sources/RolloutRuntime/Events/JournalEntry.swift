public import AutopilotModels
public import RolloutSyntax

/// What every journal line says of where it comes from: when it was written, the target, the run and
/// its try, and who ran it where. A change's line and an analysis's line carry it under the same keys.
public struct JournalStamp: Sendable, Equatable, Codable {
    /// When it was written, ISO 8601 in UTC.
    public var time: String
    /// The target's URL.
    public var target: String
    /// The run's id.
    public var run: String
    /// The run's try: 1 for the run itself, then one more for each resume.
    public var attempt: Int
    /// The user and host that ran it.
    public var user: String
    public var host: String

    /// A stamp.
    public init(time: String, target: String, run: String, attempt: Int, user: String, host: String) {
        self.time = time
        self.target = target
        self.run = run
        self.attempt = attempt
        self.user = user
        self.host = host
    }

    enum CodingKeys: String, CodingKey {
        case time, target, run, attempt = "try", user, host
    }

    /// Reads a stamp; a line written before runs had ids and tries reads as try 1 of no run.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            time: try c.decode(String.self, forKey: .time), target: try c.decode(String.self, forKey: .target),
            run: try c.decodeIfPresent(String.self, forKey: .run) ?? "", attempt: try c.decodeIfPresent(Int.self, forKey: .attempt) ?? 1,
            user: try c.decodeIfPresent(String.self, forKey: .user) ?? "", host: try c.decodeIfPresent(String.self, forKey: .host) ?? "")
    }
}

/// One line of the journal: a change's intent (outcome `sending`) or its result, with the run and
/// try that made it, who made it and where, and the request id the service gave it. The journal
/// writes these and everything that reads the journal (`rollout journal`, resume) reads these, so
/// a field has one name and one meaning.
public struct JournalEntry: Sendable, Equatable {
    /// Where it comes from.
    public var stamp: JournalStamp
    /// The change, with the request id of its call.
    public var change: ChangeRecord

    /// An entry.
    public init(stamp: JournalStamp, change: ChangeRecord) {
        self.stamp = stamp
        self.change = change
    }

    /// When it was written, ISO 8601 in UTC.
    public var time: String { stamp.time }
    /// The target's URL.
    public var target: String { stamp.target }
    /// The run's id.
    public var run: String { stamp.run }
    /// The run's try.
    public var attempt: Int { stamp.attempt }
    /// The user that ran it.
    public var user: String { stamp.user }

    /// The change it is about, the same for its intent and its result: run, statement, member,
    /// release and action. Two tries of a run share it, since a resume settles the change an
    /// earlier try left unknown.
    public var changeKey: ChangeKey {
        ChangeKey(run: run, place: change.place, release: change.releaseKey, action: change.action.rawValue)
    }
}

/// What tells one change of the journal from another (`JournalEntry.changeKey`).
public struct ChangeKey: Hashable, Sendable {
    public var run: String
    public var place: ChangePlace
    public var release: String
    public var action: String
}

extension JournalEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case cluster, namespace, release, action, outcome, values, error, line, column, member, wave
        case versionBefore = "version_before", versionAfter = "version_after"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let actionText = try c.decode(String.self, forKey: .action)
        guard let action = Keyword(rawValue: actionText), action.changesRelease else {
            throw DecodingError.dataCorruptedError(forKey: .action, in: c, debugDescription: "'\(actionText)' is not a change")
        }
        let place = ChangePlace(
            line: try c.decodeIfPresent(Int.self, forKey: .line), column: try c.decodeIfPresent(Int.self, forKey: .column),
            member: try c.decodeIfPresent(String.self, forKey: .member), wave: try c.decodeIfPresent(Int.self, forKey: .wave))
        var change = ChangeRecord(
            action: action, cluster: try c.decode(String.self, forKey: .cluster), namespace: try c.decode(String.self, forKey: .namespace),
            release: try c.decode(String.self, forKey: .release), versionBefore: try c.decodeIfPresent(Int.self, forKey: .versionBefore),
            versionAfter: try c.decodeIfPresent(Int.self, forKey: .versionAfter), outcome: try c.decode(ChangeOutcome.self, forKey: .outcome),
            values: try c.decodeIfPresent(JSONValue.self, forKey: .values) ?? .object([:]), error: try c.decodeIfPresent(String.self, forKey: .error),
            place: place)
        change.requestID = try c.decodeIfPresent(String.self, forKey: .requestID)
        self.init(stamp: try JournalStamp(from: decoder), change: change)
    }

    public func encode(to encoder: any Encoder) throws {
        try stamp.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(change.requestID, forKey: .requestID)
        try c.encode(change.cluster, forKey: .cluster)
        try c.encode(change.namespace, forKey: .namespace)
        try c.encode(change.release, forKey: .release)
        try c.encode(change.action.rawValue, forKey: .action)
        try c.encode(change.outcome, forKey: .outcome)
        // Values are redacted here as well as by the interpreter: a line on disk never holds a secret.
        try c.encode(change.values.redactingSecrets(), forKey: .values)
        try c.encode(change.versionBefore, forKey: .versionBefore)
        try c.encode(change.versionAfter, forKey: .versionAfter)
        try c.encodeIfPresent(change.error, forKey: .error)
        try c.encodeIfPresent(change.place.line, forKey: .line)
        try c.encodeIfPresent(change.place.column, forKey: .column)
        try c.encodeIfPresent(change.place.member, forKey: .member)
        try c.encodeIfPresent(change.place.wave, forKey: .wave)
    }
}

/// A journal line about an analysis: the measurement that decided it (failed it, would have failed
/// a dry run, or was its last), with the query as sent, the value and the verdict, stamped as a
/// change's line is, with the statement and member it was made for. Readers of changes pass over it
/// (it has no action).
public struct AnalysisJournalEntry: Sendable, Equatable, Codable {
    /// Where it comes from.
    public var stamp: JournalStamp
    /// The measurement.
    public var measurement: AnalysisMeasurement
    /// The statement (`verify`, or the rollout) and the member it measured for.
    public var place: ChangePlace

    /// The line for a measurement made by a step.
    public init(stamp: JournalStamp, measurement: AnalysisMeasurement, step: StepInfo) {
        self.stamp = stamp
        self.measurement = measurement
        place = ChangePlace(line: step.location.line, column: step.location.column, member: step.member?.member.label, wave: step.member?.wave)
    }

    /// `kind`, always `analysis`, tells it from a change's line.
    enum CodingKeys: String, CodingKey { case kind }
    /// The `kind` of every analysis line.
    public static let kind = "analysis"

    /// Reads an analysis line; a change's line is not one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard try c.decode(String.self, forKey: .kind) == Self.kind else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "not an analysis line")
        }
        stamp = try JournalStamp(from: decoder)
        measurement = try AnalysisMeasurement(from: decoder)
        place = try ChangePlace(from: decoder)
    }

    /// Writes the stamp, the measurement and the place side by side in one object.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.kind, forKey: .kind)
        try stamp.encode(to: encoder)
        try measurement.encode(to: encoder)
        try place.encode(to: encoder)
    }
}
