import Foundation

extension Workspace {
  /// The members who may read secret values, with their recorded public identities: Owners and
  /// Operators, and everyone while secretsFetching is on (for local export). A Workspace's data
  /// key is wrapped for exactly these; a member known by name only receives nothing.
  public var secretReaders: [String: String] {
    memberKeys.filter { user, _ in
      guard let role = members[user] else { return false }
      return role >= .`operator` || settings.secretsFetching
    }
  }

  /// A member known by a public key is changed (role, key, removal) only by someone known by
  /// one: a member known by name only can be claimed by anyone, and must not be a way to
  /// replace or drop another person's key.
  func requireKeyedActor(toChange user: String, by actor: Actor) throws(ModelError) {
    guard memberKeys[user] != nil, memberKeys[actor.user] == nil else { return }
    throw .invalidField(
      field: "member",
      reason: "\(user) is known by a public key; only an Owner known by one may change that member "
        + "(record your own key first: `workspace member set \(actor.user) owner --public-key KEY`)")
  }

  mutating func setMember(_ user: String, role: Role, by actor: Actor) throws(ModelError) -> Outcome {
    if let problem = IdentifierRules.problem(withUserName: user) {
      throw .invalidField(
        field: "user",
        reason: "\"\(user.prefix(80))\" is not a user name: \(problem); use \(IdentifierRules.userNameRule)")
    }
    if members[user] == nil,
      let other = UserNameLikeness.lookalike(of: user, among: Set(members.keys).union(memberKeys.keys))
    {
      throw .invalidField(
        field: "user",
        reason: "\"\(UserNameLikeness.spelled(String(user.prefix(80))))\" could be taken for member \""
          + "\(UserNameLikeness.spelled(String(other.prefix(80))))\"; choose a name nobody can mistake for another's"
      )
    }
    try requireKeyedActor(toChange: user, by: actor)
    var notes: [String] = []
    // The first member list must keep someone in charge: the acting user becomes its Owner.
    if members.isEmpty && user != actor.user {
      members[actor.user] = .owner
      notes.append("\(actor.user) is now the Owner of this Workspace (the first member list needs one)")
    }
    if members[user] == .owner && role != .owner && owners == [user] {
      throw .invalidField(field: "role", reason: "\(user) is the only Owner; make someone else Owner first")
    }
    guard members[user] != role else {
      return Outcome(message: "\(user) is already \(role.title)", changed: false)
    }
    members[user] = role
    stamp.touch(by: actor)
    return Outcome(message: "\(user) is now \(role.title) of Workspace \"\(name)\"", notes: notes)
  }

  mutating func removeMember(_ user: String, by actor: Actor) throws(ModelError) -> Outcome {
    guard let role = members[user] else {
      throw .notFound(what: "member", name: user, workspace: name)
    }
    try requireKeyedActor(toChange: user, by: actor)
    if role == .owner && owners == [user] && members.count > 1 {
      throw .invalidField(field: "member", reason: "\(user) is the only Owner; make someone else Owner first")
    }
    members[user] = nil
    memberKeys[user] = nil
    stamp.touch(by: actor)
    let note = members.isEmpty ? ["the Workspace has no members again: every user acts as its Owner"] : []
    return Outcome(message: "removed \(user) from Workspace \"\(name)\"", notes: note)
  }

  mutating func setMemberKey(_ user: String, publicKey: String, by actor: Actor) throws(ModelError) -> Outcome
  {
    guard members[user] != nil else { throw .notFound(what: "member", name: user, workspace: name) }
    guard let keys = IdentityText.keys(publicKey) else {
      throw .invalidField(field: "public-key", reason: IdentityText.problem(publicKey) ?? "")
    }
    try requireKeyedActor(toChange: user, by: actor)
    // Someone known by name only records only their own key: recording another's would let
    // anyone who claims that name pick who acts as them.
    if user != actor.user && memberKeys[actor.user] == nil {
      throw .invalidField(
        field: "public-key",
        reason: "only an Owner known by a public key records someone else's; record your own first")
    }
    // Stored in one spelling, so that the key held is recognised however it was typed.
    let publicKey = IdentityText.make(signing: keys.signing, agreement: keys.agreement)
    guard memberKeys[user] != publicKey else {
      return Outcome(message: "\(user)'s public key is already recorded", changed: false)
    }
    memberKeys[user] = publicKey
    stamp.touch(by: actor)
    return Outcome(
      message: "recorded \(user)'s public key",
      notes: ["\(user) now acts in Workspace \"\(name)\" only where their identity's private key is held"])
  }
}
