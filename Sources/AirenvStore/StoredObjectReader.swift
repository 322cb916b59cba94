import AirenvModel
import Foundation

/// Connection and variable files read straight from their bytes into the model, member by
/// member, without first building every object of the file as a `JSONValue` dictionary and
/// then looking each member up in it again (hashing was a fifth of reading 10,000 files).
///
/// Like `StrictlyReadable.init(strict:)` it is a fast path, not the authority: it accepts only
/// the shapes airenv writes, with every member known, none twice and each of its type, and
/// gives nil for anything else, which the dictionary path and then `JSONDecoder` decide and
/// explain. `StrictReadingTests` checks that it never reads a file differently.
protocol DirectlyReadable {
  static func read(directly reader: inout StrictJSONReader) -> Self?
}

extension StrictJSONReader {
  /// A whole document read by `read`, or nil when `read` gives nil or bytes follow the value.
  static func document<Value>(of bytes: [UInt8], _ read: (inout StrictJSONReader) -> Value?) -> Value? {
    bytes.withUnsafeBufferPointer { buffer in
      var reader = StrictJSONReader(buffer)
      guard let value = read(&reader) else { return nil }
      reader.skipWhitespace()
      return reader.position == buffer.count ? value : nil
    }
  }

  /// Reads an object, handing each member's key to `member`, which reads the value and says
  /// whether it could. A key with an escape is not one airenv writes for a member: nil.
  mutating func members(_ member: (inout StrictJSONReader, MemberKey) -> Bool) -> Bool {
    skipWhitespace()
    guard position < bytes.count, bytes[position] == UInt8(ascii: "{"), depth < 250 else { return false }
    depth += 1
    defer { depth -= 1 }
    position += 1
    skipWhitespace()
    if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
      position += 1
      return true
    }
    while true {
      skipWhitespace()
      guard let key = plainKey() else { return false }
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
      position += 1
      guard member(&self, key) else { return false }
      skipWhitespace()
      guard position < bytes.count else { return false }
      let separator = bytes[position]
      position += 1
      if separator == UInt8(ascii: "}") { return true }
      guard separator == UInt8(ascii: ",") else { return false }
    }
  }

  /// A key of plain ASCII without escapes, as its bytes in the document.
  private mutating func plainKey() -> MemberKey? {
    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
    let start = position + 1
    var end = start
    while end < bytes.count {
      let byte = bytes[end]
      if byte == UInt8(ascii: "\"") { break }
      guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
      end += 1
    }
    guard end < bytes.count else { return nil }
    position = end + 1
    return MemberKey(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]))
  }

  private mutating func peek(_ byte: UInt8) -> Bool {
    skipWhitespace()
    return position < bytes.count && bytes[position] == byte
  }

  /// A string value.
  mutating func stringValue() -> String? {
    peek(UInt8(ascii: "\"")) ? string() : nil
  }

  /// `null`, read and true; anything else is left unread.
  mutating func null() -> Bool {
    peek(UInt8(ascii: "n")) && literal("null", .null) != nil
  }

  /// A string, or null as `.some(nil)`; another type is nil.
  mutating func optionalString() -> String?? {
    if null() { return .some(nil) }
    return stringValue().map { .some($0) }
  }

  mutating func bool() -> Bool? {
    skipWhitespace()
    guard position < bytes.count else { return nil }
    switch bytes[position] {
    case UInt8(ascii: "t"): return literal("true", .bool(true)) != nil ? true : nil
    case UInt8(ascii: "f"): return literal("false", .bool(false)) != nil ? false : nil
    default: return nil
    }
  }

  mutating func integerValue() -> Int64? {
    skipWhitespace()
    guard position < bytes.count else { return nil }
    let byte = bytes[position]
    guard byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte),
      case .integer(let number)? = integer()
    else { return nil }
    return number
  }

  /// A list of strings (null is not a list: the stored shape refuses it).
  mutating func strings() -> [String]? {
    guard peek(UInt8(ascii: "[")) else { return nil }
    return value()?.strings
  }

  /// An object of any JSON, or null as the empty object.
  mutating func anyObject() -> [String: JSONValue]? {
    if null() { return [:] }
    guard peek(UInt8(ascii: "{")), case .object(let members)? = value() else { return nil }
    return members
  }
}

/// A member's key as it stands in the document.
struct MemberKey {
  let bytes: UnsafeBufferPointer<UInt8>

