// libFuzzer entry: the rollout language's front end on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func rolloutFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let problem = SelfCheck.verify(text) { fatalError(problem) }
    return 0
}
