import AirenvModel
import AirenvText

/// What one Deployment gets, with provenance: the JSON shape of `airenv resolve`.
struct ResolvedSet: JSONShaped {
  struct ConnectionEntry: JSONShaped {
    var connId: String
    var reach: Reach
    var fields: ConnectionFieldsView
    /// Where each field comes from: base, override or scoped; `extra.KEY` per key.
    var provenance: [String: Provenance]
    var removed: [String]

    func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
      writer.object { writer in
        writer.member("conn_id", .string(connId))
        writer.member("fields", fields)
        writer.member("provenance")
        writer.object(sorting: provenance) { writer, source in writer.value(.string(source.rawValue)) }
        writer.member("reach", .string(reach.rawValue))
        writer.member("removed", strings: removed)
      }
    }
  }

  struct VariableEntry: JSONShaped {
    var key: String
    var reach: Reach
    var value: String?
    var description: String?
    var secret: Bool
    var masked: Bool
    var locked: Bool
    var provenance: Provenance

    func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
      writer.object { writer in
        writer.member("description", JSONValue(description))
        writer.member("key", .string(key))
        writer.member("locked", .bool(locked))
        writer.member("masked", .bool(masked))
        writer.member("provenance", .string(provenance.rawValue))
        writer.member("reach", .string(reach.rawValue))
        writer.member("secret", .bool(secret))
        writer.member("value", JSONValue(value))
      }
    }
  }

  var workspace: String
  var deployment: String
  var connections: [ConnectionEntry]
  var variables: [VariableEntry]

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("connections", connections)
      writer.member("deployment", .string(deployment))
      writer.member("variables", variables)
      writer.member("workspace", .string(workspace))
    }
  }

  /// Refused for a Deployment whose resolved set a git merge left ambiguous.
  init(workspace: Workspace, deployment name: String, policy: ViewPolicy) throws {
    guard let target = workspace.deployment(named: name) else {
      throw ModelError.notFound(what: "Deployment", name: name, workspace: workspace.name)
    }
    try workspace.requireSettled(target)
    self.workspace = workspace.name
    deployment = target.name
    // Each object's entry is made on every core: `resolve` shows 10,000 of them.
    connections = workspace.resolvedConnections(for: target.id).concurrentMap { connection, resolved in
      var provenance: [String: Provenance] = [:]
      for (field, value) in resolved.fields { provenance[field.rawValue] = value.provenance }
      for (key, value) in resolved.extra { provenance["extra.\(key)"] = value.provenance }
      return ConnectionEntry(
        connId: connection.key, reach: connection.reach(for: target.id)!,
        fields: ConnectionFieldsView(
          fields: resolved.fields.mapValues(\.value), extra: resolved.extraObject,
          secretKeys: connection.base.markedSecretKeys, policy: policy),
        provenance: provenance,
        removed: resolved.removedFields.map(\.rawValue).sorted()
          + resolved.removedExtraKeys.sorted().map { "extra.\($0)" })
    }
    variables = workspace.resolvedVariables(for: target.id).concurrentMap { variable, resolved in
      let locked = Secrecy.lock(of: resolved.value.value) != nil
      let hidden = locked || !policy.values || (variable.isSecret && !policy.reveal)
      return VariableEntry(
        key: variable.key, reach: variable.reach(for: target.id)!, value: hidden ? nil : resolved.value.value,
        description: policy.values ? resolved.description : nil, secret: variable.isSecret,
        masked: hidden && !locked, locked: locked, provenance: resolved.value.provenance)
    }
  }

  /// Every secret that could not be decrypted, as `conn_id.field` or a variable key.
  var lockedFields: [String] {
    connections.flatMap { entry in entry.fields.locked.map { "\(entry.connId).\($0)" } }
      + variables.filter(\.locked).map(\.key)
  }

  var table: String {
    var text = "Deployment \(deployment) of Workspace \(workspace)\n\nCONNECTIONS\n"
    var connectionTable = TextTable("CONN_ID", "TYPE", "HOST", "LOGIN", "PASSWORD", "VIA", "OVERRIDDEN")
    for entry in connections {
      let overridden = entry.provenance.filter { $0.value == .override }.keys.sorted()
      connectionTable.add([
        entry.connId, entry.fields.connType, TextTable.clip(entry.fields.host ?? "", 36),
        entry.fields.login ?? "",
        FieldLines.password(entry.fields),
        entry.reach.rawValue, overridden.joined(separator: ","),
      ])
    }
    text += connectionTable.rendered + "\nVARIABLES\n"
    var variableTable = TextTable("KEY", "VALUE", "VIA", "FROM")
    for entry in variables {
      variableTable.add([
        entry.key, FieldLines.value(entry), entry.reach.rawValue,
        entry.provenance.rawValue,
      ])
    }
    return text + variableTable.rendered
  }

  static func table(connection entry: ConnectionEntry) -> String {
    var lines = ["conn_id  \(entry.connId)  (via \(entry.reach.rawValue))"]
    for line in FieldLines.connection(entry.fields) {
      let name = String(line.prefix { $0 != " " })
      let source = entry.provenance[name].map { "  [\($0.rawValue)]" } ?? ""
      lines.append("  " + line + source)
    }
    for name in entry.removed { lines.append("  \(name) removed by override") }
    return lines.joined(separator: "\n") + "\n"
  }
}
