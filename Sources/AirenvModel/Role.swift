/// A Workspace member's role, highest first (SPEC §3).
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
  case owner
  case `operator`
  case author
  case member

  public var title: String {
    switch self {
    case .owner: "Owner"
    case .`operator`: "Operator"
    case .author: "Author"
    case .member: "Member"
    }
  }

  private var rank: Int { Role.allCases.firstIndex(of: self)! }

  /// Higher roles compare greater: an Owner is greater than an Operator.
  public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank > rhs.rank }
}

/// What a role may do. Each is granted to a role and every role above it.
public enum Permission: Sendable {
  /// See base fields, links and overrides (secret values masked).
  case viewValues
  /// See secret values.
  case revealSecrets
  /// Create, edit, delete, link, override, exclude; create and delete Deployments.
  case change
  /// Members, roles and settings.
  case administer

  var minimumRole: Role {
    switch self {
    case .viewValues: .author
    case .revealSecrets, .change: .`operator`
    case .administer: .owner
    }
  }

  var action: String {
    switch self {
    case .viewValues: "see field values"
    case .revealSecrets: "reveal secret values"
    case .change: "change this Workspace"
    case .administer: "change members, roles or settings"
    }
  }
}

/// Workspace settings that only an Owner changes.
public struct WorkspaceSettings: Codable, Equatable, Sendable {
  /// When on, Authors and Members may export resolved sets with secrets for local development.
  public var secretsFetching: Bool

  public init(secretsFetching: Bool = false) { self.secretsFetching = secretsFetching }
}

extension Workspace {
  /// The acting user's role: Owner while the Workspace has no members (single-user use).
  public func role(of user: String) throws(ModelError) -> Role {
    if members.isEmpty { return .owner }
    guard let role = members[user] else {
      throw .notAMember(user: user, workspace: name, owners: owners)
    }
    return role
  }

  public func authorize(_ permission: Permission, for user: String) throws(ModelError) {
    let role = try role(of: user)
    guard role >= permission.minimumRole else {
      throw .permissionDenied(
        user: user, role: role, action: permission.action, needed: permission.minimumRole)
    }
  }

  public func allows(_ permission: Permission, for user: String) -> Bool {
    (try? authorize(permission, for: user)) != nil
  }

  /// Whether `user` may export resolved sets with their secrets.
  public func mayExportSecrets(_ user: String) throws(ModelError) {
    let role = try role(of: user)
    if role >= .`operator` || settings.secretsFetching { return }
    throw .permissionDenied(
      user: user, role: role, action: "export secrets (secretsFetching is off)", needed: .`operator`)
  }

  var owners: [String] { members.filter { $0.value == .owner }.keys.sorted() }
}
