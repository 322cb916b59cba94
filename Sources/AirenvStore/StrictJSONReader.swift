import AirenvModel

/// Reads the JSON that airenv itself writes, about ten times faster than `JSONDecoder`,
/// which dominated opening a large Workspace.
///
/// It is a fast path, not the authority: anything outside what airenv writes — a fraction
/// or exponent, a duplicate key, a bad escape, invalid UTF-8, a syntax error — gives nil,
/// and the caller decodes the file with `JSONDecoder`, which decides and explains.
struct StrictJSONReader {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  var depth = 0
  /// The members of the objects being read, innermost last: an object's dictionary is made
  /// once its size is known, so it is never grown and rehashed member by member.
  private var pending: [(key: String, value: JSONValue)] = []
  /// Deeper documents are left to JSONDecoder, which refuses them with a reason, rather
  /// than recursing until the stack runs out.
  private static let maximumDepth = 256

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// The value of a whole document, or nil when the fast path does not apply.
  static func value(of bytes: [UInt8]) -> JSONValue? {
    bytes.withUnsafeBufferPointer { buffer in
      var reader = StrictJSONReader(buffer)
      guard let value = reader.value() else { return nil }
      reader.skipWhitespace()
      return reader.position == buffer.count ? value : nil
    }
  }

  mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x0A, 0x0D, 0x09: position += 1
      default: return
      }
    }
  }

  mutating func value() -> JSONValue? {
    skipWhitespace()
    guard position < bytes.count else { return nil }
    switch bytes[position] {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth < Self.maximumDepth else { return nil }
      depth += 1
      defer { depth -= 1 }
      return bytes[position] == UInt8(ascii: "{") ? object() : array()
    case UInt8(ascii: "\""): return string().map(JSONValue.string)
    case UInt8(ascii: "t"): return literal("true", .bool(true))
    case UInt8(ascii: "f"): return literal("false", .bool(false))
    case UInt8(ascii: "n"): return literal("null", .null)
    default: return integer()
    }
  }

  mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
    let count = word.utf8CodeUnitCount
    guard position + count <= bytes.count else { return nil }
    for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { return nil }
    position += count
    return value
  }

  private mutating func object() -> JSONValue? {
    position += 1
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object([:])
    }
    let start = pending.count
    defer { pending.removeSubrange(start...) }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else {
        return nil
      }
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
      position += 1
      guard let member = value() else { return nil }
      pending.append((key, member))
      skipWhitespace()
      guard position < bytes.count else { return nil }
      let separator = bytes[position]
      position += 1
      if separator == UInt8(ascii: "}") { break }
      guard separator == UInt8(ascii: ",") else { return nil }
    }
    var members = [String: JSONValue](minimumCapacity: pending.count - start)
    for (key, value) in pending[start...] {
      guard members.updateValue(value, forKey: key) == nil else { return nil }
    }
    return .object(members)
  }

  private mutating func array() -> JSONValue? {
    position += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array(items)
    }
    while true {
      guard let item = value() else { return nil }
      items.append(item)
      skipWhitespace()
      guard position < bytes.count else { return nil }
      let separator = bytes[position]
      position += 1
      if separator == UInt8(ascii: "]") { return .array(items) }
      guard separator == UInt8(ascii: ",") else { return nil }
    }
  }

  /// An integer that fits in 64 bits, without fraction or exponent (JSONDecoder reads those
  /// as integers in some cases and not in others, so they take the slow path).
  mutating func integer() -> JSONValue? {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    let digitsStart = position
    var magnitude: UInt64 = 0
    while position < bytes.count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
      let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, carry) = times10.addingReportingOverflow(UInt64(digit))
      guard !overflow, !carry else { return nil }
      magnitude = sum
      position += 1
    }
    let digitCount = position - digitsStart
    guard digitCount > 0, digitCount == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
    if position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
      default: break
      }
    }
    if bytes[start] == UInt8(ascii: "-") {
      guard magnitude <= UInt64(Int64.max) + 1, magnitude != 0 else { return nil }
      return .integer(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return .integer(Int64(magnitude))
  }

  /// A string; plain runs are copied as they are, escapes are decoded.
  mutating func string() -> String? {
    position += 1
    let start = position
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        defer { position += 1 }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
        // ASCII (nearly every key and value airenv writes) is valid UTF-8 as it is.
        if text.allSatisfy({ $0 < 0x80 }) { return String(decoding: text, as: UTF8.self) }
        return String(validating: text, as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
      if byte < 0x20 { return nil }
      position += 1
    }
    return nil
  }

  private mutating func escapedString(from start: Int) -> String? {
    var utf8 = Array(bytes[start..<position])
    while position < bytes.count {
      let byte = bytes[position]
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(validating: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard position < bytes.count else { return nil }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "u"):
          guard let scalar = unicodeEscape() else { return nil }
          utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
          guard let byte = JSONEscape.byte(for: escape) else { return nil }
          utf8.append(byte)
        }
      default:
        if byte < 0x20 { return nil }
        utf8.append(byte)
      }
    }
    return nil
  }

  /// The scalar of `\uXXXX`, joining a surrogate pair; a lone surrogate gives nil.
  private mutating func unicodeEscape() -> Unicode.Scalar? {
    guard let high = hexQuad() else { return nil }
    if (0xD800..<0xDC00).contains(high) {
      guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
        bytes[position + 1] == UInt8(ascii: "u")
      else { return nil }
      position += 2
      guard let low = hexQuad(), (0xDC00..<0xE000).contains(low) else { return nil }
      return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }
    return Unicode.Scalar(high)
  }

  private mutating func hexQuad() -> UInt32? {
    guard position + 4 <= bytes.count else { return nil }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
      position += 1
    }
    return value
  }
}
