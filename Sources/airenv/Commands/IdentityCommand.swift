import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

struct IdentityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "identity", abstract: "Your identity: the key pair you act as (public part: show).",
    discussion: """
      An identity is a key pair made on this machine (Ed25519 to sign, Curve25519 for keys wrapped \
      for you), kept in $XDG_CONFIG_HOME/airenv/identity with mode 0600. Give its public part to an \
      Owner, who records it with `airenv workspace member set USER ROLE --public-key KEY`; from then \
      on airenv acts as USER in that Workspace only where this private key is.
      """,
    subcommands: [Create.self, Show.self])

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "create", abstract: "Make an identity for the acting user.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let session = global.session
      let identity = try session.identityFile.create(for: session.actor.user)
      Console.out("created an identity for \(identity.user) in \(session.identityFile.path)")
      Console.out("public key: \(identity.publicText)")
      Console.out(
        "give it to an Owner of each Workspace: airenv workspace member set \(identity.user) ROLE "
          + "--public-key \(identity.publicText)")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Print the public part of the identities held here (never a private key).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table or json.") var output: OutputFormat = .table

    struct Item: Encodable {
      var user: String
      var publicKey: String
      enum CodingKeys: String, CodingKey { case user, publicKey = "public_key" }
    }

    func run() throws {
      let session = global.session
      let items = try session.identities.get().map { Item(user: $0.user, publicKey: $0.publicText) }
      guard !items.isEmpty else {
        throw Failure(
          message:
            "no identity is held in \(session.identityFile.path); make one with `airenv identity create`",
          code: 1)
      }
      try Output.print(items, as: output) {
        items.map { "\($0.user) \($0.publicKey)\n" }.joined()
      }
    }
  }
}
