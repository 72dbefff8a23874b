public import AutopilotModels
public import RolloutSyntax

/// One member of a group: a cluster, or a release on a cluster.
public struct FleetMember: Sendable, Hashable {
    /// The cluster as the group names it (an id or an alias).
    public var cluster: String
    /// The release's namespace; nil for a cluster member.
    public var namespace: String?
    /// The release; nil for a cluster member.
    public var release: String?

    /// A member.
    public init(cluster: String, namespace: String? = nil, release: String? = nil) {
        self.cluster = cluster
        self.namespace = namespace
        self.release = release
    }

    /// The member as groups write it: the cluster, or `<cluster>/<namespace>/<release>`.
    public var label: String {
        guard let release, let namespace else { return cluster }
        return MemberPath.join(cluster: cluster, namespace: namespace, release: release)
    }
}

/// A member as a rollout runs it: its place in the group and its wave.
public struct MemberTag: Sendable, Hashable {
    /// The member.
    public var member: FleetMember
    /// Its wave, from 1.
    public var wave: Int
    /// Its place in the group, from 0.
    public var index: Int

    /// A tag.
    public init(member: FleetMember, wave: Int, index: Int) {
        self.member = member
        self.wave = wave
        self.index = index
    }
}

/// Where a member of a rollout stands.
public enum MemberState: Sendable, Equatable {
    /// Waiting for its wave, or for a free slot in it.
    case queued
    /// Its block is running.
    case running
    /// A change is being sent.
    case changing
    /// A release it changed is in this status (PENDING_*, DEPLOYED …), as a wait saw it.
    case status(ReleaseStatus)
    /// Its block succeeded.
    case succeeded
    /// Its block failed (or its else recovered, which counts as failed unless `recovered ok`).
    case failed(String)
    /// The block failed and its else recovered, which the header accepts (`recovered ok`).
    case recovered
    /// Being rolled back by the halt policy.
    case rollingBack
    /// Rolled back by the halt policy; the words say how it had failed, if it had.
    case rolledBack(String?)
    /// The policy's rollback of it failed.
    case rollbackFailed(String)
    /// It never started: the rollout halted or was interrupted first, or step mode skipped its wave.
    case notStarted
    /// Its block was interrupted.
    case interrupted

    /// The state in a word or two, for tables.
    public var shown: String {
        switch self {
        case .queued: return "queued"
        case .running: return "running"
        case .changing: return "changing"
        case .status(let status): return status.rawValue
        case .succeeded: return "succeeded"
        case .failed: return "FAILED"
        case .recovered: return "recovered"
        case .rollingBack: return "rolling back"
        case .rolledBack: return "rolled back"
        case .rollbackFailed: return "rollback FAILED"
        case .notStarted: return "not started"
        case .interrupted: return "interrupted"
        }
    }

    /// Why, for the states that have a reason.
    public var reason: String? {
        switch self {
        case .failed(let why), .rollbackFailed(let why): return why
        case .rolledBack(let why): return why
        default: return nil
        }
    }

    /// How the member ended, once its part is over; nil while it runs, and when it never started.
    public var outcome: Outcome? {
        switch self {
        case .succeeded: return .succeeded
        case .recovered: return .recovered
        case .failed, .rollbackFailed: return .failed
        case .rolledBack: return .rolledBack
        case .interrupted: return .interrupted
        case .queued, .running, .changing, .status, .rollingBack, .notStarted: return nil
        }
    }

    /// True when its block failed, or the policy's rollback of it did.
    public var isFailure: Bool { outcome == .failed }

    /// True once the member's part is over (it may still be rolled back).
    public var isFinal: Bool {
        switch self {
        case .queued, .running, .changing, .status, .rollingBack: return false
        default: return true
        }
    }
}

extension MemberState {
    /// How many are in each state, by its shown name, in the order states first appear.
    public static func counts(_ states: [MemberState]) -> [(state: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for state in states {
            if counts[state.shown] == nil { order.append(state.shown) }
            counts[state.shown, default: 0] += 1
        }
        return order.map { ($0, counts[$0]!) }
    }
}

/// How a rollout is laid out before it starts.
public struct FleetOverview: Sendable, Equatable {
    /// The group's name.
    public var group: String
    /// The members of each wave, in order.
    public var waves: [[FleetMember]]
    /// The gate before each wave that has one, by wave number (the JSON output lists them).
    public var gates: [Int: String]
    /// At most this many members at a time.
    public var parallel: Int
}

/// What happened to every member, at the end of a rollout.
public struct FleetSummary: Sendable, Equatable {
    /// The group's name.
    public var group: String
    /// Each member's tag and last state, in group order.
    public var members: [(tag: MemberTag, state: MemberState)]
    /// How it ended.
    public var outcome: Outcome
    /// Why it halted, when it did.
    public var haltReason: String?
    /// How long it took.
    public var elapsed: Duration

    /// How many members ended in each state, by its shown name, in order of first appearance.
    public var counts: [(state: String, count: Int)] { MemberState.counts(members.map(\.state)) }

    /// The counts in words: `all 8 members succeeded`, or `6 succeeded, 2 FAILED`.
    public var tally: String {
        if members.allSatisfy({ $0.state == .succeeded }) {
            return members.count == 1 ? "its member succeeded" : "all \(members.count) members succeeded"
        }
        return counts.map { "\($0.count) \($0.state)" }.joined(separator: ", ")
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.group == rhs.group && lhs.outcome == rhs.outcome && lhs.haltReason == rhs.haltReason
            && lhs.members.map(\.tag) == rhs.members.map(\.tag) && lhs.members.map(\.state) == rhs.members.map(\.state)
    }
}

/// What a rollout reports as it goes, besides the steps its members run.
public enum FleetEvent: Sendable {
    /// The waves are laid out; nothing has started.
    case began(FleetOverview)
    /// A wave starts.
    case waveBegan(Int)
    /// A member's state changed.
    case member(MemberTag, MemberState)
    /// Every member of a wave has finished.
    case waveEnded(Int)
    /// Soaking after a wave before its members are read again, measured by these analyses meanwhile.
    case soaking(wave: Int, Duration, analyses: [String])
    /// A gate was answered.
    case gate(name: String, passed: Bool, how: String)
    /// The rollout halts: no member starts from now on.
    case halted(String)
    /// The halt policy starts on this many members.
    case policy(HaltPolicy, members: Int)
    /// The rollout is over.
    case ended(FleetSummary)
    /// In a plan: the steps that follow are those of this member; a plan shows the first member's
    /// and keeps of the others only whether they would change anything.
    case planFor(FleetMember, shown: Bool)
    /// In a plan: the end of that member's steps.
    case planForEnded
}

/// A gate waiting for an answer: its name, the wave it opens, and how the waves so far went.
public struct GateRequest: Sendable {
    /// The gate's name (what `--approve` names).
    public var name: String
    /// The wave it opens.
    public var wave: Int
    /// Each member's state so far, in group order.
    public var members: [(tag: MemberTag, state: MemberState)]
    /// Who may pass it, when it names them: only `rollout approve` from one of them does.
    public var approvers: [String] = []
}

/// How a gate was answered.
public enum GateAnswer: Sendable, Equatable {
    /// Go on; the words say who approved it.
    case pass(String)
    /// Stop; the words say why.
    case refuse(String)
}
