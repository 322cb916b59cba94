import AirenvModel
import Foundation

/// A stored value that the fast path can build from `StrictJSONReader`'s JSON. Each reader
/// mirrors the type's `Decodable` conformance for the shapes airenv writes and returns nil
/// for anything else, so that `JSONDecoder` decides (and explains) every other file.
/// `StrictReadingTests` checks that both paths give the same values.
protocol StrictlyReadable {
  init?(strict json: JSONValue)
}

/// An object's members, read the way a keyed decoding container reads them.
private struct Members {
  let values: [String: JSONValue]

  init?(_ json: JSONValue?) {
    guard case .object(let values)? = json else { return nil }
    self.values = values
  }

  /// `decode(String.self)`: present and a string.
  func string(_ key: String) -> String? { values[key]?.stringValue }

  /// `decodeIfPresent(String.self)`: absent or null is `.some(nil)`, another type is nil.
  func optionalString(_ key: String) -> String?? {
    switch values[key] {
    case nil, .null?: return .some(nil)
    case .string(let text)?: return .some(text)
    default: return nil
    }
  }

  /// `decodeIfPresent(...) ?? fallback` for members that default when absent or null.
  func optional<Value>(_ key: String, default fallback: Value, _ read: (JSONValue) -> Value?) -> Value? {
    switch values[key] {
    case nil, .null?: return fallback
    case let value?: return read(value)
    }
  }

  func strings(_ key: String) -> [String]? { optional(key, default: [], Self.strings) }

  static func strings(_ json: JSONValue) -> [String]? { json.strings }

  static func object(_ json: JSONValue) -> [String: JSONValue]? { json.objectValue }

  static func bool(_ json: JSONValue) -> Bool? {
    if case .bool(let flag) = json { return flag }
    return nil
  }

  /// `StoredFile.decodeDate` for the one shape airenv writes.
  func date(_ key: String) -> Date? { string(key).flatMap(StoredFile.date(fromStamp:)) }
}

extension Stamp: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), case .integer(let revision)? = members.values["revision"],
      let created = members.date("createdAt"), let createdBy = members.string("createdBy"),
      let updated = members.date("updatedAt"), let updatedBy = members.string("updatedBy"),
      let entry = members.optionalString("entry")
    else { return nil }
    self.init(
      revision: Int(revision), createdAt: created, createdBy: createdBy, updatedAt: updated,
      updatedBy: updatedBy, entry: entry)
  }
}

extension Deployment: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), let id = members.string("id"), let name = members.string("name"),
      case .some(let description) = members.optionalString("description"),
      let tags = members.values["tags"].flatMap(Members.strings),
      case .some(let branch) = members.optionalString("branch"),
      let stamp = members.values["stamp"].flatMap(Stamp.init(strict:)),
      case .some(let target) = members.optional(
        "target", default: DeliveryTarget?.none, { DeliveryTarget(strict: $0).map { .some($0) } })
    else { return nil }
    self.init(
      id: id, name: name, description: description, tags: tags, branch: branch, stamp: stamp, target: target)
  }
}

extension DeliveryTarget: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), let kind = members.string("kind").flatMap(Kind.init(rawValue:)),
      case .some(let url) = members.optionalString("url"),
      case .some(let username) = members.optionalString("username"),
      case .some(let password) = members.optionalString("password"),
      case .some(let token) = members.optionalString("token"),
      case .some(let path) = members.optionalString("path"),
      case .some(let format) = members.optionalString("format"),
      case .some(let certificateAuthority) = members.optionalString("certificateAuthority"),
      case .some(let timeout) = members.optional(
        "timeoutSeconds", default: Int?.none,
        { json -> Int?? in
          if case .integer(let value) = json, let seconds = Int(exactly: value) { return .some(seconds) }
          return nil
        })
    else { return nil }
    self.init(
      kind: kind, url: url, username: username, password: password, token: token, timeoutSeconds: timeout,
      certificateAuthority: certificateAuthority, path: path, format: format)
  }
}

