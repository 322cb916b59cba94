import AirenvModel

struct ConnectionView: Encodable {
  var connId: String
  var id: String
  var sharing: SharingView
  var base: ConnectionFieldsView
  var overrides: [String: ConnectionFieldsOverrideView]
  var revision: Int
  var updatedAt: String
  var updatedBy: String

  enum CodingKeys: String, CodingKey {
    case connId = "conn_id", id, sharing, base, overrides, revision
    case updatedAt = "updated_at", updatedBy = "updated_by"
  }

  init(_ connection: Connection, in workspace: Workspace, policy: ViewPolicy) {
    connId = connection.key
    id = connection.id
    sharing = SharingView(connection, in: workspace)
    let secretKeys = connection.base.markedSecretKeys
    base = ConnectionFieldsView(
      fields: connection.base.fields, extra: connection.base.extra, secretKeys: secretKeys, policy: policy)
    overrides = Dictionary(
      uniqueKeysWithValues: connection.links.map { id, link in
        (
          workspace.deployment(id: id)?.name ?? id,
          ConnectionFieldsOverrideView(link, secretKeys: secretKeys, policy: policy)
        )
      })
    revision = connection.stamp.revision
    updatedAt = connection.stamp.updatedAt.formatted(.iso8601)
    updatedBy = connection.stamp.updatedBy
  }
}
