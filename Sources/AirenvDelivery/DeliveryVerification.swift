import AirenvModel

/// Whether what a server shows after an apply is what was sent.
public enum DeliveryVerification {
  /// A sentence naming the first field that does not read back as sent; nil when all do.
  public static func mismatch(_ sent: DeliveredObject, kind: ObjectKind, id: String, in live: LiveState)
    -> String?
  {
    let shown: [String: JSONValue]
    switch kind {
    case .connection:
      guard let connection = live.connections[id] else {
        return "connection \(id) is not in Airflow after the apply"
      }
      shown = connection.fields
      if connection.password == .absent && sent.secrets["password"] != nil {
        return "connection \(id) has no password in Airflow after the apply"
      }
      if connection.password == .masked && sent.secrets["password"] == nil {
        return "connection \(id) still has a password in Airflow after the apply"
      }
    case .variable:
      guard let variable = live.variables[id] else {
        return "variable \(id) is not in Airflow after the apply"
      }
      shown = variable.fields
    }
    let names = Set(shown.keys).union(sent.fields.keys).subtracting(sent.secrets.keys)
    for name in names.sorted() where !MaskedComparison.matches(shown: shown[name], known: sent.fields[name]) {
      return "\(kind.rawValue) \(id): \(name) does not read back as sent"
    }
    return nil
  }
}

extension AirflowClient {
  /// The secrets backend class, where the server exposes its configuration (3.x `[api]
  /// expose_config`); nil when it does not.
  public func secretsBackend() -> String? {
    guard api == .v2,
      let json = try? require("GET", "/config", query: [("section", "secrets")]),
      let sections = json.objectValue?["sections"]?.arrayValue
    else { return nil }
    for section in sections {
      for option in section.objectValue?["options"]?.arrayValue ?? [] {
        if option.objectValue?["key"]?.stringValue == "backend" {
          let value = option.objectValue?["value"]?.stringValue ?? ""
          return value.isEmpty ? "none (metadata database only)" : value
        }
      }
    }
    return nil
  }

  /// The shadowing a secrets backend (as `secretsBackend()` reads it) causes, in words: Airflow
  /// reads it before its database.
  public static func shadowing(by backend: String?) -> String? {
    guard let backend, !backend.hasPrefix("none") else { return nil }
    return "Airflow reads \(backend) before its database: for an id defined there too, Airflow uses that "
      + "copy, not the one airenv applies"
  }
}
