import AirenvModel
import AirenvStore

/// One history entry in full, as the TUI's entry screen shows it: each object with each field
/// that changed, values before and after for a reader who may see field values (secret ones
/// are never recorded, so they only ever say that they changed).
enum HistoryDetail {
  static func lines(_ entry: HistoryEntry, deploymentNames names: [String: String], values: Bool) -> [String]
  {
    var lines: [String] = []
    for change in entry.changes {
      lines.append("\(change.verb) \(change.kind) \(change.key)")
      guard change.before != nil, change.afterDigest != nil else { continue }
      for field in change.fields {
        let path = field.path(deploymentNames: names)
        if field.secret {
          lines.append("  \(path): changed (secret: its values are never recorded)")
        } else if values {
          lines.append("  \(path): \(text(field.before)) → \(text(field.after))")
        } else {
          lines.append("  \(path): changed (values need the Author role)")
        }
      }
    }
    return lines
  }

  /// A value as JSON text, shortened past `shownCharacters` with its length said: the screen
  /// cuts a line at its edge without a sign, and a 1 MiB value is no line to read.
  static func text(_ value: JSONValue?) -> String {
    guard let text = value.map(\.compactText) else { return "(none)" }
    guard text.count > shownCharacters else { return text }
    return text.prefix(shownCharacters) + "… (\(text.count) characters)"
  }

  static let shownCharacters = 120
}
