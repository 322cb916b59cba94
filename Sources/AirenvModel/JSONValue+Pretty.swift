import Foundation

extension JSONValue {
  /// Indented, key-sorted JSON text, byte for byte what `JSONEncoder` writes with
  /// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (two spaces, `"key" : value`).
  /// Written by hand because the export of many Deployments writes it for every object:
  /// `JSONEncoder` was two thirds of such an export.
  public func prettyText(level: Int = 0) -> String {
    var text = ""
    writePretty(to: &text, level: level)
    return text
  }

  /// Appends the text of one member of an object at `level` (`"key" : value`), as
  /// `prettyText` writes members, so that an object can be assembled from its members.
  public static func prettyMember(_ key: String, _ value: JSONValue, level: Int, into text: inout String) {
    text += String(repeating: "  ", count: level)
    prettyQuote(key, into: &text)
    text += " : "
    value.writePretty(to: &text, level: level)
  }

  /// `JSONEncoder`'s `.sortedKeys` order: by UTF-8 bytes (not Swift's `<`, which orders
  /// canonically equivalent spellings and scalars beyond the BMP differently).
  public static func precedesInEncoderOrder(_ left: String, _ right: String) -> Bool {
    left.utf8.lexicographicallyPrecedes(right.utf8)
  }

  private func writePretty(to text: inout String, level: Int) {
    switch self {
    case .null: text += "null"
    case .bool(let flag): text += flag ? "true" : "false"
    case .integer(let number): text += String(number)
    case .double(let number): text += Self.encoderText(number)
    case .string(let string): Self.prettyQuote(string, into: &text)
    case .array(let items):
      text += "[\n"
      for (index, item) in items.enumerated() {
        if index > 0 { text += ",\n" }
        text += String(repeating: "  ", count: level + 1)
        item.writePretty(to: &text, level: level + 1)
      }
      text += "\n" + String(repeating: "  ", count: level) + "]"
    case .object(let members):
      text += "{\n"
      for (index, key) in members.keys.sorted(by: Self.precedesInEncoderOrder).enumerated() {
        if index > 0 { text += ",\n" }
        Self.prettyMember(key, members[key]!, level: level + 1, into: &text)
      }
      text += "\n" + String(repeating: "  ", count: level) + "}"
    }
  }

  /// A number as `JSONEncoder` writes it (`1e+20`, `-0`): rare in a connection's extra, so
  /// asked of the encoder itself rather than imitated.
  private static func encoderText(_ number: Double) -> String {
    guard number.isFinite, let data = try? JSONEncoder().encode(number) else { return "null" }
    return String(decoding: data, as: UTF8.self)
  }

  /// `JSONEncoder`'s escapes: the two-character ones JSON has, `\u00xx` (lower-case) for other
  /// control characters, everything else (DEL, U+2028, `/`) as it is.
  private static func prettyQuote(_ string: String, into text: inout String) {
    text += "\""
    if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      text += string
      text += "\""
      return
    }
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case "\u{08}": text += "\\b"
      case "\u{0C}": text += "\\f"
      case _ where scalar.value < 0x20:
        let digits = String(scalar.value, radix: 16)
        text += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }
}
