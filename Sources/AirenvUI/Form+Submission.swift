import AirenvModel
import Foundation

extension Form {
  /// The commands a submitted form stands for, or the form with inline errors.
  func commands(in workspace: Workspace) -> Result<[Command], FormInvalid> {
    let extraObject: [String: JSONValue]
    switch checked() {
    case .failure(let invalid): return .failure(invalid)
    case .success(let extra): extraObject = extra
    }
    switch purpose {
    case .createConnection: return .success([createConnection(extra: extraObject)])
    case .editConnection(let reference): return editConnection(reference, extra: extraObject, in: workspace)
    case .createVariable: return .success([createVariable()])
    case .editVariable(let reference): return .success([editVariable(reference, in: workspace)])
    case .override(let reference, let deployment): return override(reference, on: deployment)
    case .createDeployment: return .success([createDeployment()])
    case .renameDeployment(let name):
      let newName = field("name")!.value
      return .success(newName == name ? [] : [.renameDeployment(name: name, newName: newName)])
    case .createWorkspace, .renameWorkspace:
      return .success([])  // not a model command: see `workspaceRequest`
    case .renameObject(let reference):
      let newKey = (field("conn_id") ?? field("key"))!.value
      return .success(newKey == reference.key ? [] : [.rename(reference, newKey: newKey)])
    }
  }

  /// The checks every form shares (ids, port, the extra JSON, names), each refusal marked at
  /// its field; the parsed extra object when they pass.
  private func checked() -> Result<[String: JSONValue], FormInvalid> {
    var invalid = self
    var problems = false
    func refuse(_ name: String, _ reason: String) {
      guard let index = invalid.fields.firstIndex(where: { $0.name == name }) else { return }
      invalid.fields[index].error = reason
      if !problems { invalid.focus = index }
      problems = true
    }
    for index in invalid.fields.indices { invalid.fields[index].error = nil }
    for name in ["conn_id", "key"] {
      if let field = field(name), field.kind != .readOnly,
        let reason = IdentifierRules.problem(withObjectKey: field.value)
      {
        refuse(name, reason)
      }
    }
    if let port = field("port"), !port.value.isEmpty,
      !(Int(port.value).map { (1...65535).contains($0) } ?? false)
    {
      refuse("port", "a number from 1 to 65535")
    }
    var extraObject: [String: JSONValue] = [:]
    if let extra = field("extra"), !isOverride {
      if let parsed = try? JSONValue.parse(extra.value.isEmpty ? "{}" : extra.value),
        let members = parsed.objectValue
      {
        extraObject = members
      } else {
        refuse("extra", "not a JSON object, e.g. {\"sslmode\": \"require\"}")
      }
    }
    if let name = field("name"), IdentifierRules.problem(withDeploymentName: name.value) != nil {
      refuse("name", IdentifierRules.problem(withDeploymentName: name.value)!)
    }
    return problems ? .failure(FormInvalid(form: invalid)) : .success(extraObject)
  }

  private func createConnection(extra extraObject: [String: JSONValue]) -> Command {
    var changes = ConnectionChanges()
    for field in fields {
      if let column = ConnectionField(rawValue: field.name), !field.value.isEmpty {
        changes.fields[column] = field.value
      }
      if field.name.hasPrefix("extra."), !field.value.isEmpty {
        changes.extraSet[String(field.name.dropFirst(6))] = JSONValue.parseLenient(field.value)
      }
    }
    for (key, value) in extraObject where changes.extraSet[key] == nil { changes.extraSet[key] = value }
    let sharing: Sharing = field("linked_to_all")?.isOn == true ? .linkedToAll : .restricted
    return .createConnection(key: field("conn_id")!.value, fields: changes, sharing: sharing)
  }

  private func editConnection(
    _ reference: ObjectReference, extra extraObject: [String: JSONValue], in workspace: Workspace
  ) -> Result<[Command], FormInvalid> {
    // Deleted meanwhile: the save is still tried, so that its refusal says who deleted it.
    guard let connection = try? workspace.connection(reference.unversioned) else {
      return .success([.updateConnection(reference, ConnectionChanges(), linkedToAll: nil)])
    }
    let misplaced = extraObject.keys.sorted().flatMap { key in
      Secrecy.misplacedMasks(
        extraObject[key]!, original: connection.base.extra[key], key: key, path: "extra." + key)
    }
    if let first = misplaced.first {
      var invalid = self
      let index = fields.firstIndex { $0.name == "extra" }!
      invalid.fields[index].error =
        "\(first) holds a masked value that was moved or typed into, or sits in a list that changed; "
        + "type the whole secret, or Esc and r to edit it shown"
      invalid.focus = index
      return .failure(FormInvalid(form: invalid))
    }
    var changes = ConnectionChanges()
    for column in [ConnectionField.connType, .description] + Form.connectionColumns {
      guard let value = field(column.rawValue)?.value, value != (connection.base.fields[column] ?? "")
      else { continue }
      if value.isEmpty { changes.clear.insert(column) } else { changes.fields[column] = value }
    }
    for (key, edited) in extraObject {
      let value = Secrecy.unmasked(edited, original: connection.base.extra[key])
      if connection.base.extra[key] != value { changes.extraSet[key] = value }
    }
    changes.extraUnset = Set(connection.base.extra.keys).subtracting(extraObject.keys)
    let linkedToAll = field("linked_to_all").map(\.isOn)
    return .success([
      .updateConnection(
        reference, changes, linkedToAll: linkedToAll == connection.linkedToAll ? nil : linkedToAll)
    ])
  }

