import AirenvModel
import ArgumentParser

struct ConnectionCommand: ParsableCommand {
  typealias Shared = SharedObjectCommands<ConnectionKind>

  static let configuration = CommandConfiguration(
    commandName: "connection", abstract: "Manage Airflow connections.",
    subcommands: [
      List.self, Get.self, Create.self, Update.self, Shared.Delete.self, Link.self, Shared.Unlink.self,
      Types.self,
      Shared.Exclude.self, Shared.Include.self, Shared.Reset.self, Shared.Rename.self, Shared.Promote.self,
    ])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List connections, or what one Deployment gets with --deployment.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Show the connections this Deployment resolves.", completion: Completions.deployments)
    var deployment: String?
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Item: JSONShaped {
      /// Why the connection is in conflict after a git merge, when it is.
      var conflict: String?
      /// Why the connection is unverified, when it is (see `airenv approve`).
      var unverified: String?
      var connId: String
      var connType: String
      var host: String?
      var port: Int?
      var sharing: SharingView
      var reach: Reach?
      var overridden: [String]?
      var revision: Int
      func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
        writer.object { writer in
          writer.member("conflict", JSONValue(conflict))
          writer.member("conn_id", .string(connId))
          writer.member("conn_type", .string(connType))
          writer.member("host", JSONValue(host))
          if let overridden { writer.member("overridden", strings: overridden) }
          writer.member("port", JSONValue(port))
          writer.member("reach", reach.map { .string($0.rawValue) })
          writer.member("revision", .integer(Int64(revision)))
          writer.member("sharing", sharing)
          if let unverified { writer.member("unverified", .string(unverified)) }
        }
      }
    }

    func run() throws {
      // The listing shows no secret and no secret's state: none is decrypted.
      let session = global.session
      let (workspace, policy) = try session.read(
        reveal: false, onlyKind: .connection, openingSecrets: false, allowingConflicts: true)
      let conflicts = workspace.conflicts().filter { $0.subject != "variable" }
      session.warn(about: conflicts)
      let unverified = try session.unverified(in: workspace)
      let items: [Item]
      // Each item made on every core, the Deployments' names looked up in one map: a listing
      // of 5,000 connections with ten links each.
      let names = workspace.deploymentNamesByID
      if let name = deployment {
        guard let target = workspace.deployment(named: name) else {
          throw ModelError.notFound(what: "Deployment", name: name, workspace: workspace.name)
        }
        try workspace.requireSettled(target)
        items = workspace.resolvedConnections(for: target.id).concurrentMap { connection, resolved in
          Item(
            unverified: unverified[connection.id]?.reason,
            connId: connection.key, connType: resolved.fields[.connType]?.value ?? "",
            host: policy.values ? resolved.fields[.host]?.value : nil,
            port: policy.values ? resolved.port : nil,
            sharing: SharingView(connection, deploymentNames: names), reach: connection.reach(for: target.id),
            overridden: connection.links[target.id]?.setFieldNames ?? [],
            revision: connection.stamp.revision)
        }
      } else {
        let reasons = Conflict.reasons(byID: conflicts)
        items = workspace.connections.sortedIgnoringCase(by: \.key).concurrentMap { connection in
          Item(
            conflict: reasons[connection.id], unverified: unverified[connection.id]?.reason,
            connId: connection.key, connType: connection.base.connType,
            host: policy.values ? connection.base.fields[.host] : nil,
            port: policy.values ? connection.base.fields[.port].flatMap { Int($0) } : nil,
            sharing: SharingView(connection, deploymentNames: names), revision: connection.stamp.revision)
        }
      }
      try Output.print(items, as: output) {
        var table =
          deployment == nil
          ? TextTable("CONN_ID", "TYPE", "HOST", "PORT", "DEPLOYMENTS")
          : TextTable("CONN_ID", "TYPE", "HOST", "PORT", "VIA", "OVERRIDES")
        for item in items {
          var row = [
            item.connId + (item.conflict == nil ? "" : " (conflict)")
              + (item.unverified == nil ? "" : " (unverified)"),
            item.connType,
            TextTable.clip(item.host ?? "", 40), item.port.map(String.init) ?? "",
          ]
          if let reach = item.reach {
            row += [reach.rawValue, (item.overridden ?? []).joined(separator: ",")]
          } else {
            row.append(item.sharing.summary)
          }
          table.add(row)
        }
        return table.rendered
      }
    }
  }

  struct Types: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "types",
      abstract: "The connection-type catalogue: each type's fields, where they are stored, defaults, secrets."
    )
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Field: Encodable {
      var label: String
      var storedIn: String
      var defaultValue: String?
      var secret: Bool
      var required: Bool
      enum CodingKeys: String, CodingKey {
        case label, storedIn = "stored_in", defaultValue = "default", secret, required
      }
    }

    struct Item: Encodable {
      var connType: String
      var name: String
      var fields: [Field]
      enum CodingKeys: String, CodingKey { case connType = "conn_type", name, fields }
    }

    func run() throws {
      let items = ConnectionTypeCatalogue.types.map { type in
        Item(
          connType: type.id, name: type.name,
          fields: type.fields.map { field in
            let storedIn: String =
              switch field.target {
              case .column(let column): column.rawValue
              case .extra(let key): "extra.\(key)"
              }
            return Field(
              label: field.label, storedIn: storedIn, defaultValue: field.defaultValue,
              secret: field.isSecret,
              required: field.isRequired)
          })
      }
      try Output.print(items, as: output) {
        var table = TextTable("CONN_TYPE", "NAME", "FIELDS")
        for item in items {
          let fields = item.fields.map { field in
            field.storedIn + (field.defaultValue.map { "=\($0)" } ?? "") + (field.secret ? " (secret)" : "")
          }
          table.add([item.connType, item.name, fields.joined(separator: ", ")])
        }
        return table.rendered + "Other types are allowed and edited generically.\n"
      }
    }
  }

  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "get",
      abstract: "Show one connection: base fields, links and overrides, or as one Deployment resolves it.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The conn_id.", completion: Completions.objects) var id: String
    @Option(name: .customLong("scope-deployment"), completion: Completions.deployments) var scopeDeployment:
      String?
    @Option(
      help: "Show the connection as this Deployment resolves it, with provenance.",
      completion: Completions.deployments) var deployment: String?
    @Flag(help: "Show secret values.") var reveal = false
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    func run() throws {
      let session = global.session
      let (workspace, policy) = try session.read(reveal: reveal, onlyObjectsKeyed: [id])
      let connection = try workspace.connection(
        ObjectReference(.connection, id, scopeDeployment: scopeDeployment))
      if let name = deployment {
        let resolved = try ResolvedSet(workspace: workspace, deployment: name, policy: policy)
        guard let entry = resolved.connections.first(where: { $0.connId == connection.key }) else {
          throw Failure.validation("Deployment \"\(name)\" does not get connection \"\(connection.key)\"")
        }
        try session.requireUnlocked(entry.fields.locked, reveal: reveal)
        try Output.print(entry, as: output) { ResolvedSet.table(connection: entry) }
        return
      }
      var view = ConnectionView(connection, in: workspace, policy: policy)
      view.unverified = try session.application.unverifiedObjects(in: workspace)[connection.id]?.reason
      try session.requireUnlocked(view.base.locked + view.overrides.values.flatMap(\.locked), reveal: reveal)
      try Output.print(view, as: output) { Self.table(view) }
    }

    static func table(_ view: ConnectionView) -> String {
      var lines = [
        "conn_id      \(view.connId)  (revision \(view.revision), \(view.updatedBy) at \(view.updatedAt))"
      ]
      lines.append("deployments  \(view.sharing.summary)")
      if let unverified = view.unverified { lines.append("unverified   \(unverified); see `airenv approve`") }
      lines += FieldLines.connection(view.base).map { "  " + $0 }
      for (name, link) in view.overrides.sorted(by: { $0.key < $1.key }) {
        let set = link.fields.keys.sorted() + link.extraSet.keys.sorted().map { "extra.\($0)" }
        lines.append("link \(name)" + (set.isEmpty && link.extraUnset.isEmpty ? " (no overrides)" : ""))
        for (field, value) in link.fields.sorted(by: { $0.key < $1.key }) {
          lines.append(
            "  \(field) = " + (link.locked.contains(field) ? FieldLines.locked : value ?? Secrecy.mask))
        }
        for (key, value) in link.extraSet.sorted(by: { $0.key < $1.key }) {
          let locked = link.locked.contains("extra.\(key)")
          lines.append("  extra.\(key) = " + (locked ? FieldLines.locked : value.compactText))
        }
        for key in link.extraUnset { lines.append("  extra.\(key) removed") }
      }
      return lines.joined(separator: "\n") + "\n"
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "create",
      abstract: "Create a connection.",
      discussion: """
        Example (dev credentials shared with every Deployment):
          airenv connection create warehouse_db \\
            --type postgres --host dev-db --port 5432 \\
            --login airflow --password-env DEV_DB_PASSWORD \\
            --link-all
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The conn_id.") var id: String
    @OptionGroup var fields: ConnectionFieldOptions
    @Option(help: "The whole extra as a JSON object.") var extra: String?
    @Option(help: "An Airflow connection URI; flags given beside it win over its parts.") var uri: String?
    @OptionGroup var sharing: SharingOptions

    func run() throws {
      var changes = try ConnectionInput.merge(uri: uri, into: try fields.changes())
      if let extra {
        guard let object = try JSONValue.parse(extra).objectValue else {
          throw Failure.validation("--extra must be a JSON object, e.g. '{\"sslmode\": \"require\"}'")
        }
        ArgvSecrets.warnAboutExtra(object, type: changes.fields[.connType])
        for (key, value) in object where changes.extraSet[key] == nil { changes.extraSet[key] = value }
      }
      if changes.fields[.port] == "" { changes.fields[.port] = nil }
      try global.session.apply(.createConnection(key: id, fields: changes, sharing: try sharing.sharing()))
    }
  }

  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "update",
      abstract: "Change base fields; every field not named stays as it was.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var fields: ConnectionFieldOptions
    @Option(help: "Extra keys to set, as a JSON object (other keys stay).") var extra: String?
    @Option(help: "Clear a base field: description, host, schema, login, password, port, extra (repeatable).")
    var clear: [String] = []
    @OptionGroup var linkAll: LinkAllToggle

    func run() throws {
      var changes = try fields.changes()
      if let extra {
        guard let members = try JSONValue.parse(extra).objectValue else {
          throw Failure.validation("--extra must be a JSON object")
        }
        ArgvSecrets.warnAboutExtra(members, type: changes.fields[.connType])
        for (key, value) in members { changes.extraSet[key] = value }
      }
      let workspace = try global.session.read()
      for name in clear {
        if name == "extra" {
          let connection = try workspace.connection(object.reference(.connection))
          changes.extraUnset.formUnion(connection.base.extra.keys)
        } else if let field = ConnectionField(rawValue: name) {
          changes.clear.insert(field)
        } else {
          throw Failure.usage("--clear takes description, host, schema, login, password, port or extra")
        }
      }
      if changes.isEmpty && linkAll.linkAll == nil {
        throw Failure.usage("nothing to change: give a field flag, --clear or --link-all/--no-link-all")
      }
      try global.session.apply(
        .updateConnection(object.reference(.connection), changes, linkedToAll: linkAll.linkAll))
    }
  }

  struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "link",
      abstract: "Link to a Deployment, or add overrides to its link; fields not named keep inheriting.",
      discussion: """
        Example (prod gets its own host and password, same conn_id):
          airenv connection link warehouse_db --deployment prod --host prod-db --password-env PROD_DB_PASSWORD
        """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var target: DeploymentTarget
    @OptionGroup var fields: ConnectionFieldOptions

    func run() throws {
      try global.session.apply(
        .linkConnection(
          object.reference(.connection), deployment: target.deployment, overrides: try fields.changes()))
    }
  }
}
