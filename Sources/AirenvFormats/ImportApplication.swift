import AirenvModel

/// What to do with an imported id that already exists.
public enum ImportConflictPolicy: String, CaseIterable, Sendable {
  /// Refuse the import (the default).
  case fail
  /// Keep the existing object; the entry is reported as skipped.
  case skip
  /// Replace the existing object's base fields; its links, overrides and exclusions stay.
  case overwrite
}

/// What an import did, object by object.
public struct ImportReport: Equatable, Sendable {
  public var created: [String] = []
  public var updated: [String] = []
  public var skipped: [String] = []
}

extension Workspace {
  /// Applies an import: every entry as a model command, so every rule holds as for the CLI and
  /// the TUI. All or nothing: the problems of reading (`set.problems`) and of applying are
  /// reported together, each with its line, and on any problem the Workspace is left as it was.
  /// Linear in the number of entries (`apply(batch:)`).
  public mutating func importing(
    _ set: ImportSet, from file: String, conflicts policy: ImportConflictPolicy, sharing: Sharing,
    by actor: Actor
  ) throws(ImportProblems) -> ImportReport {
    var report = ImportReport()
    var problems = set.problems
    let owner: DeploymentID?
    if case .scoped(let name) = sharing {
      guard let deployment = deployment(named: name) else {
        throw ImportProblems(problems: [
          ImportProblem(
            file: file, line: nil,
            reason: ModelError.notFound(what: "Deployment", name: name, workspace: self.name).message)
        ])
      }
      owner = deployment.id
    } else {
      owner = nil
    }
    let scopeName: String? = if case .scoped(let name) = sharing { name } else { nil }
    let linkAll: Bool? = sharing == .linkedToAll ? true : nil
    // The objects an imported id meets, in the target scope, ignoring case: found once, by key.
    let existingConnections = Self.byKey(connections, owner: owner)
    let existingVariables = Self.byKey(variables, owner: owner)

    var commands: [Command] = []
    var lines: [(line: Int, report: (inout ImportReport) -> Void)] = []
    func conflict(_ kind: ObjectKind, _ key: String, _ line: Int) {
      problems.append(
        ImportProblem(
          file: file, line: line,
          reason: ModelError.duplicateKey(
            kind: kind, key: key,
            existing: "an existing \(kind.rawValue) (use --on-conflict skip or overwrite)"
          ).message))
    }
    for entry in set.connections {
      let reference = ObjectReference(.connection, entry.connId, scopeDeployment: scopeName)
      if let existing = existingConnections[entry.connId.lowercased()] {
        switch policy {
        case .fail: conflict(.connection, entry.connId, entry.line)
        case .skip: report.skipped.append("connection \(entry.connId) (exists)")
        case .overwrite:
          var changes = entry.fields
          changes.clear = Set(
            ConnectionField.allCases.filter {
              $0 != .connType && changes.fields[$0] == nil && existing.base.fields[$0] != nil
            })
          changes.extraUnset = Set(existing.base.extra.keys).subtracting(changes.extraSet.keys)
          commands.append(.updateConnection(reference, changes, linkedToAll: linkAll))
          lines.append((entry.line, { $0.updated.append("connection \(entry.connId)") }))
        }
      } else {
        commands.append(.createConnection(key: entry.connId, fields: entry.fields, sharing: sharing))
        lines.append((entry.line, { $0.created.append("connection \(entry.connId)") }))
      }
    }
    for entry in set.variables {
      let reference = ObjectReference(.variable, entry.key, scopeDeployment: scopeName)
      let changes = VariableChanges(value: entry.value, description: entry.description)
      if existingVariables[entry.key.lowercased()] != nil {
        switch policy {
        case .fail: conflict(.variable, entry.key, entry.line)
        case .skip: report.skipped.append("variable \(entry.key) (exists)")
        case .overwrite:
          commands.append(.updateVariable(reference, changes, linkedToAll: linkAll))
          lines.append((entry.line, { $0.updated.append("variable \(entry.key)") }))
        }
      } else {
        commands.append(.createVariable(key: entry.key, fields: changes, sharing: sharing))
        lines.append((entry.line, { $0.created.append("variable \(entry.key)") }))
      }
    }
    var result = self
    for (outcome, place) in zip(result.apply(batch: commands, by: actor), lines) {
      switch outcome {
      case .success: place.report(&report)
      case .failure(let error):
        problems.append(ImportProblem(file: file, line: place.line, reason: error.message))
      }
    }
    if !problems.isEmpty {
      throw ImportProblems(problems: problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }
    self = result
    return report
  }

  /// Objects of one scope by lower-cased key (keys are ASCII).
  private static func byKey<P>(_ objects: [EnvironmentObject<P>], owner: DeploymentID?) -> [String:
    EnvironmentObject<P>]
  {
    var result: [String: EnvironmentObject<P>] = [:]
    for object in objects where owner.map({ object.scope == .deployment($0) }) ?? (object.scope == .workspace)
    {
      result[object.key.lowercased()] = object
    }
    return result
  }
}
