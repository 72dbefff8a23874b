import ArgumentParser
import Foundation
import RolloutRuntime

/// `rollout unlock RUN`: releases the leases of a run whose process is gone (a runner thrown away,
/// a `kill -9`), after showing them and asking, so that others need not wait for them to expire.
struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Release the leases a dead run still holds on releases (after asking).",
        discussion: "A lease ends by itself a set time after its run's process stops renewing it (the state URL's lease, 30s by default); unlock ends it now. Local files' locks end with their process, so there they need no unlocking.")

    @Argument(help: "The run's id (rollout journal and the run's own lines name it).")
    var run: String

    @Flag(name: [.customShort("y"), .long], help: "Do not ask.")
    var yes = false

    @OptionGroup var profile: StateProfileOption
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        try await profile.withStore(stateOptions) { store in try await unlock(in: store) }
    }

    private func unlock(in store: any StateStore) async throws {
        let leases = try await store.leases(of: run)
        guard !leases.isEmpty else {
            Console.out("run \(run) holds no leases in \(store.place)")
            return
        }
        let holder = leases[0].holder
        Console.out("run \(run), \(holder.description), holds:")
        for lease in leases {
            Console.out("  \(LeaseKey.releaseName(lease.key))" + (lease.expires.map { " (until \($0) unless renewed)" } ?? ""))
        }
        if !yes {
            guard isatty(0) == 1 else { throw CLIError("not on a terminal: give --yes to release them without asking", exitCode: 2) }
            let question = Question<Bool>.yesOrNo("Release them? Only if that process is gone: a live run takes them again at its next change, or stops there if another run took them.")
            guard question.ask() == true else {
                Console.out("nothing released")
                throw CLIExit(code: ExitCode.stepFailed.rawValue)
            }
        }
        try await store.unlock(run)
        Console.out("✔ released \(leases.count) lease\(leases.count == 1 ? "" : "s") of run \(run)")
    }
}
