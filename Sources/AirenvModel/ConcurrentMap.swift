import Dispatch

extension Array where Element: Sendable {
  /// `map` on every core, keeping the order. Each element's result is written by exactly one
  /// thread into its own slot, so the slots need no lock.
  public func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
    if isEmpty { return [] }
    let count = count
    return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
      let slots = Slots(base: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: count) { index in
        (slots.base + index).initialize(to: transform(self[index]))
      }
      initialized = count
    }
  }
}

/// The start of the result buffer, shared with the worker threads (see `concurrentMap`).
private struct Slots<Value>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Value>
}
