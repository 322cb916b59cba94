import Foundation

/// A JSON value, as held in a connection's `extra`. Integers stay integers so that ids
/// larger than 2^53 survive a round trip.
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// The length of `compactText` in bytes, and how deeply objects and lists nest, in one walk
  /// without building the text (loading 10,000 objects checks every extra this way).
  public var compactMeasure: (bytes: Int, depth: Int) {
    switch self {
    case .null: return (4, 0)
    case .bool(let flag): return (flag ? 4 : 5, 0)
    case .integer, .double: return (compactText.utf8.count, 0)
    case .string(let text): return (Self.quotedLength(text), 0)
    case .array(let items):
      var bytes = 2 + max(0, items.count - 1)
      var depth = 0
      for item in items {
        let measure = item.compactMeasure
        bytes += measure.bytes
        depth = max(depth, measure.depth)
      }
      return (bytes, depth + 1)
    case .object(let members):
      var bytes = 2 + max(0, members.count - 1)
      var depth = 0
      for (key, value) in members {
        let measure = value.compactMeasure
        bytes += Self.quotedLength(key) + 1 + measure.bytes
        depth = max(depth, measure.depth)
      }
      return (bytes, depth + 1)
    }
  }

  /// The length of a string as `quote` writes it.
  private static func quotedLength(_ text: String) -> Int {
    var length = 2
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: length += 2
      case 0..<0x20: length += 6
      default: length += 1
      }
    }
    return length
  }

  /// How deeply objects and lists nest in the value (a scalar is 0).
  public var depth: Int {
    switch self {
    case .object(let members): 1 + (members.values.map(\.depth).max() ?? 0)
    case .array(let items): 1 + (items.map(\.depth).max() ?? 0)
    default: 0
    }
  }

  public var objectValue: [String: JSONValue]? {
    if case .object(let members) = self { return members }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let items) = self { return items }
    return nil
  }

  /// Parses JSON text as strictly as Python's `json.loads` (and so Airflow) reads it: no
  /// trailing comma, no leading zero, no duplicate member; the error says where and why it is
  /// not JSON.
  public static func parse(_ text: String) throws(ModelError) -> JSONValue {
    if let value = JSONParser.parse(text) { return value }
    guard let problem = JSONDiagnostics.syntaxProblem(in: Array(text.utf8)) else {
      throw .invalidJSON(reason: "a string holds an unpaired surrogate escape or a number is out of range")
    }
    throw .invalidJSON(
      reason: "\(problem.reason) (line \(problem.location.line), column \(problem.location.column))")
  }

  /// Parses `text` as JSON when it is valid JSON, otherwise takes it as a plain string.
  /// Used for `--extra-set key=value`, where `30` and `true` mean what they look like.
  public static func parseLenient(_ text: String) -> JSONValue {
    (try? parse(text)) ?? .string(text)
  }

  /// Compact, key-sorted JSON text. Written by hand: it is on the export path for every
  /// connection, where creating a JSONEncoder each time was most of the cost.
  public var compactText: String {
    var text = ""
    write(to: &text)
    return text
  }

  private func write(to text: inout String) {
    switch self {
    case .null: text += "null"
    case .bool(let flag): text += flag ? "true" : "false"
    case .integer(let number): text += String(number)
    case .double(let number): text += number.isFinite ? String(describing: number) : "null"
    case .string(let string): Self.quote(string, into: &text)
    case .array(let items):
      text += "["
      for (index, item) in items.enumerated() {
        if index > 0 { text += "," }
        item.write(to: &text)
      }
      text += "]"
    case .object(let members):
      text += "{"
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { text += "," }
        Self.quote(key, into: &text)
        text += ":"
        members[key]!.write(to: &text)
      }
      text += "}"
    }
  }

  /// A JSON string: the two-character escapes, `\u00xx` (lower-case) for other control
  /// characters; with `shortBackspaceAndFormFeed`, `\b` and `\f` as `JSONEncoder` writes them.
  static func quote(
    _ string: String, into text: inout some JSONTextSink, shortBackspaceAndFormFeed: Bool = false
  ) {
    // Most strings need no escape at all: their bytes are scanned and copied whole.
    var string = string
    let plain = string.withUTF8 { bytes in
      if bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
        return false
      }
      text.writeQuoted(bytes)
      return true
    }
    if plain { return }
    text.write("\"")
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": text.write("\\\"")
      case "\\": text.write("\\\\")
      case "\n": text.write("\\n")
      case "\r": text.write("\\r")
      case "\t": text.write("\\t")
      case "\u{08}" where shortBackspaceAndFormFeed: text.write("\\b")
      case "\u{0C}" where shortBackspaceAndFormFeed: text.write("\\f")
      case _ where scalar.value < 0x20:
        text.write(
          "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
            + String(scalar.value, radix: 16))
      default: text.write(scalar)
      }
    }
    text.write("\"")
  }
}

/// Where JSON text is written: a `String`, or UTF-8 bytes for a whole document (appending to
/// bytes is about twice as fast, and `resolve` writes megabytes).
protocol JSONTextSink {
  mutating func write(_ text: String)
  mutating func write(_ scalar: Unicode.Scalar)
  mutating func write(utf8 bytes: [UInt8])
  /// Writes `bytes`, text that needs no escape, between double quotes.
  mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension String: JSONTextSink {
  mutating func write(_ text: String) { self += text }
  mutating func write(_ scalar: Unicode.Scalar) { unicodeScalars.append(scalar) }
  mutating func write(utf8 bytes: [UInt8]) { self += String(decoding: bytes, as: UTF8.self) }
  mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
    self += "\"" + String(decoding: bytes, as: UTF8.self) + "\""
  }
}

extension [UInt8]: JSONTextSink {
  mutating func write(_ text: String) {
    // Through `withUTF8`: a small string's UTF-8 view is otherwise copied byte by byte.
    var text = text
    text.withUTF8 { append(contentsOf: $0) }
  }
  mutating func write(_ scalar: Unicode.Scalar) { append(contentsOf: UTF8.encode(scalar)!) }
  mutating func write(utf8 bytes: [UInt8]) { append(contentsOf: bytes) }
  mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
    append(UInt8(ascii: "\""))
    append(contentsOf: bytes)
    append(UInt8(ascii: "\""))
  }
}

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}
