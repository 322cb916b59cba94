import AirenvApp
import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser

struct ApproveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "approve",
    abstract: "Vouch for objects that are unverified, so that export and delivery take them again.",
    discussion: """
      In a repository that keeps identities, every change is signed, and an object is verified when
      the signed change its file names wrote exactly what the file holds, made by an Owner or
      Operator. An object edited outside airenv, or last written by someone whose role may not
      change it, is unverified: listings mark it, and export, plan and apply refuse the Deployments
      it reaches. An Owner or Operator who has checked it approves it: a new revision, unchanged
      but for its stamp, signed by them.
        airenv approve connection db
        airenv approve variable API_URL --scope-deployment prod
        airenv approve deployment prod
        airenv approve --all
      The Workspace's member list and settings are verified the same way: each change of them must
      be signed by an Owner of the list as it stood. One edited by hand, or put back from an older
      commit, makes every object unverified; an Owner who has checked every difference it lists
      (`airenv workspace member list` names them) approves it, by name only (never by --all: it
      grants roles and the data key):
        airenv approve workspace
      """)

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case connection, variable, deployment, workspace
  }

  @OptionGroup var global: GlobalOptions
  @Argument(help: "connection, variable, deployment or workspace.") var kind: Kind?
  @Argument(
    help: "The conn_id, variable key or Deployment name (none for the workspace); or the object's id.",
    completion: Completions.objects)
  var name: String?
  @Option(
    name: .customLong("scope-deployment"), help: "The Deployment that owns a Deployment-scoped object.",
    completion: Completions.deployments)
  var scopeDeployment: String?
  @Flag(help: "Approve every unverified object of the Workspace (each is listed); not its member list.")
  var all = false

  func validate() throws {
    if all && (kind != nil || name != nil) {
      throw ValidationError("give either KIND NAME or --all, not both")
    }
    if !all && (kind == nil || (name == nil && kind != .workspace)) {
      throw ValidationError(
        "name what to approve: KIND NAME (connection, variable or deployment), workspace, or --all")
    }
    if kind == .workspace && name != nil {
      throw ValidationError(
        "`approve workspace` approves the Workspace chosen by --workspace; it takes no NAME")
    }
    if scopeDeployment != nil && (kind == .deployment || kind == .workspace || all) {
      throw ValidationError("--scope-deployment names the owner of a connection or variable")
    }
  }

  func run() throws {
    let session = global.session
    let application = session.application
    let workspace = try session.read(allowingConflicts: true)
    guard try application.repository.verifiesObjects(in: workspace) else {
      throw ApplicationError.verificationOff
    }
    // Whole: objects whose files are gone are approved too (their deletion recorded).
    let unverified = try application.unverifiedObjects(in: workspace, whole: true)
    var commands: [Command] = []
    var approved: [UnverifiedObject] = []
    var deletions: [UnverifiedObject] = []
    if all {
      // The member list grants roles and the data key: it is approved by name, never in bulk.
      if let list = unverified[workspace.id] {
        Console.error(
          "airenv: note: the member list is unverified too and is not approved by --all: \(list.reason); check "
            + "every difference and run `airenv approve workspace`, or restore workspace.json from git")
      }
      // A deletion is approved by its id only: no listing shows an object whose file is gone, so
      // --all would record deletions nobody saw listed.
      let gone = unverified.values.filter(\.fileGone).sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
      if !gone.isEmpty {
        Console.error(
          "airenv: note: --all approves no deletion; \(counted(gone.count, "object")) whose file is gone: "
            + gone.prefix(10).map { "`airenv approve \($0.kind) \($0.id)` (\($0.reason))" }.joined(
              separator: "; ")
            + (gone.count > 10 ? "; and \(gone.count - 10) more" : ""))
      }
      for object in unverified.values.sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) })
      where object.kind != "workspace" && !object.fileGone {
        approved.append(object)
        switch object.kind {
        case "deployment": commands.append(.approveDeployment(name: object.name))
        case "connection":
          commands.append(.approve(ObjectReference(.connection, object.name, objectID: object.id)))
        default: commands.append(.approve(ObjectReference(.variable, object.name, objectID: object.id)))
        }
      }
    } else if kind == .workspace {
      guard let object = unverified[workspace.id] else {
        Console.out("the member list of Workspace \(workspace.name) is verified already; nothing to approve")
        return
      }
      approved.append(object)
      commands.append(.approveWorkspace)
    } else if let kind, let name, let gone = unverified[name], gone.fileGone, gone.kind == kind.rawValue,
      !Self.names(name, kind: kind, in: workspace)
    {
      // By the id a refusal names, where no object present is called so (one renamed by hand
      // to that id must not turn its approval into a deletion).
      deletions.append(gone)
    } else if let kind, let name {
      let id: String?
      switch kind {
      case .workspace: return
      case .deployment:
        id = workspace.deployment(named: name)?.id
        commands.append(.approveDeployment(name: name))
      case .connection, .variable:
        let objectKind: ObjectKind = kind == .connection ? .connection : .variable
        let byName = ObjectReference(objectKind, name, scopeDeployment: scopeDeployment)
        let found =
          objectKind == .connection
          ? workspace.connections.filter { $0.key.caseInsensitiveCompare(name) == .orderedSame }.count
          : workspace.variables.filter { $0.key.caseInsensitiveCompare(name) == .orderedSame }.count
        // By its id (as `conflicts` shows it) only where no object has that name: one of two
        // a merge left with one name. A file that calls itself by another's name is not taken.
        let named =
          found > 0
          ? nil
          : objectKind == .connection
            ? workspace.connections.first { $0.id == name && $0.id.hasPrefix("con_") }.map { ($0.key, $0.id) }
            : workspace.variables.first { $0.id == name && $0.id.hasPrefix("var_") }.map { ($0.key, $0.id) }
        let reference =
          named.map { ObjectReference(objectKind, $0.0, scopeDeployment: scopeDeployment, objectID: $0.1) }
          ?? byName
        id =
          objectKind == .connection
          ? (try? workspace.connection(reference))?.id : (try? workspace.variable(reference))?.id
        // Not there: if its file is gone, its deletion is approved by the id the refusal named.
        let gone = unverified.values.filter { $0.fileGone && $0.kind == kind.rawValue }.map(\.id).sorted()
        if id == nil, !gone.isEmpty {
          throw Failure.validation(
            "no \(kind.rawValue) \"\(name)\" in Workspace \"\(workspace.name)\"; \(counted(gone.count, kind.rawValue)) "
              + "whose file is gone \(gone.count == 1 ? "is" : "are") approved by id: "
              + gone.prefix(5).map { "`airenv approve \(kind.rawValue) \($0)`" }.joined(separator: ", ")
              + (gone.count > 5 ? " and \(gone.count - 5) more" : ""))
        }
        commands.append(.approve(reference))
      }
      if let id, let object = unverified[id] {
        approved.append(object)
      } else if id != nil {
        Console.out("\(kind.rawValue) \(name) is verified already; nothing to approve")
        return
      }
    }
    if !deletions.isEmpty {
      for object in try application.approveDeletions(of: deletions, in: workspace) {
        Console.out("approved the deletion of \(object.kind) \(object.id) (\(object.path)): \(object.reason)")
      }
    }
    if commands.isEmpty {
      if !deletions.isEmpty { return }
      if all && unverified.values.contains(where: \.fileGone) {
        Console.out("no object of Workspace \(workspace.name) to approve but the deletions named above")
        return
      }
      Console.out(
        unverified[workspace.id] == nil
          ? "every object of Workspace \(workspace.name) is verified; nothing to approve"
          : "no object of Workspace \(workspace.name) to approve but its member list (above)")
      return
    }
    let performed = try application.approve(commands, in: workspace)
    for object in approved {
      Console.out("approved \(object.description)")
    }
    if !all { session.report(performed.outcome) }
  }

  /// Whether an object present in `workspace` is called `name` (its conn_id, key or Deployment
  /// name, or its id).
  private static func names(_ name: String, kind: Kind, in workspace: Workspace) -> Bool {
    switch kind {
    case .connection:
      workspace.connections.contains { $0.id == name || $0.key.caseInsensitiveCompare(name) == .orderedSame }
    case .variable:
      workspace.variables.contains { $0.id == name || $0.key.caseInsensitiveCompare(name) == .orderedSame }
    case .deployment: workspace.deployments.contains { $0.id == name || $0.name == name }
    case .workspace: false
    }
  }
}
