import AirenvFormats
import AirenvModel
import AirenvStore
import Foundation

/// What a change did: the outcome in words and the Workspace as it now stands on disk.
public struct Performed: Sendable {
  public var outcome: Outcome
  public var workspace: Workspace
}

/// The one way airenv changes a repository, for the CLI and the TUI alike: model commands
/// applied to the latest state on disk under the lock, by the acting user, written with one
/// history entry that names the commands and their Deployment.
public struct Application: Sendable {
  public let repository: Repository
  public var workspaceName: String?
  public let user: String
  public let readonly: Bool
  /// The public parts of the identities this machine holds for `user`, and where they are kept.
  public let heldIdentities: [String]
  public let identityFile: String?
  /// Why the identity file could not be read, if it could not.
  public let identityProblem: String?

  public init(
    repository: Repository, workspaceName: String?, user: String, readonly: Bool,
    heldIdentities: [String] = [], identityFile: String? = nil, identityProblem: String? = nil
  ) {
    self.repository = repository
    self.workspaceName = workspaceName
    self.user = user
    self.readonly = readonly
    self.heldIdentities = heldIdentities
    self.identityFile = identityFile
    self.identityProblem = identityProblem
  }

  /// A member whose public key the Workspace records acts only where their private key is
  /// held: naming them (`--user`, `AIRENV_USER`) is not enough.
  func requireIdentity(in workspace: Workspace) throws {
    guard let recorded = workspace.memberKeys[user], !heldIdentities.contains(recorded) else { return }
    throw ApplicationError.identityNotHeld(
      user: user, workspace: workspace.name, file: identityFile ?? "", problem: identityProblem)
  }

  /// The acting user now, for a change's stamps.
  var actor: Actor { Actor(user: user, time: Date()) }

  /// The Workspace, for a user who may read it.
  /// The Workspace; with `onlyObjectsKeyed`, holding only the connections and variables of
  /// those keys (a partial Workspace, for showing one object); with `onlyKind`, only objects of
  /// that kind (for a listing of it); without `openingSecrets`, with secrets left sealed (see
  /// `Repository.read`).
  /// With `allowingConflicts`, a Workspace a git merge left with two objects of one name is
  /// read too (for a command that shows or refuses per Deployment: `Workspace.conflicts`).
  public func read(
    onlyObjectsKeyed keys: [String]? = nil, onlyKind kind: ObjectKind? = nil, openingSecrets: Bool = true,
    allowingConflicts: Bool = false
  ) throws -> Workspace {
    let workspace = try repository.read(
      workspace: workspaceName, onlyObjectsKeyed: keys, onlyKind: kind, openingSecrets: openingSecrets,
      allowingConflicts: allowingConflicts)
    _ = try workspace.role(of: user)
    try requireIdentity(in: workspace)
    return workspace
  }

