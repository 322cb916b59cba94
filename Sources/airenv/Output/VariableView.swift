import AirenvModel

struct VariableView: JSONShaped {
  /// Why the variable is in conflict after a git merge, when it is.
  var conflict: String?
  /// Why the variable is unverified, when it is (see `airenv approve`).
  var unverified: String?
  var key: String
  var id: String
  var value: String?
  var description: String?
  var secret: Bool
  var sharing: SharingView
  var overrides: [String: String?]
  var masked: Bool
  var locked: Bool
  var revision: Int
  var updatedAt: String
  var updatedBy: String

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("conflict", JSONValue(conflict))
      if let unverified { writer.member("unverified", .string(unverified)) }
      writer.member("description", JSONValue(description))
      writer.member("id", .string(id))
      writer.member("key", .string(key))
      writer.member("locked", .bool(locked))
      writer.member("masked", .bool(masked))
      writer.member("overrides")
      writer.object(nullableStrings: overrides)
      writer.member("revision", .integer(Int64(revision)))
      writer.member("secret", .bool(secret))
      writer.member("sharing", sharing)
      writer.member("updated_at", .string(updatedAt))
      writer.member("updated_by", .string(updatedBy))
      writer.member("value", JSONValue(value))
    }
  }

  /// `deploymentNames` is `workspace.deploymentNamesByID`, made once by a listing of many.
  init(
    _ variable: Variable, in workspace: Workspace, policy: ViewPolicy,
    deploymentNames: [DeploymentID: String]? = nil
  ) {
    let names = deploymentNames ?? workspace.deploymentNamesByID
    key = variable.key
    id = variable.id
    secret = variable.isSecret
    locked =
      Secrecy.lock(of: variable.base.value) != nil
      || variable.links.values.contains { $0.value.map { Secrecy.lock(of: $0) != nil } ?? false }
    let hidden = !policy.values || (variable.isSecret && !policy.reveal) || locked
    masked = hidden && !locked
    value = hidden ? nil : variable.base.value
    description = policy.values ? variable.base.description : nil
    sharing = SharingView(variable, deploymentNames: names)
    overrides = Dictionary(
      uniqueKeysWithValues: variable.links.map { id, link in
        (names[id] ?? id, hidden ? nil : link.value)
      })
    revision = variable.stamp.revision
    updatedAt = variable.stamp.updatedAt.formatted(.iso8601)
    updatedBy = variable.stamp.updatedBy
  }
}
