/// A rule broken by a value read from a file (a teammate's hand edit, a git merge): where in
/// the stored JSON it is, and why it is refused. The same rules the commands enforce on input
/// hold for what is read back, so nothing reaches an export or a terminal unchecked.
public struct InvariantViolation: Error, Equatable, Sendable {
  /// The JSON path of the member at fault, e.g. `["links", "dep_1", "fields", "port"]`.
  public var path: [String]
  public var reason: String

  public init(_ path: [String], _ reason: String) {
    self.path = path
    self.reason = reason
  }

  fileprivate func within(_ prefix: [String]) -> InvariantViolation {
    InvariantViolation(prefix + path, reason)
  }
}

/// A value that can say whether it keeps the model's rules.
public protocol CheckedOnLoad {
  func checkInvariants() throws(InvariantViolation)
}

private func check(_ problem: String?, _ path: [String], _ what: String) throws(InvariantViolation) {
  if let problem { throw InvariantViolation(path, "\(what) is not allowed: \(problem)") }
}

/// A sealed secret, or one that did not decrypt, is a ciphertext larger than the value.
private func checkValue(_ text: String, _ path: [String]) throws(InvariantViolation) {
  if Secrecy.isCiphertext(text) { return }
  try check(IdentifierRules.problem(withValue: text), path, "the value")
}

private func checkExtra(_ extra: [String: JSONValue], _ path: [String]) throws(InvariantViolation) {
  if extra.isEmpty { return }
  if extra.keys.contains("") { throw InvariantViolation(path, "an extra key is empty") }
  let (size, depth) = JSONValue.object(extra).compactMeasure
  if depth > Limits.jsonDepth {
    throw InvariantViolation(path, "it nests objects or lists more than \(Limits.jsonDepth) levels deep")
  }
  // Sealed secrets are ciphertexts, larger than their values: they are counted as one byte.
  if size > Limits.valueBytes && ciphertextFree(.object(extra)).compactMeasure.bytes > Limits.valueBytes {
    throw InvariantViolation(
      path, "extra is \(size) bytes of JSON; the limit is \(Limits.describe(bytes: Limits.valueBytes))")
  }
}

private func ciphertextFree(_ value: JSONValue) -> JSONValue {
  switch value {
  case .string(let text) where Secrecy.isCiphertext(text): .string("")
  case .object(let members): .object(members.mapValues(ciphertextFree))
  case .array(let items): .array(items.map(ciphertextFree))
  default: value
  }
}

extension Stamp: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    if revision < 1 || revision > Int(Int32.max) {
      throw InvariantViolation(["revision"], "a revision is a number from 1 to \(Int32.max)")
    }
    try check(IdentifierRules.problem(withUserName: createdBy), ["createdBy"], "the user name")
    try check(IdentifierRules.problem(withUserName: updatedBy), ["updatedBy"], "the user name")
    // The name of a history entry file, never a path: readers open it in the history directory.
    if let entry,
      entry.isEmpty || entry.utf8.count > 64
        || !entry.utf8.allSatisfy({
          $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
            || (0x61...0x7A).contains($0)
        })
    {
      throw InvariantViolation(["entry"], "not the name of a history entry (letters, digits and -)")
    }
  }
}

extension Deployment: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    try check(IdentifierRules.problem(withStableID: id), ["id"], "the id")
    try check(IdentifierRules.problem(withDeploymentName: name), ["name"], "the Deployment name")
    if let description { try checkValue(description, ["description"]) }
    for (index, tag) in tags.enumerated() {
      if tag.trimmingCharacters(in: .whitespaces).isEmpty {
        throw InvariantViolation(["tags", String(index)], "a tag is empty")
      }
      try check(IdentifierRules.problem(withLabel: tag), ["tags", String(index)], "the tag")
    }
    if let branch { try check(IdentifierRules.problem(withLabel: branch), ["branch"], "the branch") }
    do { try stamp.checkInvariants() } catch { throw error.within(["stamp"]) }
    if let target {
      if let problem = target.problem { throw InvariantViolation(["target"], problem) }
      if let password = target.password { try checkValue(password, ["target", "password"]) }
      if let token = target.token { try checkValue(token, ["target", "token"]) }
    }
  }
}

