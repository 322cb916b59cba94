import Foundation

extension JSONValue {
  /// Indented, key-sorted JSON text, byte for byte what `JSONEncoder` writes with
  /// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (two spaces, `"key" : value`).
  /// Written by hand because the export of many Deployments writes it for every object:
  /// `JSONEncoder` was two thirds of such an export.
  public var prettyText: String {
    var text = ""
    writePretty(to: &text, level: 0)
    return text
  }

  /// Appends the text of one member of an object at `level` (`"key" : value`), as
  /// `prettyText` writes members, so that an object can be assembled from its members.
  public static func prettyMember(_ key: String, _ value: JSONValue, level: Int, into text: inout String) {
    text += String(repeating: "  ", count: level)
    quote(key, into: &text, shortBackspaceAndFormFeed: true)
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
    case .string(let string): Self.quote(string, into: &text, shortBackspaceAndFormFeed: true)
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
}
