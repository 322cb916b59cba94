import Foundation

extension Workspace {
  mutating func setMember(_ user: String, role: Role, by actor: Actor) throws(ModelError) -> Outcome {
    if let problem = IdentifierRules.problem(withUserName: user) {
      throw .invalidField(
        field: "user",
        reason: "\"\(user.prefix(80))\" is not a user name: \(problem); use \(IdentifierRules.userNameRule)")
    }
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
    if let problem = IdentityText.problem(publicKey) {
      throw .invalidField(field: "public-key", reason: problem)
    }
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
