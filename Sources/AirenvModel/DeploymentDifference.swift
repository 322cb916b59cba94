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
    func connectionFields(_ deployment: DeploymentID) -> [String: (String, [String: (String, Bool)])] {
      var result: [String: (String, [String: (String, Bool)])] = [:]
      for (connection, resolved) in resolvedConnections(for: deployment) {
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
      for (variable, resolved) in resolvedVariables(for: deployment) {
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
