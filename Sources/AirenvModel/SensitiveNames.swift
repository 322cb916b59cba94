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

  /// The words by their first byte: a name is searched position by position, each position
  /// compared only with the two or three words that can start there.
  private static let wordsByFirstByte: [[[UInt8]]] = (0..<128).map { first in
    wordBytes.filter { $0.first == UInt8(first) }
  }

  /// Searched as UTF-8 bytes: the words are ASCII, and no byte of a multi-byte UTF-8
  /// sequence is ASCII, so a byte match is a character match. An ASCII name (nearly every
  /// one) is folded on the stack: loading 10,000 connections asks this of every extra key.
  public static func isSensitive(_ name: String) -> Bool {
    var name = name
    let answer = name.withUTF8 { utf8 -> Bool? in
      guard utf8.count <= 256, utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
      return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(utf8.count, 1)) { folded in
        var count = 0
        var afterSeparator = false
        for byte in utf8 {
          switch byte {
          case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            folded[count] = byte + 32
          case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"):
            folded[count] = byte
          default:
            if afterSeparator { continue }
            folded[count] = UInt8(ascii: "_")
            count += 1
            afterSeparator = true
            continue
          }
          count += 1
          afterSeparator = false
        }
        return containsWord(UnsafeBufferPointer(rebasing: folded[..<count]))
      }
    }
    if let answer { return answer }
    return normalize(name).withUnsafeBufferPointer(containsWord)
  }

  private static func containsWord(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    for start in name.indices where name[start] < 0x80 {
      for word in wordsByFirstByte[Int(name[start])] where word.count <= name.count - start {
        if word.indices.allSatisfy({ name[start + $0] == word[$0] }) { return true }
      }
    }
    return false
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
