import AirenvDelivery
import AirenvFormats
import AirenvModel
import Foundation

/// What `pull` found and did.
public struct PullReport: Sendable {
  /// Objects only Airflow had, added as objects of the Deployment (`connection db`).
  public var added: [String] = []
  /// Objects both have whose non-secret fields differ, with those fields.
  public var differences: [(kind: ObjectKind, id: String, fields: [String])] = []
  /// Fields taken over from Airflow (`connection db: host`).
  public var taken: [String] = []
  /// Secrets Airflow showed masked, stored as missing until someone sets them.
  public var missingSecrets: [String] = []
  public var warnings: [String] = []
  public var saved = false
}

extension Application {
  /// Reads a Deployment's Airflow into airenv: ids airenv does not have become objects of the
  /// Deployment; for ids it has, the differing fields are reported and, when named in `take`
  /// (or with `allFields`), taken over — on a shared object as the Deployment's override, so no
  /// other Deployment changes. A secret the server masks is stored as missing, never as `***`.
  public func pull(
    from deploymentName: String, dryRun: Bool, take: [String], allFields: Bool
  ) throws -> PullReport {
    let (workspace, deployment, target) = try self.target(of: deploymentName)
    guard target.kind == .airflowAPI else {
      throw DeliveryError.refused("a directory target is written by airenv; there is nothing to pull from it")
    }
    if !dryRun {
      try refuseIfReadonly()
      try workspace.authorize(.change, for: user)
    }
    let client = try AirflowClient(target: target)
    let live = try client.liveState()
    var report = PullReport()
    var commands: [Command] = []
    let known = try ExportSet(workspace: workspace, deployment: deployment, includingSecrets: false)
    let connections = Dictionary(known.connections.map { ($0.connId, $0) }, uniquingKeysWith: { a, _ in a })
    let variables = Dictionary(known.variables.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let withheldVariables = Set(
      workspace.resolvedVariables(for: deployment.id).filter { $0.0.isSecret }.map(\.0.key))
    for connection in live.connections.values.sorted(by: { $0.id < $1.id }) {
      if let mine = connections[connection.id] {
        let desired = DesiredSet.desired(mine) { key, value in
          Secrecy.isSecret(extraKey: key) || Secrecy.containsSecret(value, key: key)
        }
        let fields = Self.differing(connection.fields, desired.fields)
        guard !fields.isEmpty else { continue }
        report.differences.append((.connection, connection.id, fields))
        let chosen = fields.filter { allFields || take.contains($0) }
        if !chosen.isEmpty, let command = takeOver(connection, chosen, in: workspace, deployment) {
          commands.append(command)
          report.taken += chosen.map { "connection \(connection.id): \($0)" }
        }
      } else {
        commands.append(
          .createConnection(
            key: connection.id, fields: Self.changes(from: connection, report: &report),
            sharing: .scoped(toDeployment: deployment.name)))
        report.added.append("connection \(connection.id)")
      }
    }
    for variable in live.variables.values.sorted(by: { $0.key < $1.key }) {
      if let mine = variables[variable.key] {
        let fields = Self.differing(variable.fields, DesiredSet.desired(mine, secret: false).fields)
        guard !fields.isEmpty else { continue }
        report.differences.append((.variable, variable.key, fields))
        let chosen = fields.filter { allFields || take.contains($0) }
        if chosen.contains("value") {
          let reference = reference(.variable, variable.key, in: workspace, deployment)
          commands.append(
            reference.scopeDeployment != nil
              ? .updateVariable(reference, VariableChanges(value: variable.value), linkedToAll: nil)
              : .linkVariable(
                reference, deployment: deployment.name, overrides: VariableChanges(value: variable.value)))
          report.taken.append("variable \(variable.key): value")
        }
      } else if !withheldVariables.contains(variable.key) {
        commands.append(
          .createVariable(
            key: variable.key, fields: Self.changes(from: variable, api: client.api, report: &report),
            sharing: .scoped(toDeployment: deployment.name)))
        report.added.append("variable \(variable.key)")
      }
    }
    guard !dryRun, !commands.isEmpty else { return report }
    try perform(commands, named: "pull", confirmed: true)
    report.saved = true
    return report
  }

  /// Non-secret fields that differ, masked parts matching anything.
  static func differing(_ shown: [String: JSONValue], _ known: [String: JSONValue]) -> [String] {
    Set(shown.keys).union(known.keys).filter { name in
      !MaskedComparison.matches(shown: shown[name], known: known[name])
    }.sorted()
  }

  private func reference(_ kind: ObjectKind, _ key: String, in workspace: Workspace, _ deployment: Deployment)
    -> ObjectReference
  {
    let objects: [Scope] =
      kind == .connection
      ? workspace.connections.filter { $0.key == key }.map(\.scope)
      : workspace.variables.filter { $0.key == key }.map(\.scope)
    let scoped = objects.contains(.deployment(deployment.id))
    return ObjectReference(kind, key, scopeDeployment: scoped ? deployment.name : nil)
  }

  /// The command that makes the Deployment get Airflow's value of `fields`.
  private func takeOver(
    _ connection: LiveConnection, _ fields: [String], in workspace: Workspace, _ deployment: Deployment
  ) -> Command? {
    var changes = ConnectionChanges()
    for name in fields {
      if name.hasPrefix("extra.") {
        let key = String(name.dropFirst(6))
        if let value = connection.fields[name] {
          changes.extraSet[key] = value
        } else {
          changes.extraUnset.insert(key)
        }
      } else if let field = ConnectionField(rawValue: name) {
        switch connection.fields[name] {
        case .string(let text)?: changes.fields[field] = text
        case .integer(let number)?: changes.fields[field] = String(number)
        default: changes.clear.insert(field)
        }
      }
    }
    let reference = reference(.connection, connection.id, in: workspace, deployment)
    if reference.scopeDeployment != nil { return .updateConnection(reference, changes, linkedToAll: nil) }
    // A shared object: the Deployment's override, so no other Deployment changes.
    changes.clear = []
    return .linkConnection(reference, deployment: deployment.name, overrides: changes)
  }

  private static func changes(from connection: LiveConnection, report: inout PullReport) -> ConnectionChanges
  {
    var changes = ConnectionChanges()
    for (name, value) in connection.fields {
      if name.hasPrefix("extra.") {
        let key = String(name.dropFirst(6))
        if case .string(let text) = value, text.contains(MaskedComparison.mask) {
          changes.extraSet[key] = .string(Secrecy.missingValue)
          changes.secretExtraKeys.insert(key)
          report.missingSecrets.append("connection \(connection.id): extra.\(key)")
        } else {
          changes.extraSet[key] = value
        }
      } else if let field = ConnectionField(rawValue: name) {
        switch value {
        case .string(let text): changes.fields[field] = text
        case .integer(let number): changes.fields[field] = String(number)
        default: break
        }
      }
    }
    if changes.fields[.connType] == nil { changes.fields[.connType] = "generic" }
    switch connection.password {
    case .masked:
      changes.fields[.password] = Secrecy.missingValue
      report.missingSecrets.append("connection \(connection.id): password")
    case .unknown:
      report.warnings.append(
        "connection \(connection.id): this Airflow does not say whether it has a password; set one in airenv "
          + "if it needs it")
    case .absent: break
    }
    return changes
  }

  private static func changes(from variable: LiveVariable, api: AirflowClient.API, report: inout PullReport)
    -> VariableChanges
  {
    let sensitive = Secrecy.isSecret(variableKey: variable.key, flagged: false)
    if variable.value.contains(MaskedComparison.mask) && api == .v2 {
      report.missingSecrets.append("variable \(variable.key): value")
      return VariableChanges(value: Secrecy.missingValue, description: variable.description, secret: true)
    }
    if sensitive && api == .v1 {
      report.warnings.append(
        "variable \(variable.key): Airflow 2.10 showed its value in plain text; airenv stores it encrypted")
    }
    return VariableChanges(
      value: variable.value, description: variable.description, secret: sensitive ? true : nil)
  }
}
