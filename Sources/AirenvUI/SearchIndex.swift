import AirenvModel

/// One tab's objects in display order (by key, ignoring case) with each one's lower-cased
/// search text, built once per Workspace: a filter keystroke then only scans bytes, where
/// sorting and lower-casing 5,000 keys on every keystroke took several milliseconds.
struct SearchIndex: Equatable, Sendable {
  private(set) var order: [Int] = []
  /// The search text of `order[i]`, as lower-cased UTF-8.
  private var texts: [[UInt8]] = []

  init() {}

  init<P>(_ objects: [EnvironmentObject<P>], text: (EnvironmentObject<P>) -> String) {
    order = objects.indices.map { ($0, objects[$0].key.lowercased()) }.sorted { $0.1 < $1.1 }.map(\.0)
    texts = order.map { Array(text(objects[$0]).lowercased().utf8) }
  }

  /// The indices whose text contains `needle` (already lower-cased), in display order.
  func matching(_ needle: String) -> [Int] {
    if needle.isEmpty { return order }
    let wanted = Array(needle.utf8)
    return order.indices.compactMap { position in
      texts[position].containsBytes(wanted) ? order[position] : nil
    }
  }
}
