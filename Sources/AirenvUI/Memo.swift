import Foundation

/// Values derived from the Workspace that are too costly to derive on every frame (the
/// counts of the Deployments pane, the lines of a resolved or diff page), computed on first
/// use and kept until the Workspace changes: `AppState` starts new memos then. Being derived,
/// they take no part in comparing two states.
final class Memo<Key: Hashable, Value>: Equatable, @unchecked Sendable {
  private var values: [Key: Value] = [:]
  private let lock = NSLock()
  /// At most this many values are kept; past that the memo starts again.
  private let limit: Int

  init(limit: Int = .max) { self.limit = limit }

  func value(for key: Key, compute: () -> Value) -> Value {
    lock.lock()
    defer { lock.unlock() }
    if let known = values[key] { return known }
    let computed = compute()
    if values.count >= limit { values.removeAll() }
    values[key] = computed
    return computed
  }

  static func == (left: Memo, right: Memo) -> Bool { true }
}
