import Foundation

/// Why a model command was refused, worded for the person at the terminal.
public enum ModelError: Error, Equatable, Sendable {
  case invalidKey(kind: ObjectKind, key: String, reason: String)
  case invalidName(what: String, name: String, reason: String)
  case invalidField(field: String, reason: String)
  case invalidJSON(reason: String)
  case notFound(what: String, name: String, workspace: String)
  case ambiguous(kind: ObjectKind, key: String, owners: [String])
  case duplicateKey(kind: ObjectKind, key: String, existing: String)
  case duplicateName(what: String, name: String, existing: String)
  case resolvesTwice(kind: ObjectKind, deployment: String, first: String, second: String)
  case notShareable(kind: ObjectKind, key: String, owner: String)
  case alreadyShared(kind: ObjectKind, key: String)
  case staleRevision(what: String, expected: Int, actual: Int, by: String, at: Date)
  case needsConfirmation(Impact)
  case nothingToUndo(String)
  case undoConflict(what: String, by: String, at: Date)
  /// The undo would leave a state the commands never make (a link to a Deployment it removes,
  /// two objects with one name), or restore what was purged.
  case undoWouldBreak(String)
  case notAMember(user: String, workspace: String, owners: [String])
  case permissionDenied(user: String, role: Role, action: String, needed: Role)
  /// What a git merge left unsettled (`Workspace.conflicts`): `files` are the files involved.
  case conflicted(what: String, files: [String])
  /// Objects that reach a Deployment cannot be shown to be the work of someone allowed to make
  /// them (each described with its file and why).
  case unverified(deployment: String, objects: [String], approval: String)

  /// What kind of refusal this is; the CLI maps it to an exit code.
  public enum Category: Sendable { case validation, conflict, confirmation, permission }

  public var category: Category {
    switch self {
    case .duplicateKey, .duplicateName, .resolvesTwice, .staleRevision, .undoConflict, .undoWouldBreak,
      .conflicted, .unverified:
      .conflict
    case .needsConfirmation: .confirmation
    case .notAMember, .permissionDenied: .permission
    default: .validation
    }
  }

  public var message: String {
    switch self {
    case .invalidKey(let kind, let key, let reason):
      return "\(kind.keyName) \"\(key.prefix(80))\" is not allowed: \(reason); "
        + "use \(IdentifierRules.objectKeyRule)"
    case .invalidName(let what, let name, let reason):
      return "\(what) name \"\(name.prefix(80))\" is not allowed: \(reason); "
        + "use \(IdentifierRules.deploymentNameRule)"
    case .invalidField(let field, let reason):
      return "\(field): \(reason)"
    case .invalidJSON(let reason):
      return "extra is not valid JSON: \(reason)"
    case .notFound(let what, let name, let workspace):
      return "no \(what) \"\(name)\" in Workspace \"\(workspace)\""
    case .conflicted(let what, let files):
      return "\(what), a conflict a git merge left (\(files.joined(separator: " and "))); "
        + "see `airenv conflicts`, and settle it with `airenv conflicts resolve` (an unverified one is approved "
        + "first by the id `conflicts` shows: `airenv approve connection|variable ID`)"
    case .unverified(let deployment, let objects, let approval):
      return "Deployment \(deployment) is not exported or delivered while "
        + (objects.count == 1 ? "an object" : "\(objects.count) objects")
        + " nobody allowed to has vouched for "
        + (objects.count == 1 ? "is" : "are") + " in its Workspace (each may change what it gets): "
        + objects.prefix(5).joined(separator: "; ")
        + (objects.count > 5 ? "; and \(objects.count - 5) more" : "")
        + ". An Owner or Operator who has checked \(objects.count == 1 ? "it" : "them") approves with "
        + "`\(approval)`" + (objects.count == 1 ? "" : " and so on, or `airenv approve --all`")
    case .ambiguous(let kind, let key, let owners):
      return "\"\(key)\" names more than one \(kind.rawValue) (\(owners.joined(separator: ", "))); "
        + "add --scope-deployment D to pick a Deployment-scoped one"
    case .duplicateKey(let kind, let key, let existing):
      return "\(kind.keyName) \"\(key)\" is already used by \(existing) "
        + "(\(kind.keyName)s are unique ignoring case, as Airflow's environment variable names are)"
    case .duplicateName(let what, let name, let existing):
      return "\(what) \"\(name)\" already exists as \"\(existing)\" (names are unique ignoring case)"
    case .resolvesTwice(let kind, let deployment, let first, let second):
      return "Deployment \"\(deployment)\" would get two \(kind.plural) with one \(kind.keyName): "
        + "\(first) and \(second)"
    case .notShareable(let kind, let key, let owner):
      return "\(kind.rawValue) \"\(key)\" belongs to Deployment \"\(owner)\" and cannot be linked, "
        + "excluded or linked to all; promote it to the Workspace first"
    case .alreadyShared(let kind, let key):
      return "\(kind.rawValue) \"\(key)\" is already Workspace-scoped"
    case .staleRevision(let what, let expected, let actual, let by, let at):
      return "\(what) changed since you read it (revision \(expected), now \(actual)): "
        + "changed by \(by) at \(Self.timestamp(at)); read it again and retry"
    case .needsConfirmation(let impact):
      return impact.question
    case .nothingToUndo(let reason):
      return reason
    case .undoWouldBreak(let reason):
      return reason
    case .undoConflict(let what, let by, let at):
      return "\(what) was changed since by \(by) at \(Self.timestamp(at)); undo and redo refuse to overwrite "
        + "someone else's later change"
    case .notAMember(let user, let workspace, let owners):
      return "\(user) is not a member of Workspace \"\(workspace)\"; ask an Owner ("
        + owners.joined(separator: ", ") + ") to add you with `airenv workspace member set \(user) ROLE`"
    case .permissionDenied(let user, let role, let action, let needed):
      return "\(user) is \(role == .member ? "a" : "an") \(role.title) "
        + "of this Workspace; to \(action) needs \(needed.title) or higher"
    }
  }

  static func timestamp(_ date: Date) -> String {
    date.formatted(.iso8601)
  }
}

/// What a destructive command would remove, so that it can be confirmed first.
public struct Impact: Equatable, Sendable {
  /// A yes/no question that states the blast radius.
  public var question: String
  /// How many Deployments are affected.
  public var deploymentCount: Int

  public init(question: String, deploymentCount: Int) {
    self.question = question
    self.deploymentCount = deploymentCount
  }
}
