import AirenvModel
import AirenvPresentation

extension Form {
  static let connectionColumns = ConnectionField.listedAsValues

  /// The create form; its fields follow the connection type's catalogue entry.
  static func createConnection(type: String = "postgres", keeping old: Form? = nil) -> Form {
    var fields = [
      FormField("conn_id", "conn_id"),
      FormField("conn_type", "Type", kind: .choice(ConnectionTypeCatalogue.types.map(\.id)), value: type),
    ]
    let catalogue = ConnectionTypeCatalogue.type(type)
    for field in catalogue?.fields ?? ConnectionTypeCatalogue.type("generic")!.fields {
      switch field.target {
      case .column(let column):
        fields.append(
          FormField(
            column.rawValue, field.label, kind: field.isSecret ? .secret : .text,
            value: field.defaultValue ?? ""))
      case .extra(let key):
        fields.append(
          FormField(
            "extra.\(key)", field.label, kind: field.isSecret ? .secret : .text,
            value: field.defaultValue ?? ""))
      }
    }
    fields.append(FormField("description", "Description"))
    fields.append(FormField("extra", "Other extra (JSON)", value: "{}"))
    fields.append(FormField("linked_to_all", "Linked to all Deployments", kind: .toggle, value: "no"))
    var form = Form(title: "New connection", purpose: .createConnection, fields: fields)
    if let old {
      // Keep what the user typed, but not the previous type's defaults (its port, say).
      let oldType = ConnectionTypeCatalogue.type(old.field("conn_type")?.value ?? "")
      let oldDefaults = Set((oldType?.fields ?? []).compactMap(\.defaultValue))
      for field in old.fields where field.name != "conn_type" && !field.value.isEmpty {
        if oldDefaults.contains(field.value) || (field.name == "extra" && field.value == "{}") { continue }
        form.set(field.name, field.value)
      }
      form.focus = 1
    }
    return form
  }

  /// Secret fields are masked unless `revealing`; in the extra JSON, each secret value is
  /// a mask that submitting puts back as it was unless the user typed over it.
  static func editConnection(_ connection: Connection, revealing: Bool) -> Form {
    var fields = [
      FormField("conn_id", "conn_id", kind: .readOnly, value: connection.key),
      FormField(
        "conn_type", "Type", kind: .choice(ConnectionTypeCatalogue.types.map(\.id)),
        value: connection.base.connType),
    ]
    for column in connectionColumns + [.description] {
      let label = column == .description ? "Description" : column.rawValue.capitalized
      fields.append(
        FormField(
          column.rawValue, label, kind: column == .password ? .secret : .text,
          value: connection.base.fields[column] ?? ""))
    }
    let extra = JSONValue.object(
      revealing
        ? connection.base.extra
        : connection.base.extra.reduce(into: [:]) { result, member in
          result[member.key] = Secrecy.masked(
            member.value, key: member.key, marked: connection.base.markedSecretKeys)
        })
    fields.append(FormField("extra", "Extra (JSON)", value: extra.compactText))
    fields.append(
      FormField(
        "linked_to_all", "Linked to all Deployments", kind: .toggle,
        value: connection.linkedToAll ? "yes" : "no"))
    return Form(
      title: "Edit connection \(connection.key)", purpose: .editConnection(reference(connection)),
      fields: fields,
      focus: 1)
  }

  static func createVariable() -> Form {
    Form(
      title: "New variable", purpose: .createVariable,
      fields: [
        FormField("key", "Key"), FormField("value", "Value"), FormField("description", "Description"),
        FormField("secret", "Secret", kind: .toggle, value: "no"),
        FormField("linked_to_all", "Linked to all Deployments", kind: .toggle, value: "no"),
      ])
  }

  static func editVariable(_ variable: Variable) -> Form {
    Form(
      title: "Edit variable \(variable.key)", purpose: .editVariable(reference(variable)),
      fields: [
        FormField("key", "Key", kind: .readOnly, value: variable.key),
        FormField("value", "Value", kind: variable.isSecret ? .secret : .text, value: variable.base.value),
        FormField("description", "Description", value: variable.base.description ?? ""),
        secretField(variable),
        FormField(
          "linked_to_all", "Linked to all Deployments", kind: .toggle,
          value: variable.linkedToAll ? "yes" : "no"),
      ], focus: 1)
  }

