/// Which values are secret (SPEC §4) and how they look when masked.
public enum Secrecy {
  public static let mask = "••••••••"

  public static func isSecret(_ field: ConnectionField) -> Bool { field == .password }

  /// An extra key is secret when its name contains one of Airflow's sensitive words.
  public static func isSecret(extraKey key: String) -> Bool { SensitiveNames.isSensitive(key) }

  /// A variable is secret when flagged so, or when its key contains a sensitive word.
  public static func isSecret(variableKey key: String, flagged: Bool) -> Bool {
    flagged || SensitiveNames.isSensitive(key)
  }

  /// A secret that could not be decrypted: no key, the wrong key, or a damaged ciphertext.
  /// The store puts this marker where the plaintext would be, carrying the ciphertext so that
  /// saving the object again writes the ciphertext back unchanged.
  public enum Lock: String, Sendable {
    case locked
    case tampered
    /// A secret airenv never had: pulled from an Airflow that shows it masked. Stored as
    /// `missingStored`; resolve, export and apply refuse it until someone sets the value.
    case missing
  }

  /// How a missing secret is stored on disk: not a ciphertext, not a value (never `***`).
  public static let missingStored = "enc:missing"
  /// A missing secret as loaded.
  public static var missingValue: String { lockedValue(.missing, ciphertext: missingStored) }

  static let lockPrefix = "\u{1}airenv-"

  /// How a secret begins as stored on disk: `enc:v1:` and the base64 of its AES-GCM box.
  public static let sealedPrefix = "enc:v1:"

  /// Whether a value is a secret as stored (sealed) or one that could not be opened (locked):
  /// its text is a ciphertext, not the value, and is larger than the value.
  public static func isCiphertext(_ value: String) -> Bool {
    value.hasPrefix(sealedPrefix) || value == missingStored || lock(of: value) != nil
  }

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

  /// The mask as drawn where the terminal has only ASCII.
  public static let asciiMask = "********"

  /// Whether text is a mask standing for a value that was not shown.
  public static func isMask(_ text: String) -> Bool { text == mask || text == asciiMask }

  /// The value with every secret member masked, at any depth; `marked` keys count as secret.
  public static func masked(
    _ value: JSONValue, key: String, marked: Set<String> = [], with mask: String = mask
  )
    -> JSONValue
  {
    maskedIfAny(value, key: key, marked: marked, with: mask) ?? value
  }

  /// `masked`, or nil when nothing in the value is secret: a view of 10,000 connections then
  /// builds no copy of their extras.
  public static func maskedIfAny(
    _ value: JSONValue, key: String, marked: Set<String> = [], with mask: String = mask
  ) -> JSONValue? {
    if isSecret(extraKey: key) || marked.contains(key) { return .string(mask) }
    switch value {
    case .object(let members):
      var result: [String: JSONValue]?
      for (member, inner) in members {
        guard let hidden = maskedIfAny(inner, key: member, with: mask) else { continue }
        if result == nil { result = members }
        result![member] = hidden
      }
      return result.map(JSONValue.object)
    case .array(let items):
      let hidden = items.map { maskedIfAny($0, key: key, with: mask) }
      guard hidden.contains(where: { $0 != nil }) else { return nil }
      return .array(zip(items, hidden).map { item, hidden in hidden ?? item })
    default:
      return nil
    }
  }

  /// Where an edited value holds a mask that cannot be put back: one moved to another key, one
  /// typed into, or one where there was no value. Saving it would store the mask as the secret.
  /// `key` is the member the value sits under (it decides what is secret inside a list).
  public static func misplacedMasks(_ edited: JSONValue, original: JSONValue?, key: String, path: String)
    -> [String]
  {
    switch edited {
    case .string(let text) where text.contains("•") || text == asciiMask:
      if isMask(text), let original, !(original.stringValue.map(isMask) ?? false) { return [] }
      return [path]
    case .object(let members):
      let before = original?.objectValue
      return members.keys.sorted().flatMap { member in
        misplacedMasks(members[member]!, original: before?[member], key: member, path: path + "." + member)
      }
    case .array(let items):
      let before: [JSONValue]? = if case .array(let values)? = original { values } else { nil }
      return items.enumerated().flatMap { offset, item in
        let counterpart = before.flatMap { offset < $0.count ? $0[offset] : nil }
        // A position in a list does not say which element it was: after an element is removed,
        // added or changed, the mask at a position may stand for another element's secret. A
        // mask is put back only in a list of the same length, in an element that reads exactly
        // as it was shown.
        if containsMask(item),
          let counterpart,
          before?.count != items.count
            || withUnicodeMasks(masked(counterpart, key: key)) != withUnicodeMasks(item)
        {
          return [path + ".\(offset)"]
        }
        return misplacedMasks(item, original: counterpart, key: key, path: path + ".\(offset)")
      }
    default:
      return []
    }
  }

  private static func containsMask(_ value: JSONValue) -> Bool {
    switch value {
    case .string(let text): isMask(text)
    case .object(let members): members.values.contains(where: containsMask)
    case .array(let items): items.contains(where: containsMask)
    default: false
    }
  }

  private static func withUnicodeMasks(_ value: JSONValue) -> JSONValue {
    switch value {
    case .string(let text) where isMask(text): .string(mask)
    case .object(let members): .object(members.mapValues(withUnicodeMasks))
    case .array(let items): .array(items.map(withUnicodeMasks))
    default: value
    }
  }

  /// An edited value with every mask left as it was put back to the value it stands for in
  /// `original`, at the same place: what a user did not reveal, they did not change.
  public static func unmasked(_ edited: JSONValue, original: JSONValue?) -> JSONValue {
    guard let original else { return edited }
    switch (edited, original) {
    case (.string(let text), _) where isMask(text): return original
    case (.object(let members), .object(let before)):
      return .object(
        members.reduce(into: [:]) { result, member in
          result[member.key] = unmasked(member.value, original: before[member.key])
        })
    case (.array(let items), .array(let before)):
      return .array(
        items.enumerated().map {
          unmasked($0.element, original: $0.offset < before.count ? before[$0.offset] : nil)
        })
    default:
      return edited
    }
  }

  /// Whether a value holds a secret anywhere inside it.
  public static func containsSecret(_ value: JSONValue, key: String) -> Bool {
    masked(value, key: key) != value
  }
}

extension EnvironmentObject where Payload == VariablePayload {
  /// Flagged secret, or secret by its name.
  public var isSecret: Bool { Secrecy.isSecret(variableKey: key, flagged: base.secret) }
}
