/// Names one connection or variable as a user does: by its id, and for a Deployment-scoped
/// object that shares its id with others, by its Deployment. A screen that shows one object
/// names it by its stable `objectID` instead, so the change reaches exactly that object.
public struct ObjectReference: Equatable, Sendable {
  public var kind: ObjectKind
  public var key: String
  public var scopeDeployment: String?
  /// When set, exactly the object with this stable id (`key` is then only for messages).
  public var objectID: ObjectID?
  /// When set, the command is refused if the object's revision is no longer this one.
  public var expectedRevision: Int?

  public init(
    _ kind: ObjectKind, _ key: String, scopeDeployment: String? = nil, objectID: ObjectID? = nil,
    expectedRevision: Int? = nil
  ) {
    self.kind = kind
    self.key = key
    self.scopeDeployment = scopeDeployment
    self.objectID = objectID
    self.expectedRevision = expectedRevision
  }

  /// Exactly this object.
  public init<P>(_ object: EnvironmentObject<P>) {
    self.init(P.kind, object.key, objectID: object.id)
  }
}

/// How a new object is shared.
public enum Sharing: Equatable, Sendable {
  /// Workspace-scoped, linked only to the Deployments chosen later.
  case restricted
  /// Workspace-scoped and linked to every current and future Deployment.
  case linkedToAll
  /// Owned by the Deployment with this name.
  case scoped(toDeployment: String)
}

/// Every change a user can make to a Workspace. The CLI and the TUI both build these, so
/// every rule holds in both.
public enum Command: Equatable, Sendable {
  case createDeployment(name: String, description: String?, tags: [String], branch: String?)
  case renameDeployment(name: String, newName: String)
  case deleteDeployment(name: String)
  /// Sets (or, with nil, removes) where a Deployment's resolved set is delivered.
  case setTarget(deployment: String, target: DeliveryTarget?)

  case createConnection(key: String, fields: ConnectionChanges, sharing: Sharing)
  case updateConnection(ObjectReference, ConnectionChanges, linkedToAll: Bool?)
  case linkConnection(ObjectReference, deployment: String, overrides: ConnectionChanges)

  case createVariable(key: String, fields: VariableChanges, sharing: Sharing)
  case updateVariable(ObjectReference, VariableChanges, linkedToAll: Bool?)
  case linkVariable(ObjectReference, deployment: String, overrides: VariableChanges)

  case unlink(ObjectReference, deployment: String)
  case exclude(ObjectReference, deployment: String)
  case include(ObjectReference, deployment: String)
  /// Makes the named override fields inherit again; no fields means every override.
  case resetOverride(ObjectReference, deployment: String, fields: [String])
  case delete(ObjectReference)
  case rename(ObjectReference, newKey: String)
  case promote(ObjectReference)
  /// Vouches for an object as stored (see `Workspace.approve`).
  case approve(ObjectReference)
  case approveDeployment(name: String)
  /// Vouches for the Workspace's member list and settings as stored (an Owner's).
  case approveWorkspace

  case setMember(user: String, role: Role)
  case removeMember(user: String)
  /// Records the public part of a member's identity (`IdentityText`).
  case setMemberKey(user: String, publicKey: String)
  case setSecretsFetching(Bool)
  /// Settles a conflict a git merge left (see `Workspace.conflicts`).
  case settle(Settlement)

  /// What the acting user's role must allow for this command.
  var permission: Permission {
    switch self {
    case .setMember, .removeMember, .setMemberKey, .setSecretsFetching, .approveWorkspace: .administer
    default: .change
    }
  }
}

/// What a command did, in words for the user.
public struct Outcome: Equatable, Sendable {
  public var message: String
  /// Further facts worth saying (an exclusion that is inert, a link that was replaced …).
  public var notes: [String]
  /// False when the command left the Workspace exactly as it was.
  public var changed: Bool

  public init(message: String, notes: [String] = [], changed: Bool = true) {
    self.message = message
    self.notes = notes
    self.changed = changed
  }
}

extension Command {
  /// The command's name for the history; never its arguments, which may hold secrets.
  public var name: String {
    switch self {
    case .createDeployment: "deployment create"
    case .renameDeployment: "deployment rename"
    case .deleteDeployment: "deployment delete"
    case .setTarget(_, let target): target == nil ? "target remove" : "target set"
    case .createConnection: "connection create"
    case .updateConnection: "connection update"
    case .linkConnection: "connection link"
    case .createVariable: "variable create"
    case .updateVariable: "variable update"
    case .linkVariable: "variable link"
    case .unlink(let reference, _): "\(reference.kind.rawValue) unlink"
    case .exclude(let reference, _): "\(reference.kind.rawValue) exclude"
    case .include(let reference, _): "\(reference.kind.rawValue) include"
    case .resetOverride(let reference, _, _): "\(reference.kind.rawValue) reset"
    case .delete(let reference): "\(reference.kind.rawValue) delete"
    case .rename(let reference, _): "\(reference.kind.rawValue) rename"
    case .promote(let reference): "\(reference.kind.rawValue) promote"
    case .approve, .approveDeployment: "approve"
    case .approveWorkspace: "approve workspace"
    case .setMember, .setMemberKey: "workspace member set"
    case .removeMember: "workspace member remove"
    case .setSecretsFetching: "workspace settings"
    case .settle: "conflicts resolve"
    }
  }
}

extension Command {
  /// The object the command acts on, where it names an existing one.
  public var reference: ObjectReference? {
    switch self {
    case .updateConnection(let reference, _, _), .linkConnection(let reference, _, _),
      .updateVariable(let reference, _, _), .linkVariable(let reference, _, _), .unlink(let reference, _),
      .exclude(let reference, _), .include(let reference, _), .resetOverride(let reference, _, _),
      .delete(let reference), .rename(let reference, _), .promote(let reference), .approve(let reference):
      reference
    default: nil
    }
  }

  /// The Deployment the command is about, where there is one.
  public var deploymentName: String? {
    switch self {
    case .createDeployment(let name, _, _, _), .renameDeployment(let name, _), .deleteDeployment(let name),
      .setTarget(let name, _):
      name
    case .linkConnection(_, let deployment, _), .linkVariable(_, let deployment, _),
      .unlink(_, let deployment),
      .exclude(_, let deployment), .include(_, let deployment), .resetOverride(_, let deployment, _):
      deployment
    default: nil
    }
  }
}
