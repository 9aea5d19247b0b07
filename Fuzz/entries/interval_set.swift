// libFuzzer entry of the `interval_set` target (scripts/fuzz.sh compiles it with FuzzTargets.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func refereeFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let broken = FuzzTargets.intervalSet(bytes) { fatalError("interval_set: " + broken) }
    return 0
}
