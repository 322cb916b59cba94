import AirenvModel

/// A view whose JSON it writes itself (`JSONWritable`): `Output.print` streams it as pretty
/// text, and YAML, or any `Encodable` that holds the view, encodes the `JSONValue` the same
/// calls build. The shape is defined once.
protocol JSONShaped: JSONWritable, Encodable {}

extension JSONShaped {
  var json: JSONValue { JSONValueBuilder.value(of: self) }

  func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

extension Array: JSONShaped where Element: JSONShaped {}

extension JSONWriter {
  /// A string-valued dictionary in which nil is written as `null` (as `[String: String?]`
  /// encodes).
  mutating func object(nullableStrings texts: [String: String?]) {
    object(sorting: texts) { writer, text in writer.value(text.map(JSONValue.string) ?? .null) }
  }
}

extension JSONValue {
  init?(_ text: String?) {
    guard let text else { return nil }
    self = .string(text)
  }

  init?(_ number: Int?) {
    guard let number else { return nil }
    self = .integer(Int64(number))
  }
}
