extension Workspace {
  /// The connection a reference names, as a user would find it.
  public func connection(_ reference: ObjectReference) throws(ModelError) -> Connection {
    connections[try index(of: reference, in: connections)]
  }

  /// The variable a reference names, as a user would find it.
  public func variable(_ reference: ObjectReference) throws(ModelError) -> Variable {
    variables[try index(of: reference, in: variables)]
  }

  /// Finds the object a reference names: an exact id first, then ignoring case; a
  /// Workspace-scoped object before a Deployment-scoped one.
  func index<P>(
    of reference: ObjectReference, in objects: [EnvironmentObject<P>]
  ) throws(ModelError) -> Int {
    if let id = reference.objectID {
      guard let found = objects.firstIndex(where: { $0.id == id }) else {
        throw .notFound(what: P.kind.rawValue, name: reference.key, workspace: name)
      }
      return try checkRevision(of: objects[found], at: found, reference)
    }
    var candidates = objects.indices.filter { objects[$0].key == reference.key }
    if candidates.isEmpty {
      candidates = objects.indices.filter { objects[$0].key.lowercased() == reference.key.lowercased() }
    }
    if let name = reference.scopeDeployment {
      let owner = try requireDeployment(named: name).id
      candidates = candidates.filter { objects[$0].scope == .deployment(owner) }
    } else {
      let shared = candidates.filter { objects[$0].scope == .workspace }
      // Two Workspace objects with one key: only a git merge makes that.
      if shared.count > 1 {
        throw .conflicted(
          what: "two Workspace \(P.kind.plural) have the \(P.kind.keyName) \"\(reference.key)\"",
          files: shared.map { "\(P.kind.plural)/\(objects[$0].id).json" })
      }
      if let first = shared.first { candidates = [first] }
    }
    guard let found = candidates.first else {
      let what = reference.scopeDeployment.map { "\(P.kind.rawValue) of Deployment \"\($0)\"" }
      throw .notFound(what: what ?? P.kind.rawValue, name: reference.key, workspace: name)
    }
    guard candidates.count == 1 else {
      let owners = candidates.compactMap { objects[$0].scope.owningDeployment }
        .map { "Deployment \"\(deployment(id: $0)?.name ?? $0)\"" }
      throw .ambiguous(kind: P.kind, key: reference.key, owners: owners)
    }
    return try checkRevision(of: objects[found], at: found, reference)
  }

  private func checkRevision<P>(of object: EnvironmentObject<P>, at index: Int, _ reference: ObjectReference)
    throws(ModelError) -> Int
  {
    if let expected = reference.expectedRevision, expected != object.stamp.revision {
      throw .staleRevision(
        what: describe(object), expected: expected, actual: object.stamp.revision,
        by: object.stamp.updatedBy, at: object.stamp.updatedAt)
    }
    return index
  }

  /// Refuses a state where two Workspace objects share an id ignoring case, or where one
  /// Deployment would resolve two objects with one id.
  func checkUniqueness<P>(of object: EnvironmentObject<P>, among objects: [EnvironmentObject<P>])
    throws(ModelError)
  {
    let lowered = object.key.lowercased()
    // Indices rather than elements: only the keys are read, no object of a large Workspace is copied.
    for index in objects.indices
    where objects[index].id != object.id && Self.sameIgnoringCase(objects[index].key, object.key, lowered) {
      let other = objects[index]
      if object.scope == .workspace && other.scope == .workspace {
        throw .duplicateKey(kind: P.kind, key: object.key, existing: describe(other))
      }
      for deployment in sortedDeployments
      where object.reach(for: deployment.id) != nil && other.reach(for: deployment.id) != nil {
        throw .resolvesTwice(
          kind: P.kind, deployment: deployment.name, first: describe(other), second: describe(object))
      }
    }
  }

  /// `key.lowercased() == lowered` (where `lowered` is `other.lowercased()`), without
  /// lower-casing every key of a large Workspace: ASCII keys, nearly all of them, are compared
  /// byte by byte; anything else goes through `lowercased()` (which maps e.g. the Kelvin sign
  /// to "k", so even keys of different lengths may match).
  static func sameIgnoringCase(_ key: String, _ other: String, _ lowered: String) -> Bool {
    var key = key
    var other = other
    let answer: Bool? = key.withUTF8 { left in
      other.withUTF8 { right in
        func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
          for byte in bytes where byte >= 0x80 { return false }
          return true
        }
        guard left.count == right.count else { return isASCII(left) && isASCII(right) ? false : nil }
        for index in 0..<left.count {
          let (a, b) = (left[index], right[index])
          if a >= 0x80 || b >= 0x80 { return nil }
          if a == b { continue }
          let folded = a | 0x20
          guard folded == b | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else {
            return false
          }
        }
        return true
      }
    }
    return answer ?? (key.lowercased() == lowered)
  }

  func checkKey(_ key: String, kind: ObjectKind) throws(ModelError) {
    if let reason = IdentifierRules.problem(withObjectKey: key) {
      throw .invalidKey(kind: kind, key: key, reason: reason)
    }
  }

  /// "3 Deployments (dev, prod, staging)" or "no Deployment".
  func count(_ ids: some Sequence<DeploymentID>) -> String {
    let names = ids.map { deployment(id: $0)?.name ?? $0 }.sorted()
    switch names.count {
    case 0: return "no Deployment"
    case 1: return "1 Deployment (\(names[0]))"
    default:
      let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
      return "\(names.count) Deployments (\(shown))"
    }
  }
}
