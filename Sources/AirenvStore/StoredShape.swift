import AirenvModel

/// The members a stored file may hold, level by level. A member airenv does not write is
/// refused on load, as the CLI refuses an unknown flag: a misspelt `pasword` in a hand edit
/// would otherwise be dropped silently on the next save.
indirect enum StoredShape: Sendable {
  /// Any JSON at all (a connection's extra, an object as stored in a history entry).
  case anything
  /// A string, number, boolean or null.
  case scalar
  /// An integer written as one (`5432`, not `5432.0` or `5.432e3`), or null.
  case integer
  /// An object with exactly these member names (each optional).
  case record([String: StoredShape])
  /// An object with any member names, each of one shape (links by Deployment, members by user).
  case dictionary(StoredShape)
  case list(StoredShape)

  /// The path of the first member that is not allowed, and why; nil when `json` fits.
  func misfit(_ json: JSONValue, at path: [String] = []) -> (path: [String], reason: String)? {
    switch (self, json) {
    case (.anything, _), (.scalar, .null), (.scalar, .bool), (.scalar, .integer), (.scalar, .double),
      (.scalar, .string), (.integer, .integer), (.integer, .null):
      return nil
    case (.integer, _): return (path, "\(path.joined(separator: ".")) must be a whole number")
    case (.record(let members), .object(let values)):
      // The common case, every member known and fitting, is checked without sorting.
      if self.fits(json) { return nil }
      for name in values.keys.sorted() {
        guard let shape = members[name] else {
          let place = path.isEmpty ? "" : " in \(path.joined(separator: "."))"
          return (
            path + [name], "unknown member \"\(name.prefix(80))\"\(place) (airenv does not write it; a typo?)"
          )
        }
        if let misfit = shape.misfit(values[name]!, at: path + [name]) { return misfit }
      }
      return nil
    case (.dictionary(let shape), .object(let values)):
      if values.values.allSatisfy(shape.fits) { return nil }
      for name in values.keys.sorted() {
        if let misfit = shape.misfit(values[name]!, at: path + [name]) { return misfit }
      }
      return nil
    case (.list(let shape), .array(let items)):
      for (index, item) in items.enumerated() {
        if let misfit = shape.misfit(item, at: path + [String(index)]) { return misfit }
      }
      return nil
    case (.scalar, _):
      return (path, "\(path.joined(separator: ".")) must be a single value, not an object or a list")
    case (.record, _), (.dictionary, _): return (path, "\(path.joined(separator: ".")) must be an object")
    case (.list, _): return (path, "\(path.joined(separator: ".")) must be a list")
    }
  }

  /// Whether `json` fits, without building a path: `misfit` says where only when it does not.
  func fits(_ json: JSONValue) -> Bool {
    switch (self, json) {
    case (.anything, _), (.scalar, .null), (.scalar, .bool), (.scalar, .integer), (.scalar, .double),
      (.scalar, .string), (.integer, .integer), (.integer, .null):
      return true
    case (.record(let members), .object(let values)):
      return values.allSatisfy { member in members[member.key]?.fits(member.value) ?? false }
    case (.dictionary(let shape), .object(let values)): return values.values.allSatisfy(shape.fits)
    case (.list(let shape), .array(let items)): return items.allSatisfy(shape.fits)
    default: return false
    }
  }

  static func record(_ members: [String: StoredShape], versioned: Bool) -> StoredShape {
    .record(versioned ? members.merging(["version": .integer]) { first, _ in first } : members)
  }

  static let stamp = StoredShape.record([
    "revision": .integer, "createdAt": .scalar, "createdBy": .scalar, "updatedAt": .scalar,
    "updatedBy": .scalar, "entry": .scalar,
  ])

  static let scope = StoredShape.record(["kind": .scalar, "deployment": .scalar])

  static let connectionFields: [String: StoredShape] = Dictionary(
    uniqueKeysWithValues: ConnectionField.allCases.map {
      ($0.rawValue, $0 == .port ? .integer : StoredShape.scalar)
    })

  static func object(base: StoredShape, link: StoredShape) -> StoredShape {
    .record(
      [
        "id": .scalar, "key": .scalar, "scope": scope, "base": base, "linkedToAll": .scalar,
        "links": .dictionary(link), "exclusions": .list(.scalar), "stamp": stamp,
      ], versioned: true)
  }
}

/// A stored value whose file is checked on load: its members against a shape, its values
/// against the model's rules.
protocol StoredRecord: Decodable {
  static var shape: StoredShape { get }
  func checkInvariants() throws(InvariantViolation)
}

extension Deployment: StoredRecord {
  static let shape = StoredShape.record(
    [
      "id": .scalar, "name": .scalar, "description": .scalar, "tags": .list(.scalar), "branch": .scalar,
      "stamp": StoredShape.stamp,
      "target": .record([
        "kind": .scalar, "url": .scalar, "username": .scalar, "password": .scalar, "token": .scalar,
        "timeoutSeconds": .integer, "certificateAuthority": .scalar, "path": .scalar, "format": .scalar,
      ]),
    ], versioned: true)
}

extension EnvironmentObject: StoredRecord
where
  Payload: StrictlyReadable & StoredPayload,
  Payload.Override: StrictlyReadable
{
  static var shape: StoredShape { Payload.storedShape }
}

/// The shape of a whole object file for each kind of payload.
protocol StoredPayload {
  static var storedShape: StoredShape { get }
}

