import AirenvText

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

  /// Whether every byte is a key character (`A–Z a–z 0–9 _ . -`) and no two dots touch: the
  /// answer for nearly every key, in one pass over its bytes (exports check 10,000 keys for
  /// each of 100 Deployments).
  private static func isPlainKey(_ text: String, maximum: Int) -> Bool {
    var count = 0
    var previousDot = false
    for byte in text.utf8 {
      count += 1
      let dot = byte == UInt8(ascii: ".")
      guard count <= maximum, isKeyByte(byte), !(dot && previousDot) else { return false }
      previousDot = dot
    }
    return count > 0
  }

  private static func isKeyByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
      true
    default: false
    }
  }

  /// Checks a conn_id or variable key; returns the reason it is refused, or nil.
  public static func problem(withObjectKey key: String) -> String? {
    if isPlainKey(key, maximum: 200) { return nil }
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
    if let first = name.utf8.first, isAlphanumericByte(first), name.utf8.allSatisfy(isKeyByte),
      name.utf8.count <= 63
    {
      return nil
    }
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

  /// Checks an id airenv generated (`con_1f9c3a7e52b0d864`) as read back from a file: ids
  /// name files and are bound into ciphertexts, so a hand-edited one must stay a plain word.
  public static func problem(withStableID id: String) -> String? {
    // Over contiguous bytes: every link of 10,000 objects is checked on each read.
    var id = id
    let valid = id.withUTF8 { bytes in
      guard let first = bytes.first, isAlphanumericByte(first), bytes.count <= 64 else { return false }
      return bytes.allSatisfy { isKeyByte($0) && $0 != UInt8(ascii: ".") }
    }
    if valid { return nil }
    if id.isEmpty { return "it is empty" }
    if id.utf8.count > 64 { return "it is \(id.utf8.count) characters long" }
    if let bad = id.unicodeScalars.first(where: { !isAlphanumeric($0) && $0 != "_" && $0 != "-" }) {
      return "it contains \(describe(bad))"
    }
    if let first = id.unicodeScalars.first, !isAlphanumeric(first) {
      return "it starts with \(describe(first))"
    }
    return nil
  }

  public static let userNameRule = "1–256 characters without spaces or control characters"

  /// Checks a user name (a member, the acting user, who changed something).
  public static func problem(withUserName name: String) -> String? {
    // Most names are printable ASCII without spaces: one pass over the bytes.
    if !name.isEmpty, name.utf8.count <= 256, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return nil }
    if name.isEmpty { return "it is empty" }
    if name.utf8.count > 256 { return "it is \(name.utf8.count) bytes long" }
    if let bad = name.unicodeScalars.first(where: { $0.properties.isWhitespace || isControl($0) }) {
      return "it contains \(describe(bad))"
    }
    return nil
  }

  /// Checks one line of free text (a tag, a git branch): no control characters, bounded.
  public static func problem(withLabel text: String) -> String? {
    if text.utf8.count > 256 { return "it is \(text.utf8.count) bytes long" }
    if let bad = text.unicodeScalars.first(where: isControl) { return "it contains \(describe(bad))" }
    return nil
  }

  /// Checks a field's value: any text, up to `Limits.valueBytes`.
  public static func problem(withValue text: String) -> String? {
    let size = text.utf8.count
    guard size > Limits.valueBytes else { return nil }
    return "it is \(size) bytes long; the limit is \(Limits.describe(bytes: Limits.valueBytes))"
  }

  /// C0, DEL and C1 controls and the invisible characters that reorder a terminal's lines.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool { TerminalText.isControl(scalar) }

  private static func isAlphanumericByte(_ byte: UInt8) -> Bool {
    isKeyByte(byte) && byte != UInt8(ascii: "_") && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "-")
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
    if isControl(scalar) {
      return "a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
    }
    return "\"\(Character(scalar))\""
  }
}
