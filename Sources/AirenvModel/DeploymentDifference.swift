/// How what one Deployment gets differs from what another gets: the CLI's `diff` and the
/// TUI's diff view both show this, so they agree on values and on what stays secret.
public struct DeploymentDifference: Equatable, Sendable {
  public enum Status: String, Sendable {
    case onlyInFirst = "only-in-first"
    case onlyInSecond = "only-in-second"
    case differs
  }

  /// One differing field; a secret one carries no values, only the fact that it differs.
  public struct Field: Equatable, Sendable {
    public var name: String
    public var first: String?
    public var second: String?
    public var secret: Bool
  }

  public var kind: ObjectKind
  public var key: String
  public var status: Status
  public var fields: [Field]
}

extension Workspace {
  /// Every object the two Deployments get differently, connections then variables, by id.
  public func differences(between first: DeploymentID, and second: DeploymentID) -> [DeploymentDifference] {
    // An object both get with the same override (most often none) resolves the same for both:
    // it is left out before anything is resolved, so two Deployments that share most of
    // 10,000 objects compare only what sets them apart.
    func same<P>(_ object: EnvironmentObject<P>) -> Bool {
      guard object.reach(for: first) != nil, object.reach(for: second) != nil else { return false }
      let overrides = [first, second].map { object.links[$0].flatMap { $0.isEmpty ? nil : $0 } }
      return overrides[0] == overrides[1]
    }
    let sameConnections = Set(connections.filter(same).map(\.id))
    let sameVariables = Set(variables.filter(same).map(\.id))
    func connectionFields(_ deployment: DeploymentID) -> [String: (String, [String: (String, Bool)])] {
      var result: [String: (String, [String: (String, Bool)])] = [:]
      for connection in connections where !sameConnections.contains(connection.id) {
        guard let resolved = connection.resolved(for: deployment) else { continue }
        var fields: [String: (String, Bool)] = [:]
        for (field, value) in resolved.fields {
          fields[field.rawValue] = (
            value.value, Secrecy.isSecret(field) || Secrecy.lock(of: value.value) != nil
          )
        }
        for (key, value) in resolved.extra {
          let secret =
            connection.base.isSecret(extraKey: key) || Secrecy.containsSecret(value.value, key: key)
            || Secrecy.lock(of: value.value) != nil
          fields["extra." + key] = (value.value.compactText, secret)
        }
        result[connection.key.lowercased()] = (connection.key, fields)
      }
      return result
    }
    func variableFields(_ deployment: DeploymentID) -> [String: (String, [String: (String, Bool)])] {
      var result: [String: (String, [String: (String, Bool)])] = [:]
      for variable in variables where !sameVariables.contains(variable.id) {
        guard let resolved = variable.resolved(for: deployment) else { continue }
        result[variable.key.lowercased()] = (
          variable.key, ["value": (resolved.value.value, variable.isSecret)]
        )
      }
      return result
    }
    func compare(
      _ kind: ObjectKind, _ left: [String: (String, [String: (String, Bool)])],
      _ right: [String: (String, [String: (String, Bool)])]
    ) -> [DeploymentDifference] {
      Set(left.keys).union(right.keys).sorted().compactMap { id in
        guard let a = left[id], let b = right[id] else {
          let key = (left[id] ?? right[id])!.0
          return DeploymentDifference(
            kind: kind, key: key, status: left[id] == nil ? .onlyInSecond : .onlyInFirst, fields: [])
        }
        let fields = Set(a.1.keys).union(b.1.keys).sorted().compactMap {
          name -> DeploymentDifference.Field? in
          guard a.1[name]?.0 != b.1[name]?.0 else { return nil }
          let secret = (a.1[name]?.1 ?? false) || (b.1[name]?.1 ?? false)
          return DeploymentDifference.Field(
            name: name, first: secret ? nil : a.1[name]?.0, second: secret ? nil : b.1[name]?.0,
            secret: secret)
        }
        return fields.isEmpty
          ? nil : DeploymentDifference(kind: kind, key: a.0, status: .differs, fields: fields)
      }
    }
    return compare(.connection, connectionFields(first), connectionFields(second))
      + compare(.variable, variableFields(first), variableFields(second))
  }
}