  static func == (key: MemberKey, name: StaticString) -> Bool {
    key.bytes.count == name.utf8CodeUnitCount
      && (key.bytes.isEmpty || memcmp(key.bytes.baseAddress!, name.utf8Start, key.bytes.count) == 0)
  }

  var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Which members of a record were read: a second one of a name is refused, as the strict
/// reader refuses a duplicate key.
private struct SeenMembers {
  private var seen: UInt32 = 0

  /// Marks member `index`; false when it was already read.
  mutating func first(_ index: Int) -> Bool {
    let bit = UInt32(1) << UInt32(index)
    defer { seen |= bit }
    return seen & bit == 0
  }

  func has(_ index: Int) -> Bool { seen & (UInt32(1) << UInt32(index)) != 0 }

  /// Reads member `index` into `target`: false when it came before or `value` is not there.
  mutating func take<Value>(_ index: Int, _ value: @autoclosure () -> Value?, into target: inout Value)
    -> Bool
  {
    guard first(index), let read = value() else { return false }
    target = read
    return true
  }
}

extension EnvironmentObject: DirectlyReadable
where Payload: DirectlyReadable, Payload.Override: DirectlyReadable {
  static func read(directly reader: inout StrictJSONReader) -> Self? {
    var seen = SeenMembers()
    var id: String?
    var key: String?
    var scope: Scope?
    var base: Payload?
    var linkedToAll = false
    var links: [DeploymentID: Payload.Override] = [:]
    var exclusions: [String] = []
    var stamp: Stamp?
    let read = reader.members { reader, name in
      switch name {
      case _ where name == "version":
        guard seen.first(0), let version = reader.integerValue() else { return false }
        return (1...Int64(StoredFile.currentVersion)).contains(version)
      case _ where name == "id":
        guard seen.first(1) else { return false }
        id = reader.stringValue()
        return id != nil
      case _ where name == "key":
        guard seen.first(2) else { return false }
        key = reader.stringValue()
        return key != nil
      case _ where name == "scope":
        guard seen.first(3) else { return false }
        scope = Scope.read(directly: &reader)
        return scope != nil
      case _ where name == "base":
        guard seen.first(4) else { return false }
        base = Payload.read(directly: &reader)
        return base != nil
      case _ where name == "linkedToAll":
        guard seen.first(5) else { return false }
        if reader.null() { return true }
        guard let flag = reader.bool() else { return false }
        linkedToAll = flag
        return true
      case _ where name == "links":
        // A null is not an object: the stored shape refuses it.
        guard seen.first(6) else { return false }
        return reader.members { reader, deployment in
          guard let override = Payload.Override.read(directly: &reader) else { return false }
          return links.updateValue(override, forKey: deployment.text) == nil
        }
      case _ where name == "exclusions":
        return seen.take(7, reader.strings(), into: &exclusions)
      case _ where name == "stamp":
        guard seen.first(8) else { return false }
        stamp = Stamp.read(directly: &reader)
        return stamp != nil
      default: return false
      }
    }
    guard read, seen.has(0), let id, let key, let scope, let base, let stamp else { return nil }
    return Self(
      id: id, key: key, scope: scope, base: base, linkedToAll: linkedToAll, links: links,
      exclusions: Set(exclusions), stamp: stamp)
  }
}

extension Scope {
  fileprivate static func read(directly reader: inout StrictJSONReader) -> Scope? {
    var seen = SeenMembers()
    var kind: String?
    var deployment: String?
    let read = reader.members { reader, name in
      if name == "kind" {
        guard seen.first(0) else { return false }
        kind = reader.stringValue()
        return kind != nil
      }
      if name == "deployment" {
        guard seen.first(1) else { return false }
        deployment = reader.stringValue()
        return deployment != nil
      }
      return false
    }
    guard read else { return nil }
    switch (kind, deployment) {
    case ("workspace"?, nil): return .workspace
    case ("deployment"?, let owner?): return .deployment(owner)
    default: return nil
    }
  }
}

extension Stamp {
  fileprivate static func read(directly reader: inout StrictJSONReader) -> Stamp? {
    var seen = SeenMembers()
    var revision: Int64?
    var texts: [String?] = [nil, nil, nil, nil, nil]
    let names: [StaticString] = ["createdAt", "createdBy", "updatedAt", "updatedBy", "entry"]
    let read = reader.members { reader, name in
      if name == "revision" {
        guard seen.first(0) else { return false }
        revision = reader.integerValue()
        return revision != nil
      }
      guard let index = names.firstIndex(where: { name == $0 }), seen.first(index + 1),
        let text = reader.stringValue()
      else { return false }
      texts[index] = text
      return true
    }
    guard read, let revision, let createdAt = texts[0].flatMap(StoredFile.date(fromStamp:)),
      let createdBy = texts[1], let updatedAt = texts[2].flatMap(StoredFile.date(fromStamp:)),
      let updatedBy = texts[3]
    else { return nil }
    return Stamp(
      revision: Int(revision), createdAt: createdAt, createdBy: createdBy, updatedAt: updatedAt,
      updatedBy: updatedBy, entry: texts[4])
  }
}

extension ConnectionField {
  fileprivate static func named(_ key: MemberKey) -> ConnectionField? {
    allCases.first { key.bytes.elementsEqual($0.rawValue.utf8) }
  }

