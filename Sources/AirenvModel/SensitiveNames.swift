/// Airflow 3's rule for names whose values are secret: the lower-cased name, with runs of
/// non-word characters folded to `_`, contains one of these words (DEFAULT_SENSITIVE_FIELDS).
public enum SensitiveNames {
  public static let words: [String] = [
    "access_key", "access_token", "api_key", "apikey", "auth_header", "authorization", "bearer",
    "connection_string", "dsn", "passphrase", "passwd", "password", "private_key", "proxy",
    "proxy_password", "proxies", "secret", "service_account", "service_key", "token",
    "keyfile_dict", "webhook_url",
  ]

  private static let wordBytes: [[UInt8]] = words.map { Array($0.utf8) }

  /// Searched as UTF-8 bytes: the words are ASCII, and no byte of a multi-byte UTF-8
  /// sequence is ASCII, so a byte match is a character match. Foundation's string search
  /// made this check most of the cost of opening a Workspace of thousands of objects.
  public static func isSensitive(_ name: String) -> Bool {
    let normalized = normalize(name)
    return wordBytes.contains { normalized.containsBytes($0) }
  }

  static func normalize(_ name: String) -> [UInt8] {
    var folded = FoldedName(capacity: name.utf8.count)
    if name.utf8.allSatisfy({ $0 < 0x80 }) {
      for byte in name.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): folded.word(CollectionOfOne(byte + 32))
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
          folded.word(CollectionOfOne(byte))
        default: folded.separator()
        }
      }
      return folded.bytes
    }
    for scalar in name.lowercased().unicodeScalars {
      if scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" {
        folded.word(String(scalar).utf8)
      } else {
        folded.separator()
      }
    }
    return folded.bytes
  }
}

/// A name being folded: word characters kept, each run of other characters one `_`.
private struct FoldedName {
  var bytes: [UInt8] = []
  private var afterSeparator = false

  init(capacity: Int) { bytes.reserveCapacity(capacity) }

  mutating func word(_ utf8: some Sequence<UInt8>) {
    bytes.append(contentsOf: utf8)
    afterSeparator = false
  }

  mutating func separator() {
    if afterSeparator { return }
    bytes.append(UInt8(ascii: "_"))
    afterSeparator = true
  }
}
