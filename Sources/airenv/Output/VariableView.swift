import AirenvModel

struct VariableView: JSONShaped {
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

  var json: JSONValue {
    .members([
      "key": .string(key), "id": .string(id), "value": JSONValue(value),
      "description": JSONValue(description),
      "secret": .bool(secret), "sharing": sharing.json, "overrides": .nullableStrings(overrides),
      "masked": .bool(masked), "locked": .bool(locked), "revision": .integer(Int64(revision)),
      "updated_at": .string(updatedAt), "updated_by": .string(updatedBy),
    ])
  }

  init(_ variable: Variable, in workspace: Workspace, policy: ViewPolicy) {
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
    sharing = SharingView(variable, in: workspace)
    overrides = Dictionary(
      uniqueKeysWithValues: variable.links.map { id, link in
        (workspace.deployment(id: id)?.name ?? id, hidden ? nil : link.value)
      })
    revision = variable.stamp.revision
    updatedAt = variable.stamp.updatedAt.formatted(.iso8601)
    updatedBy = variable.stamp.updatedBy
  }
}