  /// Reads a member that names a field into `fields` (false when it came before or is not a
  /// field's value); nil when `name` is no field's.
  fileprivate static func read(
    _ name: MemberKey, from reader: inout StrictJSONReader, into fields: inout [ConnectionField: String]
  ) -> Bool? {
    guard let field = named(name) else { return nil }
    guard fields[field] == nil, let value = field.read(directly: &reader) else { return false }
    fields[field] = value
    return true
  }

  /// A field's value as stored: a string, and `port` a number from 1 to 65535 or null (read
  /// as "", meaning "no port").
  fileprivate func read(directly reader: inout StrictJSONReader) -> String? {
    guard self == .port else { return reader.stringValue() }
    if reader.null() { return "" }
    guard let port = reader.integerValue(), (1...65535).contains(port) else { return nil }
    return String(port)
  }
}

extension ConnectionPayload: DirectlyReadable {
  static func read(directly reader: inout StrictJSONReader) -> ConnectionPayload? {
    var seen = SeenMembers()
    var fields: [ConnectionField: String] = [:]
    var extra: [String: JSONValue] = [:]
    var secretExtraKeys: [String] = []
    let read = reader.members { reader, name in
      if let read = ConnectionField.read(name, from: &reader, into: &fields) { return read }
      if name == "extra" { return seen.take(0, reader.anyObject(), into: &extra) }
      if name == "secretExtraKeys" { return seen.take(1, reader.strings(), into: &secretExtraKeys) }
      return false
    }
    guard read, let type = fields[.connType], !type.isEmpty else { return nil }
    if fields[.port] == "" { fields[.port] = nil }
    return ConnectionPayload(fields: fields, extra: extra, secretExtraKeys: Set(secretExtraKeys))
  }
}

extension ConnectionOverride: DirectlyReadable {
  static func read(directly reader: inout StrictJSONReader) -> ConnectionOverride? {
    var seen = SeenMembers()
    var fields: [ConnectionField: String] = [:]
    var extraSet: [String: JSONValue] = [:]
    var extraUnset: [String] = []
    let read = reader.members { reader, name in
      if name == "fields" {
        guard seen.first(0) else { return false }
        return reader.members { reader, name in
          ConnectionField.read(name, from: &reader, into: &fields) ?? false
        }
      }
      if name == "extraSet" { return seen.take(1, reader.anyObject(), into: &extraSet) }
      if name == "extraUnset" { return seen.take(2, reader.strings(), into: &extraUnset) }
      return false
    }
    guard read else { return nil }
    return ConnectionOverride(fields: fields, extraSet: extraSet, extraUnset: Set(extraUnset))
  }
}

extension VariablePayload: DirectlyReadable {
  static func read(directly reader: inout StrictJSONReader) -> VariablePayload? {
    var seen = SeenMembers()
    var value: String?
    var description: String?
    var secret: Bool?
    let read = reader.members { reader, name in
      if name == "value" {
        guard seen.first(0) else { return false }
        value = reader.stringValue()
        return value != nil
      }
      if name == "description" {
        guard seen.first(1), case .some(let text) = reader.optionalString() else { return false }
        description = text
        return true
      }
      if name == "secret" {
        guard seen.first(2) else { return false }
        secret = reader.bool()
        return secret != nil
      }
      return false
    }
    guard read, let value, let secret else { return nil }
    return VariablePayload(value: value, description: description, secret: secret)
  }
}

extension VariableOverride: DirectlyReadable {
  static func read(directly reader: inout StrictJSONReader) -> VariableOverride? {
    var seen = SeenMembers()
    var value: String?
    let read = reader.members { reader, name in
      guard name == "value", seen.first(0), case .some(let text) = reader.optionalString() else {
        return false
      }
      value = text
      return true
    }
    return read ? VariableOverride(value: value) : nil
  }
}