extension Scope: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json) else { return nil }
    switch members.string("kind") {
    case "workspace":
      guard members.values["deployment"] == nil else { return nil }
      self = .workspace
    case "deployment":
      guard let deployment = members.string("deployment") else { return nil }
      self = .deployment(deployment)
    default: return nil
    }
  }
}

extension EnvironmentObject: StrictlyReadable
where Payload: StrictlyReadable, Payload.Override: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), let id = members.string("id"), let key = members.string("key"),
      let scope = members.values["scope"].flatMap(Scope.init(strict:)),
      let base = members.values["base"].flatMap(Payload.init(strict:)),
      let linkedToAll = members.optional("linkedToAll", default: false, Members.bool),
      let links = members.optional("links", default: [:], Self.links),
      let exclusions = members.strings("exclusions"),
      let stamp = members.values["stamp"].flatMap(Stamp.init(strict:))
    else { return nil }
    self.init(
      id: id, key: key, scope: scope, base: base, linkedToAll: linkedToAll, links: links,
      exclusions: Set(exclusions), stamp: stamp)
  }

  private static func links(_ json: JSONValue) -> [DeploymentID: Payload.Override]? {
    guard case .object(let members) = json else { return nil }
    var links: [DeploymentID: Payload.Override] = [:]
    links.reserveCapacity(members.count)
    for (deployment, value) in members {
      guard let override = Payload.Override(strict: value) else { return nil }
      links[deployment] = override
    }
    return links
  }
}

extension ConnectionPayload: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), let fields = Self.fields(members.values),
      let type = fields[.connType], !type.isEmpty,
      let extra = members.optional("extra", default: [:], Members.object),
      let secretExtraKeys = members.strings("secretExtraKeys")
    else { return nil }
    self.init(
      fields: fields.filter { $0.key != .port || !$0.value.isEmpty }, extra: extra,
      secretExtraKeys: Set(secretExtraKeys))
  }

  /// The standard columns as `ConnectionCoding` reads them: strings, and `port` a number
  /// from 1 to 65535 or null (read as "", meaning "no port").
  static func fields(_ members: [String: JSONValue]) -> [ConnectionField: String]? {
    var fields: [ConnectionField: String] = [:]
    for (name, value) in members {
      guard let field = ConnectionField(rawValue: name) else { continue }
      switch (field, value) {
      case (.port, .null): fields[.port] = ""
      case (.port, .integer(let port)) where (1...65535).contains(port): fields[.port] = String(port)
      case (.port, _): return nil
      case (_, .string(let text)): fields[field] = text
      default: return nil
      }
    }
    return fields
  }
}

extension ConnectionOverride: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json),
      // Unlike the other members, a null `fields` is refused by the decoder.
      let fields = members.values["fields"].map({ $0.objectValue.flatMap(ConnectionPayload.fields) }) ?? [:],
      let extraSet = members.optional("extraSet", default: [:], Members.object),
      let extraUnset = members.strings("extraUnset")
    else { return nil }
    self.init(fields: fields, extraSet: extraSet, extraUnset: Set(extraUnset))
  }
}

extension VariablePayload: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), let value = members.string("value"),
      case .some(let description) = members.optionalString("description"),
      case .bool(let secret)? = members.values["secret"]
    else { return nil }
    self.init(value: value, description: description, secret: secret)
  }
}

extension VariableOverride: StrictlyReadable {
  init?(strict json: JSONValue) {
    guard let members = Members(json), case .some(let value) = members.optionalString("value") else {
      return nil
    }
    self.init(value: value)
  }
}

extension JSONValue {
  /// A list of strings as `[String]`; nil for anything else.
  var strings: [String]? {
    guard case .array(let items) = self else { return nil }
    var strings: [String] = []
    strings.reserveCapacity(items.count)
    for item in items {
      guard case .string(let text) = item else { return nil }
      strings.append(text)
    }
    return strings
  }
}
