/// The stored form of connection fields: Airflow's column names, `port` as a number
/// (null in an override meaning "no port"), `extra` as an object.
struct FieldKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ string: String) { stringValue = string }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension [ConnectionField: String] {
  fileprivate func encode(into container: inout KeyedEncodingContainer<FieldKey>) throws {
    for (field, value) in self {
      let key = FieldKey(field.rawValue)
      if field == .port {
        if let port = Int(value) {
          try container.encode(port, forKey: key)
        } else {
          try container.encodeNil(forKey: key)
        }
      } else {
        try container.encode(value, forKey: key)
      }
    }
  }

  fileprivate static func decode(
    from container: KeyedDecodingContainer<FieldKey>
  ) throws -> [ConnectionField: String] {
    var fields: [ConnectionField: String] = [:]
    for field in ConnectionField.allCases {
      let key = FieldKey(field.rawValue)
      guard container.contains(key) else { continue }
      if field == .port {
        if try container.decodeNil(forKey: key) {
          fields[.port] = ""
        } else {
          let port = try container.decode(Int.self, forKey: key)
          guard (1...65535).contains(port) else {
            throw DecodingError.dataCorruptedError(
              forKey: key, in: container, debugDescription: "port \(port) is not from 1 to 65535")
          }
          fields[.port] = String(port)
        }
      } else {
        fields[field] = try container.decode(String.self, forKey: key)
      }
    }
    return fields
  }
}

extension ConnectionPayload: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: FieldKey.self)
    fields = try .decode(from: container)
    fields[.port] = fields[.port].flatMap { $0.isEmpty ? nil : $0 }
    extra = try container.decodeIfPresent([String: JSONValue].self, forKey: FieldKey("extra")) ?? [:]
    secretExtraKeys = Set(
      try container.decodeIfPresent([String].self, forKey: FieldKey("secretExtraKeys")) ?? [])
    guard let type = fields[.connType], !type.isEmpty else {
      throw DecodingError.keyNotFound(
        FieldKey("conn_type"),
        .init(codingPath: container.codingPath, debugDescription: "a connection needs conn_type"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: FieldKey.self)
    try fields.encode(into: &container)
    try container.encode(extra, forKey: FieldKey("extra"))
    if !secretExtraKeys.isEmpty {
      try container.encode(secretExtraKeys.sorted(), forKey: FieldKey("secretExtraKeys"))
    }
  }
}

extension ConnectionOverride: Codable {
  private enum CodingKeys: String, CodingKey { case fields, extraSet, extraUnset }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    if container.contains(.fields) {
      fields = try .decode(from: container.nestedContainer(keyedBy: FieldKey.self, forKey: .fields))
    } else {
      fields = [:]
    }
    extraSet = try container.decodeIfPresent([String: JSONValue].self, forKey: .extraSet) ?? [:]
    extraUnset = Set(try container.decodeIfPresent([String].self, forKey: .extraUnset) ?? [])
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    if !fields.isEmpty {
      var nested = container.nestedContainer(keyedBy: FieldKey.self, forKey: .fields)
      try fields.encode(into: &nested)
    }
    if !extraSet.isEmpty { try container.encode(extraSet, forKey: .extraSet) }
    if !extraUnset.isEmpty { try container.encode(extraUnset.sorted(), forKey: .extraUnset) }
  }
}
