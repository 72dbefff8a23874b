/// Work handed over from synchronous code (an event handler) and done one item after another, in
/// the order it was handed over, by one task: records written as events arrive stay in order.
final class SerialWork: Sendable {
    private enum Item {
        case work(@Sendable () async -> Void)
        case flush(CheckedContinuation<Void, Never>)
    }

    private let items: AsyncStream<Item>.Continuation
    private let worker: Task<Void, Never>

    init() {
        let (stream, items) = AsyncStream.makeStream(of: Item.self)
        self.items = items
        worker = Task {
            for await item in stream {
                switch item {
                case .work(let work): await work()
                case .flush(let waiting): waiting.resume()
                }
            }
        }
    }

    deinit { items.finish() }

    /// Hands over work, done after everything handed over before it.
    func add(_ work: @escaping @Sendable () async -> Void) { items.yield(.work(work)) }

    /// Waits for the work handed over so far.
    func flush() async {
        await withCheckedContinuation { waiting in
            if case .terminated = items.yield(.flush(waiting)) { waiting.resume() }
        }
    }

    /// Waits for all the work, and takes no more.
    func finish() async {
        items.finish()
        await worker.value
    }
}