extension EnvironmentObject: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    try check(IdentifierRules.problem(withStableID: id), ["id"], "the id")
    if let reason = IdentifierRules.problem(withObjectKey: key) {
      throw InvariantViolation(
        ["key"], "the \(Payload.kind.keyName) is not allowed: \(reason); use \(IdentifierRules.objectKeyRule)"
      )
    }
    if let owner = scope.owningDeployment {
      try check(IdentifierRules.problem(withStableID: owner), ["scope", "deployment"], "the Deployment id")
      if linkedToAll || !links.isEmpty || !exclusions.isEmpty {
        throw InvariantViolation(
          ["scope"], "a Deployment-scoped object has no links, exclusions or Linked to all")
      }
    }
    do { try base.checkInvariants() } catch { throw error.within(["base"]) }
    for (deployment, link) in links {
      try check(
        IdentifierRules.problem(withStableID: deployment), ["links", deployment], "the Deployment id")
      do { try link.checkInvariants() } catch { throw error.within(["links", deployment]) }
    }
    for deployment in exclusions.sorted() {
      try check(IdentifierRules.problem(withStableID: deployment), ["exclusions"], "the Deployment id")
    }
    do { try stamp.checkInvariants() } catch { throw error.within(["stamp"]) }
  }
}

extension ConnectionPayload: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    try checkFields(fields, allowingEmptyPort: false)
    try checkExtra(extra, ["extra"])
    if secretExtraKeys.contains("") { throw InvariantViolation(["secretExtraKeys"], "a key is empty") }
  }
}

extension ConnectionOverride: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    do { try checkFields(fields, allowingEmptyPort: true) } catch { throw error.within(["fields"]) }
    try checkExtra(extraSet, ["extraSet"])
    if extraUnset.contains("") { throw InvariantViolation(["extraUnset"], "an extra key is empty") }
    if let both = extraUnset.intersection(extraSet.keys).sorted().first {
      throw InvariantViolation(["extraUnset"], "extra key \"\(both)\" is both set and removed")
    }
  }
}

/// conn_type as Airflow normalises it, a port from 1 to 65535, every value within its limit.
private func checkFields(_ fields: [ConnectionField: String], allowingEmptyPort: Bool)
  throws(InvariantViolation)
{
  // In the fields' own order, so that the first problem reported is always the same one.
  for field in ConnectionField.allCases {
    guard let value = fields[field] else { continue }
    let path = [field.rawValue]
    switch field {
    case .connType:
      // As Airflow normalises it: lower-case letters, digits and `_` (checked byte by byte; the
      // normalising itself goes through Foundation, too slow for 10,000 objects on every read).
      let normalized =
        !value.isEmpty && value.utf8.count <= 500
        && value.utf8.allSatisfy { byte in
          (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_")
        } && value != "postgresql"
      guard normalized else {
        throw InvariantViolation(
          path,
          "\"\(value.prefix(80))\" is not a connection type as airenv stores it (lower-case letters, "
            + "digits and _, e.g. postgres)")
      }
    case .port:
      if value.isEmpty && allowingEmptyPort { continue }
      guard let port = Int(value), (1...65535).contains(port) else {
        throw InvariantViolation(path, "the port is not a number from 1 to 65535")
      }
    default:
      try checkValue(value, path)
    }
  }
}

extension VariablePayload: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    try checkValue(value, ["value"])
    if let description { try checkValue(description, ["description"]) }
  }
}

extension VariableOverride: CheckedOnLoad {
  public func checkInvariants() throws(InvariantViolation) {
    if let value { try checkValue(value, ["value"]) }
  }
}
