/// Which values are secret (SPEC §4) and how they look when masked.
public enum Secrecy {
  public static let mask = "••••••••"

  public static func isSecret(_ field: ConnectionField) -> Bool { field == .password }

  /// An extra key is secret when its name contains one of Airflow's sensitive words.
  public static func isSecret(extraKey key: String) -> Bool { SensitiveNames.isSensitive(key) }

  /// The value with every secret member masked, at any depth.
  public static func masked(_ value: JSONValue, key: String) -> JSONValue {
    if isSecret(extraKey: key) { return .string(mask) }
    switch value {
    case .object(let members):
      return .object(
        Dictionary(uniqueKeysWithValues: members.map { ($0.key, masked($0.value, key: $0.key)) }))
    case .array(let items):
      return .array(items.map { masked($0, key: key) })
    default:
      return value
    }
  }

  /// Whether a value holds a secret anywhere inside it.
  public static func containsSecret(_ value: JSONValue, key: String) -> Bool {
    masked(value, key: key) != value
  }
}

extension EnvironmentObject where Payload == VariablePayload {
  /// Flagged secret, or secret by its name.
  public var isSecret: Bool { base.secret || SensitiveNames.isSensitive(key) }
}