  private func createVariable() -> Command {
    let changes = VariableChanges(
      value: field("value")!.value,
      description: field("description").flatMap { $0.value.isEmpty ? nil : $0.value },
      secret: field("secret")?.isOn)
    let sharing: Sharing = field("linked_to_all")?.isOn == true ? .linkedToAll : .restricted
    return .createVariable(key: field("key")!.value, fields: changes, sharing: sharing)
  }

  private func editVariable(_ reference: ObjectReference, in workspace: Workspace) -> Command {
    guard let variable = try? workspace.variable(reference.unversioned) else {
      return .updateVariable(reference, VariableChanges(), linkedToAll: nil)
    }
    var changes = VariableChanges()
    if let value = field("value")?.value, value != variable.base.value { changes.value = value }
    if let description = field("description")?.value, description != (variable.base.description ?? "") {
      if description.isEmpty { changes.clearDescription = true } else { changes.description = description }
    }
    if let secret = field("secret")?.isOn, secret != variable.base.secret { changes.secret = secret }
    let linkedToAll = field("linked_to_all").map(\.isOn)
    return .updateVariable(
      reference, changes, linkedToAll: linkedToAll == variable.linkedToAll ? nil : linkedToAll)
  }

  /// An override form: what was set, what was removed, and what inherits again.
  private func override(_ reference: ObjectReference, on deployment: String) -> Result<[Command], FormInvalid>
  {
    if let added = field("new_extra")?.value, !added.isEmpty {
      let parts = added.split(separator: "=", maxSplits: 1).map(String.init)
      if parts.count != 2 || parts[0].isEmpty || field("extra." + parts[0]) != nil {
        var invalid = self
        let index = fields.firstIndex { $0.name == "new_extra" }!
        invalid.fields[index].error =
          parts.count == 2 && !parts[0].isEmpty ? "already a row above" : "write KEY=VALUE"
        invalid.focus = index
        return .failure(FormInvalid(form: invalid))
      }
    }
    // An override that was set (or a removal) and no longer is: inherit again.
    let resets = fields.filter {
      ($0.wasSet && !$0.isSet && !$0.removed) || ($0.wasRemoved && !$0.removed && !$0.isSet)
    }
    .map(\.name)
    let changed = fields.filter { $0.isSet && !$0.removed && $0.name != "new_extra" }
    var commands: [Command] = []
    if reference.kind == .connection {
      var changes = ConnectionChanges()
      for field in changed {
        if let column = ConnectionField(rawValue: field.name) {
          changes.fields[column] = field.value
        } else if field.name.hasPrefix("extra.") {
          changes.extraSet[String(field.name.dropFirst(6))] = JSONValue.parseLenient(field.value)
        }
      }
      for field in fields where field.removed && !field.wasRemoved {
        changes.extraUnset.insert(String(field.name.dropFirst(6)))
      }
      if let added = field("new_extra")?.value, let equals = added.firstIndex(of: "=") {
        changes.extraSet[String(added[..<equals])] = JSONValue.parseLenient(
          String(added[added.index(after: equals)...]))
      }
      commands.append(.linkConnection(reference, deployment: deployment, overrides: changes))
    } else {
      let value = changed.first { $0.name == "value" }?.value
      commands.append(
        .linkVariable(reference, deployment: deployment, overrides: VariableChanges(value: value)))
    }
    if !resets.isEmpty {
      commands.append(.resetOverride(reference.unversioned, deployment: deployment, fields: resets))
    }
    return .success(commands)
  }

  private func createDeployment() -> Command {
    let tags = field("tags")!.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    let description = field("description")!.value
    let branch = field("branch")!.value
    return .createDeployment(
      name: field("name")!.value, description: description.isEmpty ? nil : description, tags: tags,
      branch: branch.isEmpty ? nil : branch)
  }
}

extension Form {
  /// What a Workspace form asks of the runtime, once its name is valid; nil for other forms.
  var workspaceRequest: WorkspaceRequest? {
    let name = field("name")?.value ?? ""
    switch purpose {
    case .createWorkspace: return .create(name)
    case .renameWorkspace(let old): return .rename(old.name, to: name, id: old.id)
    default: return nil
    }
  }
}

/// A form sent back with its inline validation messages.
struct FormInvalid: Error {
  var form: Form
}

extension ObjectReference {
  /// The same object, without the revision check (for a command that follows another).
  var unversioned: ObjectReference {
    ObjectReference(kind, key, scopeDeployment: scopeDeployment, objectID: objectID)
  }
}