extension ConnectionPayload: StoredPayload {
  static let storedShape = StoredShape.object(
    base: .record(
      StoredShape.connectionFields.merging(["extra": .anything, "secretExtraKeys": .list(.scalar)]) {
        first, _ in first
      }),
    link: .record([
      "fields": .record(StoredShape.connectionFields), "extraSet": .anything, "extraUnset": .list(.scalar),
    ]))
}

extension VariablePayload: StoredPayload {
  static let storedShape = StoredShape.object(
    base: .record(["value": .scalar, "description": .scalar, "secret": .scalar]),
    link: .record(["value": .scalar]))
}

extension RepositoryIndex: StoredRecord {
  static let shape = StoredShape.record(
    ["format": .scalar, "defaultWorkspace": .scalar, "keyFingerprint": .scalar, "dataKeys": .scalar],
    versioned: true)

  func checkInvariants() throws(InvariantViolation) {
    if format != "airenv-repository" {
      throw InvariantViolation(["format"], "this is not an airenv repository index")
    }
    if let id = defaultWorkspace, let problem = IdentifierRules.problem(withStableID: id) {
      throw InvariantViolation(["defaultWorkspace"], "the Workspace id is not allowed: \(problem)")
    }
    if let fingerprint = keyFingerprint,
      fingerprint.utf8.count != 16 || !fingerprint.utf8.allSatisfy({ Self.isHexDigit($0) })
    {
      throw InvariantViolation(["keyFingerprint"], "a key fingerprint is 16 hexadecimal digits")
    }
  }

  static func isHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
      || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
  }
}

extension WorkspaceHeader: StoredRecord {
  static let shape = StoredShape.record(
    [
      "id": .scalar, "name": .scalar, "stamp": StoredShape.stamp, "members": .dictionary(.scalar),
      "memberKeys": .dictionary(.scalar),
      "settings": .record(["secretsFetching": .scalar]), "dataKey": .scalar,
    ], versioned: true)

  func checkInvariants() throws(InvariantViolation) {
    if let problem = IdentifierRules.problem(withStableID: id) {
      throw InvariantViolation(["id"], "the Workspace id is not allowed: \(problem)")
    }
    if let problem = IdentifierRules.problem(withDeploymentName: name) {
      throw InvariantViolation(["name"], "the Workspace name is not allowed: \(problem)")
    }
    for user in members.keys.sorted() {
      if let problem = IdentifierRules.problem(withUserName: user) {
        throw InvariantViolation(["members", user], "the member's name is not allowed: \(problem)")
      }
    }
    for (user, key) in (memberKeys ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard members[user] != nil else {
        throw InvariantViolation(["memberKeys", user], "a public key of someone who is not a member")
      }
      if let problem = IdentityText.problem(key) { throw InvariantViolation(["memberKeys", user], problem) }
    }
    if let dataKey, dataKey.utf8.count != 16 || !dataKey.utf8.allSatisfy(RepositoryIndex.isHexDigit) {
      throw InvariantViolation(["dataKey"], "a key fingerprint is 16 hexadecimal digits")
    }
    do { try stamp.checkInvariants() } catch {
      throw InvariantViolation(["stamp"] + error.path, error.reason)
    }
  }
}

extension HistoryEntry: StoredRecord {
  static let shape = StoredShape.record(
    [
      "sequence": .integer, "time": .scalar, "user": .scalar, "command": .scalar, "deployment": .scalar,
      "undoes": .integer, "redoes": .integer, "undoesEntry": .scalar, "redoesEntry": .scalar,
      "sealed": .dictionary(.scalar),
      "changes": .list(
        .record([
          "kind": .scalar, "id": .scalar, "key": .scalar, "before": .anything, "afterDigest": .scalar,
          "revision": .integer, "after": .anything, "parents": .list(.scalar),
          "fields": .list(
            .record(["name": .scalar, "before": .anything, "after": .anything, "secret": .scalar])),
        ])),
    ], versioned: true)

  /// `keys`: the Workspace's data key was made anew (see `Repository.dataKeyRenewal`).
  static let kinds: Set<String> = ["connection", "variable", "deployment", "workspace", "delivery", "keys"]

  func checkInvariants() throws(InvariantViolation) {
    if let problem = IdentifierRules.problem(withUserName: user) {
      throw InvariantViolation(["user"], "the user name is not allowed: \(problem)")
    }
    for (path, text) in [(["command"], command), (["deployment"], deployment ?? "")] {
      if let problem = IdentifierRules.problem(withLabel: text) {
        throw InvariantViolation(path, "not allowed: \(problem)")
      }
    }
    for (index, change) in changes.enumerated() {
      let path = ["changes", String(index)]
      guard Self.kinds.contains(change.kind) else {
        throw InvariantViolation(path + ["kind"], "not a kind of change airenv records")
      }
      if let problem = IdentifierRules.problem(withStableID: change.id) {
        throw InvariantViolation(path + ["id"], "the id is not allowed: \(problem)")
      }
      if let problem = IdentifierRules.problem(withLabel: change.key) {
        throw InvariantViolation(path + ["key"], "not allowed: \(problem)")
      }
      if let parents = change.parents,
        let wrong = parents.firstIndex(where: { !RepositoryLayout.isHistoryStem($0) })
      {
        throw InvariantViolation(path + ["parents", String(wrong)], "not the name of a history entry")
      }
      // A field's name is its path in the object, extra keys included: any text airenv accepted
      // as an extra key, so only its size is bounded here.
      for (offset, field) in change.fields.enumerated() where field.name.utf8.count > Limits.valueBytes {
        throw InvariantViolation(
          path + ["fields", String(offset), "name"], "a field name over the size limit")
      }
    }
  }
}
