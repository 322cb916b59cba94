import Foundation

extension JSONValue {
  /// Indented, key-sorted JSON text, byte for byte what `JSONEncoder` writes with
  /// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (two spaces, `"key" : value`).
  /// Written by hand because the export of many Deployments writes it for every object:
  /// `JSONEncoder` was two thirds of such an export.
  public var prettyText: String {
    var text: [UInt8] = []
    writePretty(to: &text, level: 0)
    return String(decoding: text, as: UTF8.self)
  }

  /// Appends the text of one member of an object at `level` (`"key" : value`), as
  /// `prettyText` writes members, so that an object can be assembled from its members.
  public static func prettyMember(_ key: String, _ value: JSONValue, level: Int, into text: inout String) {
    writeMember(key, value, level: level, into: &text)
  }

  private static func writeMember(
    _ key: String, _ value: JSONValue, level: Int, into text: inout some JSONTextSink
  ) {
    text.write(indent(level))
    quote(key, into: &text, shortBackspaceAndFormFeed: true)
    text.write(" : ")
    value.writePretty(to: &text, level: level)
  }

  /// `JSONEncoder`'s `.sortedKeys` order: by UTF-8 bytes (not Swift's `<`, which orders
  /// canonically equivalent spellings and scalars beyond the BMP differently).
  public static func precedesInEncoderOrder(_ left: String, _ right: String) -> Bool {
    // Compared as contiguous bytes: the generic comparison of two UTF-8 views was a tenth of
    // writing a `resolve` of 10,000 objects.
    var left = left
    var right = right
    return left.withUTF8 { leftBytes in
      right.withUTF8 { rightBytes in
        let common = min(leftBytes.count, rightBytes.count)
        if common > 0 {
          let order = memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, common)
          if order != 0 { return order < 0 }
        }
        return leftBytes.count < rightBytes.count
      }
    }
  }

  func writePretty(to text: inout some JSONTextSink, level: Int) {
    switch self {
    case .null: text.write("null")
    case .bool(let flag): text.write(flag ? "true" : "false")
    case .integer(let number): text.write(String(number))
    case .double(let number): text.write(Self.encoderText(number))
    case .string(let string): Self.quote(string, into: &text, shortBackspaceAndFormFeed: true)
    case .array(let items) where items.count >= Self.itemsWrittenOnEveryCore:
      // A listing or resolve of thousands of objects: each item's text made on every core.
      let texts = items.concurrentMap { item in
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        item.writePretty(to: &bytes, level: level + 1)
        return bytes
      }
      text.write("[\n")
      for (index, itemText) in texts.enumerated() {
        if index > 0 { text.write(",\n") }
        text.write(Self.indent(level + 1))
        text.write(utf8: itemText)
      }
      text.write("\n")
      text.write(Self.indent(level))
      text.write("]")
    case .array(let items):
      text.write("[\n")
      for (index, item) in items.enumerated() {
        if index > 0 { text.write(",\n") }
        text.write(Self.indent(level + 1))
        item.writePretty(to: &text, level: level + 1)
      }
      text.write("\n")
      text.write(Self.indent(level))
      text.write("]")
    case .object(let members):
      text.write("{\n")
      // Sorted as pairs: looking each key up again hashed every member twice.
      let sorted = members.sorted { Self.precedesInEncoderOrder($0.key, $1.key) }
      for (index, member) in sorted.enumerated() {
        if index > 0 { text.write(",\n") }
        Self.writeMember(member.key, member.value, level: level + 1, into: &text)
      }
      text.write("\n")
      text.write(Self.indent(level))
      text.write("}")
    }
  }

  private static let itemsWrittenOnEveryCore = 256

  private static let indents = (0..<16).map { String(repeating: "  ", count: $0) }

  static func indent(_ level: Int) -> String {
    level < indents.count ? indents[level] : String(repeating: "  ", count: level)
  }

  /// A number as `JSONEncoder` writes it (`1e+20`, `-0`): rare in a connection's extra, so
  /// asked of the encoder itself rather than imitated.
  private static func encoderText(_ number: Double) -> String {
    guard number.isFinite, let data = try? JSONEncoder().encode(number) else { return "null" }
    return String(decoding: data, as: UTF8.self)
  }
}
