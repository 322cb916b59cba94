import AirenvModel

struct ConnectionFieldsView: JSONShaped {
  var connType: String
  var description: String?
  var host: String?
  var schema: String?
  var login: String?
  var password: String?
  var port: Int?
  var extra: [String: JSONValue]?
  /// Secret fields whose values are withheld.
  var masked: [String]
  /// Secret fields that cannot be decrypted with the current key.
  var locked: [String]

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("conn_type", .string(connType))
      writer.member("description", JSONValue(description))
      writer.member("extra", extra.map(JSONValue.object))
      writer.member("host", JSONValue(host))
      writer.member("locked", strings: locked)
      writer.member("login", JSONValue(login))
      writer.member("masked", strings: masked)
      writer.member("password", JSONValue(password))
      writer.member("port", JSONValue(port))
      writer.member("schema", JSONValue(schema))
    }
  }

  init(
    fields: [ConnectionField: String], extra: [String: JSONValue]?, secretKeys: Set<String>,
    policy: ViewPolicy
  ) {
    connType = fields[.connType] ?? ""
    masked = []
    locked = []
    guard policy.values else { return }
    description = fields[.description]
    host = fields[.host]
    schema = fields[.schema]
    login = fields[.login]
    password = fields[.password]
    port = fields[.port].flatMap { Int($0) }
    self.extra = extra
    if let value = password, Secrecy.lock(of: value) != nil {
      password = nil
      locked.append("password")
    } else if password != nil && !policy.reveal {
      password = nil
      masked.append("password")
    }
    if let extra {
      // Changed only where something is hidden: most extras hold no secret at all.
      var shown = extra
      for (key, value) in extra {
        if Secrecy.lock(of: value) != nil {
          shown[key] = .null
          locked.append("extra.\(key)")
        } else if !policy.reveal, let hidden = Secrecy.maskedIfAny(value, key: key, marked: secretKeys),
          hidden != value
        {
          shown[key] = hidden
          masked.append("extra.\(key)")
        }
      }
      self.extra = shown
    }
    masked.sort()
    locked.sort()
  }
}

/// One link's overrides: only the fields that are set.
struct ConnectionFieldsOverrideView: JSONShaped {
  var fields: [String: String?]
  var extraSet: [String: JSONValue]
  var extraUnset: [String]
  var masked: [String]
  var locked: [String]

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("extra_set", .object(extraSet))
      writer.member("extra_unset", strings: extraUnset)
      writer.member("fields")
      writer.object(nullableStrings: fields)
      writer.member("locked", strings: locked)
      writer.member("masked", strings: masked)
    }
  }

  init(_ link: ConnectionOverride, secretKeys: Set<String>, policy: ViewPolicy) {
    fields = [:]
    masked = []
    locked = []
    extraSet = [:]
    extraUnset = link.extraUnset.sorted()
    for (field, value) in link.fields {
      if Secrecy.lock(of: value) != nil {
        fields[field.rawValue] = .some(nil)
        locked.append(field.rawValue)
      } else if !policy.values || (!policy.reveal && Secrecy.isSecret(field)) {
        fields[field.rawValue] = .some(nil)
        masked.append(field.rawValue)
      } else {
        fields[field.rawValue] = .some(value)
      }
    }
    for (key, value) in link.extraSet {
      if Secrecy.lock(of: value) != nil {
        extraSet[key] = .null
        locked.append("extra.\(key)")
        continue
      }
      extraSet[key] =
        !policy.values
        ? .string(Secrecy.mask) : policy.reveal ? value : Secrecy.masked(value, key: key, marked: secretKeys)
      if extraSet[key] != value { masked.append("extra.\(key)") }
    }
    masked.sort()
    locked.sort()
  }
}
