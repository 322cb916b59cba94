import AirenvModel

struct ConnectionView: JSONShaped {
  var connId: String
  var id: String
  var sharing: SharingView
  var base: ConnectionFieldsView
  var overrides: [String: ConnectionFieldsOverrideView]
  var revision: Int
  var updatedAt: String
  var updatedBy: String
  /// Why the connection is unverified, when it is (see `airenv approve`).
  var unverified: String?

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("base", base)
      writer.member("conn_id", .string(connId))
      writer.member("id", .string(id))
      writer.member("overrides")
      writer.object(sorting: overrides) { writer, override in override.writeJSON(to: &writer) }
      writer.member("revision", .integer(Int64(revision)))
      writer.member("sharing", sharing)
      writer.member("updated_at", .string(updatedAt))
      writer.member("updated_by", .string(updatedBy))
      if let unverified { writer.member("unverified", .string(unverified)) }
    }
  }

  init(_ connection: Connection, in workspace: Workspace, policy: ViewPolicy) {
    let names = workspace.deploymentNamesByID
    connId = connection.key
    id = connection.id
    sharing = SharingView(connection, deploymentNames: names)
    let secretKeys = connection.base.markedSecretKeys
    base = ConnectionFieldsView(
      fields: connection.base.fields, extra: connection.base.extra, secretKeys: secretKeys, policy: policy)
    overrides = Dictionary(
      uniqueKeysWithValues: connection.links.map { id, link in
        (
          names[id] ?? id,
          ConnectionFieldsOverrideView(link, secretKeys: secretKeys, policy: policy)
        )
      })
    revision = connection.stamp.revision
    updatedAt = connection.stamp.updatedAt.formatted(.iso8601)
    updatedBy = connection.stamp.updatedBy
  }
}