  /// The variable's real secrecy: a key that names a secret (`*_token`, `password` …) is secret
  /// whatever its flag says, and no toggle can turn that off, so it is shown, not offered.
  private static func secretField(_ variable: Variable) -> FormField {
    if variable.isSecret && !variable.base.secret {
      return FormField("secret", "Secret", kind: .readOnly, value: "yes, by its key's name")
    }
    return FormField("secret", "Secret", kind: .toggle, value: variable.base.secret ? "yes" : "no")
  }

  /// Each field's base value beside its override; an empty override differs from inheriting.
  static func override(_ connection: Connection, deployment: Deployment) -> Form {
    let link = connection.links[deployment.id]
    var fields: [FormField] = []
    for column in [ConnectionField.connType, .description] + connectionColumns {
      let current = link?.fields[column]
      fields.append(
        FormField(
          column.rawValue, column.rawValue, kind: column == .password ? .secret : .text, value: current ?? "",
          base: connection.base.fields[column] ?? "", isSet: current != nil))
    }
    let keys = Set(connection.base.extra.keys).union(link?.extraSet.keys ?? [:].keys).sorted()
    for key in keys {
      let current = link?.extraSet[key]
      // A value with a secret inside is masked whole here: the field edits it as one text.
      let secret =
        connection.base.isSecret(extraKey: key)
        || [connection.base.extra[key], current].contains {
          $0.map { Secrecy.containsSecret($0, key: key) } ?? false
        }
      var field = FormField(
        "extra.\(key)", "extra.\(key)", kind: secret ? .secret : .text, value: current.map(display) ?? "",
        base: connection.base.extra[key].map(display) ?? "", isSet: current != nil)
      field.removed = link?.extraUnset.contains(key) ?? false
      field.wasRemoved = field.removed
      fields.append(field)
    }
    fields.append(
      FormField("new_extra", "new extra key", value: "", base: "KEY=VALUE here only", isSet: true))
    return Form(
      title: "Override \(connection.key) on \(deployment.name)",
      purpose: .override(reference(connection), deployment: deployment.name), fields: fields)
  }

  static func override(_ variable: Variable, deployment: Deployment) -> Form {
    let current = variable.links[deployment.id]?.value
    return Form(
      title: "Override \(variable.key) on \(deployment.name)",
      purpose: .override(reference(variable), deployment: deployment.name),
      fields: [
        FormField(
          "value", "value", kind: variable.isSecret ? .secret : .text, value: current ?? "",
          base: variable.base.value,
          isSet: current != nil)
      ])
  }

  static func createDeployment() -> Form {
    Form(
      title: "New Deployment", purpose: .createDeployment,
      fields: [
        FormField("name", "Name"), FormField("description", "Description"),
        FormField("tags", "Tags (comma-separated)"), FormField("branch", "Git branch"),
      ])
  }

  static func renameDeployment(_ deployment: Deployment) -> Form {
    Form(
      title: "Rename Deployment \(deployment.name)", purpose: .renameDeployment(deployment.name),
      fields: [FormField("name", "Name", value: deployment.name)])
  }

  static func createWorkspace() -> Form {
    Form(title: "New Workspace", purpose: .createWorkspace, fields: [FormField("name", "Name")])
  }

  static func renameWorkspace(_ entry: WorkspaceEntry) -> Form {
    Form(
      title: "Rename Workspace \(entry.name)", purpose: .renameWorkspace(entry),
      fields: [FormField("name", "Name", value: entry.name)])
  }

  /// A new conn_id or key; links, overrides and exclusions stay with the object.
  static func renameObject<P>(_ object: EnvironmentObject<P>) -> Form {
    let label = P.kind == .connection ? "conn_id" : "key"
    return Form(
      title: "Rename \(P.kind.rawValue) \(object.key)", purpose: .renameObject(reference(object)),
      fields: [FormField(label, "New " + label, value: object.key)])
  }

  /// Exactly this object, by its stable id (a Deployment-scoped object may share its conn_id
  /// with a Workspace one), and only as long as nobody changed it since it was shown.
  static func reference<P>(_ object: EnvironmentObject<P>) -> ObjectReference {
    ObjectReference(P.kind, object.key, objectID: object.id, expectedRevision: object.stamp.revision)
  }

  /// Extra values are edited as JSON text, strings without their quotes.
  static func display(_ value: JSONValue) -> String {
    if case .string(let text) = value { return text }
    return value.compactText
  }
}
