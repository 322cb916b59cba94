import Dispatch

extension Array where Element: Sendable {
  /// `map` on every core, keeping the order (inlinable, so that it is specialised for each
  /// caller's types rather than run through generic metadata per element). Each element's result is written by exactly one
  /// thread into its own slot, so the slots need no lock.
  @inlinable
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
@usableFromInline
struct Slots<Value>: @unchecked Sendable {
  @usableFromInline let base: UnsafeMutablePointer<Value>

  @usableFromInline init(base: UnsafeMutablePointer<Value>) { self.base = base }
}
