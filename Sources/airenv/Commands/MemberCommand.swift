import AirenvModel
import AirenvStore
import ArgumentParser

struct MemberCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "member", abstract: "List, set or remove Workspace members and their roles.",
    discussion: """
      Roles, highest first: owner (everything, including members and settings), operator (create, \
      edit, delete, link, override, exclude; reveal secrets), author (view everything, secrets masked), \
      member (names, types and links only). A Workspace without members treats every user as Owner.
      """,
    subcommands: [List.self, Set.self, Remove.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the members and their roles.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Item: Encodable {
      var user: String
      var role: Role
      /// The member's recorded public identity, if any.
      var publicKey: String?
      enum CodingKeys: String, CodingKey { case user, role, publicKey = "public_key" }
    }

    func run() throws {
      let session = global.session
      let workspace = try session.read()
      // The list as stored is what is shown; where signed changes by Owners did not make it, say
      // so before anyone acts on it (what they did not make grants nothing).
      if let unverified = try session.application.unverifiedObjects(in: workspace)[workspace.id] {
        Console.error(
          "airenv: warning: Workspace \(workspace.name): \(unverified.reason); roles, keys "
            + "and settings that no signed change by an Owner made grant nothing: restore workspace.json from git, "
            + "or an Owner who has checked it runs `airenv approve workspace`")
      }
      if let (first, second) = try session.application.repository.alikeMemberNames(in: workspace) {
        Console.error(
          "airenv: warning: Workspace \(workspace.name): members \(UserNameLikeness.spelled(first)) and "
            + "\(UserNameLikeness.spelled(second)) could be taken for one another; check who each is")
      }
      let alike = Dictionary(grouping: workspace.members.keys, by: UserNameLikeness.skeleton).filter {
        $0.value.count > 1
      }
      let items = workspace.members.map {
        Item(user: $0.key, role: $0.value, publicKey: workspace.memberKeys[$0.key])
      }
      .sorted { ($0.role, $1.user) > ($1.role, $0.user) }
      try Output.print(items, as: output) {
        guard !items.isEmpty else { return "no members: every user acts as Owner of this Workspace\n" }
        var table = TextTable("USER", "ROLE", "IDENTITY")
        for item in items {
          // A name that looks like another member's is spelled out where it is not plain ASCII.
          table.add([
            alike[UserNameLikeness.skeleton(item.user)] == nil
              ? item.user : UserNameLikeness.spelled(item.user),
            item.role.title,
            item.publicKey.map { "key \($0.dropFirst(IdentityText.prefix.count).prefix(12))…" }
              ?? "name only",
          ])
        }
        return table.rendered
      }
    }
  }

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Add a member or change their role (Owner only).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The user name, as --user or AIRENV_USER give it.") var user: String
    @Argument(help: "owner, operator, author or member.") var role: Role
    @Option(
      help: ArgumentHelp(
        "The member's public identity, as `airenv identity show` prints it: they then act here only "
          + "where its private key is.", valueName: "key"))
    var publicKey: String?

    func run() throws {
      let session = global.session
      if let publicKey, let problem = IdentityText.problem(publicKey) {
        throw Failure.validation("--public-key: \(problem)")
      }
      try session.apply(.setMember(user: user, role: role))
      if let publicKey { try session.apply(.setMemberKey(user: user, publicKey: publicKey)) }
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove", abstract: "Remove a member (Owner only).")
    @OptionGroup var global: GlobalOptions
    @Argument var user: String

    func run() throws { try global.session.apply(.removeMember(user: user)) }
  }
}
