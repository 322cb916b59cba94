import AirenvModel

struct VariableView: Encodable {
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

  enum CodingKeys: String, CodingKey {
    case key, id, value, description, secret, sharing, overrides, masked, locked, revision
    case updatedAt = "updated_at", updatedBy = "updated_by"
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
