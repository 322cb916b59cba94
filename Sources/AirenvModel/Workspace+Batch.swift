extension Workspace {
  /// Applies many commands in order, each exactly as `apply` would, and says for each whether
  /// it was refused; the refused ones change nothing.
  ///
  /// Commands on objects are applied to a copy of the Workspace holding only the objects that
  /// share a key with the command (as `trial` does: all that the rules read), found through an
  /// index of keys, and the result is merged back. So importing 10,000 objects costs 10,000
  /// small applies, not 10,000 scans of a growing Workspace.
  public mutating func apply(batch commands: [Command], by actor: Actor, confirmed: Bool = false)
    -> [Result<Outcome, ModelError>]
  {
    var connectionIndex = KeyIndex(connections)
    var variableIndex = KeyIndex(variables)
    var results: [Result<Outcome, ModelError>] = []
    results.reserveCapacity(commands.count)
    for command in commands {
      guard let keys = Self.objectKeys(of: [command]) else {
        // Deployments, members, settings: the whole Workspace, and the indices again.
        results.append(
          Result { () throws(ModelError) in try apply(command, by: actor, confirmed: confirmed) })
        connectionIndex = KeyIndex(connections)
        variableIndex = KeyIndex(variables)
        continue
      }
      var part = self
      part.connections = connectionIndex.positions(of: keys).map { connections[$0] }
      part.variables = variableIndex.positions(of: keys).map { variables[$0] }
      let before = (part.connections, part.variables)
      do {
        let outcome = try part.apply(command, by: actor, confirmed: confirmed)
        connectionIndex.merge(part.connections, replacing: before.0, into: &connections)
        variableIndex.merge(part.variables, replacing: before.1, into: &variables)
        results.append(.success(outcome))
      } catch {
        results.append(.failure(error))
      }
    }
    return results
  }
}

/// Where objects are by key (lower-cased; keys are ASCII) and by id.
private struct KeyIndex<P: ObjectPayload> {
  private var byKey: [String: [Int]] = [:]
  private var byID: [ObjectID: Int] = [:]

  init(_ objects: [EnvironmentObject<P>]) {
    for (position, object) in objects.enumerated() {
      byKey[object.key.lowercased(), default: []].append(position)
      byID[object.id] = position
    }
  }

  func positions(of keys: [String]) -> [Int] {
    Array(Set(keys.flatMap { byKey[$0.lowercased()] ?? [] })).sorted()
  }

  /// Puts what a command made of `before` (a few objects) back into the whole array.
  mutating func merge(
    _ after: [EnvironmentObject<P>], replacing before: [EnvironmentObject<P>],
    into objects: inout [EnvironmentObject<P>]
  ) {
    let kept = Set(after.map(\.id))
    let removed = before.filter { !kept.contains($0.id) }
    for object in after {
      if let position = byID[object.id] {
        if objects[position] != object {
          if objects[position].key.lowercased() != object.key.lowercased() {
            byKey[objects[position].key.lowercased()]?.removeAll { $0 == position }
            byKey[object.key.lowercased(), default: []].append(position)
          }
          objects[position] = object
        }
      } else {
        byID[object.id] = objects.count
        byKey[object.key.lowercased(), default: []].append(objects.count)
        objects.append(object)
      }
    }
    if !removed.isEmpty {
      // Rare in a batch (a delete): positions shift, so the index is built again.
      let gone = Set(removed.map(\.id))
      objects.removeAll { gone.contains($0.id) }
      self = KeyIndex(objects)
    }
  }
}