  /// Applies `commands` in order as one change. A destructive one throws
  /// `ModelError.needsConfirmation` unless `confirmed`; `inspect` first sees the state the
  /// commands apply to (once, without a read of its own).
  /// `named` is what the history entry calls the change (else the commands' names).
  @discardableResult
  /// With `readingOnlyNamedObjects`, a command on named objects reads only those (see
  /// `Repository.update(onlyObjectsKeyed:)`): for a one-off command that shows nothing but its
  /// outcome. The Workspace in `Performed` is then partial.
  public func perform(
    _ commands: [Command], named: String? = nil, confirmed: Bool = false,
    readingOnlyNamedObjects: Bool = false,
    inspect: (Workspace) -> Void = { _ in }
  ) throws -> Performed {
    try refuseIfReadonly()
    let actor = actor
    let deployments = Set(commands.compactMap(\.deploymentName))
    do {
      return try repository.update(
        workspace: workspaceName, command: named ?? commands.map(\.name).joined(separator: ", "),
        deployment: deployments.count == 1 ? deployments.first : nil, by: actor.user,
        // An object named by its stable id (a screen's) may have another key by now: read all.
        onlyObjectsKeyed: readingOnlyNamedObjects && commands.allSatisfy({ $0.reference?.objectID == nil })
          ? Workspace.objectKeys(of: commands) : nil,
        // Only a settlement (or an approval, which a settlement may need first) acts on a
        // Workspace a merge left in conflict; anything else waits.
        allowingConflicts: commands.contains {
          switch $0 {
          case .settle, .approve, .approveDeployment, .approveWorkspace: true
          default: false
          }
        }
      ) { workspace in
        try requireIdentity(in: workspace)
        inspect(workspace)
        var outcome = Outcome(message: "nothing changed", changed: false)
        for command in commands { outcome = try workspace.apply(command, by: actor, confirmed: confirmed) }
        return Performed(outcome: outcome, workspace: workspace)
      }
    } catch ModelError.notFound(let what, let name, let workspace) {
      // An object a screen showed (named by its stable id) was deleted by someone else: say who.
      for id in commands.compactMap(\.reference?.objectID) {
        if let entry = repository.deletion(of: id, workspace: workspaceName) {
          throw ApplicationError.deletedMeanwhile(
            what: what, key: name, by: entry.user, at: entry.time, entry: entry.sequence)
        }
      }
      throw ModelError.notFound(what: what, name: name, workspace: workspace)
    }
  }

  /// Imports a file's entries as one change (see `Workspace.importing`).
  public func importing(
    _ set: ImportSet, from file: String, conflicts: ImportConflictPolicy, sharing: Sharing, dryRun: Bool
  ) throws -> ImportReport {
    let actor = actor
    guard !dryRun else {
      var workspace = try read()
      try workspace.authorize(.change, for: actor.user)
      return try workspace.importing(set, from: file, conflicts: conflicts, sharing: sharing, by: actor)
    }
    try refuseIfReadonly()
    return try repository.update(workspace: workspaceName, command: "import", by: actor.user) { workspace in
      try requireIdentity(in: workspace)
      try workspace.authorize(.change, for: actor.user)
      return try workspace.importing(set, from: file, conflicts: conflicts, sharing: sharing, by: actor)
    }
  }

  /// Reverts (or re-applies) the acting user's latest change; the entry written says which.
  public func undo() throws -> (entry: HistoryEntry, workspace: Workspace) {
    try refuseIfReadonly()
    let entry = try repository.undo(workspace: workspaceName, by: actor, checking: requireIdentity)
    return (entry, try repository.read(workspace: workspaceName))
  }

  public func redo() throws -> (entry: HistoryEntry, workspace: Workspace) {
    try refuseIfReadonly()
    let entry = try repository.redo(workspace: workspaceName, by: actor, checking: requireIdentity)
    return (entry, try repository.read(workspace: workspaceName))
  }

  public func refuseIfReadonly() throws {
    if readonly { throw ApplicationError.readonly }
  }
}

/// Refusals of the application itself.
public enum ApplicationError: Error, Equatable, Sendable {
  case readonly
  /// An object on screen was deleted by someone else before a change to it was saved.
  case deletedMeanwhile(what: String, key: String, by: String, at: Date, entry: Int)
  /// The acting user is a member with a recorded public key whose private key is not here.
  case identityNotHeld(user: String, workspace: String, file: String, problem: String?)
  /// An approval would not be signed: the Workspace records no public key for the acting user.
  case approvalUnsigned(user: String, workspace: String)
  /// An approval would be signed, but with a key no Owner wrapped the data key for: it would
  /// verify nothing.
  case approvalUnverifiable(user: String, workspace: String)
  /// The member list may be approved only by an Owner of the list signed changes made.
  case approvalNotTrustedOwner(user: String, workspace: String)
  /// The member list to approve holds two names that could be taken for one another.
  case approvalOfLookalikes(first: String, second: String, workspace: String)
  /// The repository keeps no identities, so nothing in it is verified or approved.
  case verificationOff
}
