import AirenvModel

/// A view whose JSON shape is a `JSONValue` built by hand. `Output.json` writes it without
/// `JSONEncoder` (a third of `resolve` of 10,000 objects was spent there), and YAML, or any
/// `Encodable` that holds the view, encodes that same value: the shape is defined once.
protocol JSONShaped: Encodable, Sendable {
  var json: JSONValue { get }
}

extension JSONShaped {
  func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension Array: JSONShaped where Element: JSONShaped {
  var json: JSONValue { .array(concurrentMap(\.json)) }
}

extension JSONValue {
  /// An object of the members that are present: a nil member is left out, as the synthesized
  /// `Encodable` of an optional property leaves it out.
  static func members(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
    var members: [String: JSONValue] = [:]
    members.reserveCapacity(pairs.count)
    for (key, value) in pairs { if let value { members[key] = value } }
    return .object(members)
  }

  static func strings(_ texts: [String]) -> JSONValue { .array(texts.map(JSONValue.string)) }

  /// A string-valued dictionary in which nil is written as `null` (as `[String: String?]`
  /// encodes).
  static func nullableStrings(_ texts: [String: String?]) -> JSONValue {
    .object(texts.mapValues { $0.map(JSONValue.string) ?? .null })
  }

  init?(_ text: String?) {
    guard let text else { return nil }
    self = .string(text)
  }

  init?(_ number: Int?) {
    guard let number else { return nil }
    self = .integer(Int64(number))
  }
}
