/// Which values are secret (SPEC §4) and how they look when masked.
public enum Secrecy {
  public static let mask = "••••••••"

  public static func isSecret(_ field: ConnectionField) -> Bool { field == .password }

  /// An extra key is secret when its name contains one of Airflow's sensitive words.
  public static func isSecret(extraKey key: String) -> Bool { SensitiveNames.isSensitive(key) }

  /// A secret that could not be decrypted: no key, the wrong key, or a damaged ciphertext.
  /// The store puts this marker where the plaintext would be, carrying the ciphertext so that
  /// saving the object again writes the ciphertext back unchanged.
  public enum Lock: String, Sendable {
    case locked
    case tampered
  }

  static let lockPrefix = "\u{1}airenv-"

  public static func lockedValue(_ lock: Lock, ciphertext: String) -> String {
    lockPrefix + lock.rawValue + "\u{1}" + ciphertext
  }

  /// The lock and the ciphertext a locked value carries, or nil for a plaintext.
  public static func lock(of value: String) -> (Lock, ciphertext: String)? {
    guard value.hasPrefix(lockPrefix) else { return nil }
    let rest = value.dropFirst(lockPrefix.count)
    guard let separator = rest.firstIndex(of: "\u{1}"), let lock = Lock(rawValue: String(rest[..<separator]))
    else { return nil }
    return (lock, String(rest[rest.index(after: separator)...]))
  }

  public static func lock(of value: JSONValue) -> Lock? {
    switch value {
    case .string(let text): lock(of: text)?.0
    case .object(let members): members.values.lazy.compactMap { lock(of: $0) }.first
    case .array(let items): items.lazy.compactMap { lock(of: $0) }.first
    default: nil
    }
  }

  /// The value with every secret member masked, at any depth; `marked` keys count as secret.
  public static func masked(_ value: JSONValue, key: String, marked: Set<String> = []) -> JSONValue {
    if isSecret(extraKey: key) || marked.contains(key) { return .string(mask) }
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
