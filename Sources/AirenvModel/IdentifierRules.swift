/// The naming rules that every interface enforces in the same words.
///
/// A conn_id or variable key must be something every Airflow version and reader accepts:
/// Airflow's CLI and REST API take `^[\w.-]+$` up to 200 characters and 3.3 refuses `..`.
/// The environment-variable name is the upper-cased id, so uniqueness ignores case.
public enum IdentifierRules {
  public static let objectKeyRule =
    "1–200 ASCII characters of A–Z a–z 0–9 _ . - with no \"..\""
  public static let deploymentNameRule =
    "1–63 characters of A–Z a–z 0–9 . _ - starting with a letter or digit"

  /// Checks a conn_id or variable key; returns the reason it is refused, or nil.
  public static func problem(withObjectKey key: String) -> String? {
    if key.isEmpty { return "it is empty" }
    if key.utf8.count > 200 { return "it is \(key.utf8.count) characters long" }
    if let bad = key.unicodeScalars.first(where: { !isKeyCharacter($0) }) {
      return "it contains \(describe(bad))"
    }
    if key.contains("..") { return "it contains \"..\"" }
    return nil
  }

  /// Checks a Deployment or Workspace name; returns the reason it is refused, or nil.
  public static func problem(withDeploymentName name: String) -> String? {
    if name.isEmpty { return "it is empty" }
    if name.unicodeScalars.count > 63 { return "it is \(name.unicodeScalars.count) characters long" }
    if let bad = name.unicodeScalars.first(where: { !isKeyCharacter($0) }) {
      return "it contains \(describe(bad))"
    }
    if let first = name.unicodeScalars.first, !isAlphanumeric(first) {
      return "it starts with \(describe(first))"
    }
    return nil
  }

  static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    default: return false
    }
  }

  static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
    isAlphanumeric(scalar) || scalar == "_" || scalar == "." || scalar == "-"
  }

  static func describe(_ scalar: Unicode.Scalar) -> String {
    if scalar == " " { return "a space" }
    if scalar.value < 0x20 || scalar.value == 0x7F { return "a control character" }
    return "\"\(Character(scalar))\""
  }
}
