/// Single quoting for the dotenv and shell formats. A loop over UTF-8 rather than Foundation's
/// `replacingOccurrences`, which was the largest cost of exporting thousands of values.
enum Quoting {
  /// python-dotenv's single quotes: `\\` and `\'` are the only escapes, and newlines survive.
  static func dotenv(_ value: String) -> String {
    singleQuoted(value) { byte in
      switch byte {
      case UInt8(ascii: "\\"): "\\\\"
      case UInt8(ascii: "'"): "\\'"
      default: nil
      }
    }
  }

  /// POSIX single quotes; `'` is written `'\''`.
  static func shell(_ value: String) -> String {
    singleQuoted(value) { $0 == UInt8(ascii: "'") ? "'\\''" : nil }
  }

  /// `value` between single quotes, each ASCII byte for which `replacement` gives text written
  /// as that text. (No byte of a multi-byte UTF-8 sequence is ASCII.)
  private static func singleQuoted(_ value: String, replacement: (UInt8) -> String?) -> String {
    guard value.utf8.contains(where: { replacement($0) != nil }) else { return "'" + value + "'" }
    var bytes: [UInt8] = [UInt8(ascii: "'")]
    bytes.reserveCapacity(value.utf8.count + 8)
    for byte in value.utf8 {
      if let replaced = replacement(byte) {
        bytes.append(contentsOf: replaced.utf8)
      } else {
        bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "'"))
    return String(decoding: bytes, as: UTF8.self)
  }
}
