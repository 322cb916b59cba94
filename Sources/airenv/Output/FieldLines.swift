import AirenvModel
import AirenvText

/// `field = value` lines for a connection's fields, secrets masked as the view says.
enum FieldLines {
  static func connection(_ view: ConnectionFieldsView) -> [String] {
    var lines = ["conn_type = \(view.connType)"]
    let pairs: [(String, String?)] = [
      ("description", view.description), ("host", view.host), ("schema", view.schema), ("login", view.login),
      ("password", view.password == nil && view.masked.isEmpty && view.locked.isEmpty ? nil : password(view)),
      ("port", view.port.map(String.init)),
    ]
    // One field per line: a newline in a value is shown as `\n`, never as a line of its own.
    for (name, value) in pairs { if let value { lines.append("\(name) = \(TerminalText.escaped(value))") } }
    for (key, value) in (view.extra ?? [:]).sorted(by: { $0.key < $1.key }) {
      lines.append(
        "extra.\(TerminalText.escaped(key)) = "
          + (view.locked.contains("extra.\(key)") ? locked : TerminalText.escaped(value.compactText)))
    }
    return lines
  }

  static let locked = "(locked)"

  static func password(_ view: ConnectionFieldsView) -> String {
    if view.locked.contains("password") { return locked }
    if view.masked.contains("password") { return Secrecy.mask }
    return view.password ?? ""
  }

  static func value(_ entry: ResolvedSet.VariableEntry) -> String {
    if entry.locked { return locked }
    return entry.masked ? Secrecy.mask : TextTable.clip(entry.value ?? "")
  }
}
