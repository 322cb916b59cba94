import AirenvModel
import AirenvStore
import ArgumentParser

struct WorkspaceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workspace", abstract: "List, create, rename, delete or choose Workspaces.",
    subcommands: [
      List.self, Create.self, Rename.self, Delete.self, Use.self, MemberCommand.self, SettingsCommand.self,
    ])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the Workspaces.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Item: Encodable {
      var name: String
      var id: String
      var isDefault: Bool
      enum CodingKeys: String, CodingKey { case name, id, isDefault = "default" }
    }

    func run() throws {
      let summaries = try global.session.application.workspaces()
      try Output.print(summaries.map { Item(name: $0.name, id: $0.id, isDefault: $0.isDefault) }, as: output)
      {
        var table = TextTable("NAME", "DEFAULT", "ID")
        for summary in summaries { table.add([summary.name, summary.isDefault ? "*" : "", summary.id]) }
        return table.rendered
      }
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "create", abstract: "Create a Workspace.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new Workspace's name.") var name: String

    func run() throws {
      try global.session.application.createWorkspace(named: name)
      Console.out("created Workspace \"\(name)\"")
    }
  }

  struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rename", abstract: "Rename a Workspace.")
    @OptionGroup var global: GlobalOptions
    @Argument(completion: Completions.workspaces) var old: String
    @Argument var new: String

    func run() throws {
      try global.session.application.renameWorkspace(old, to: new)
      Console.out("renamed Workspace \"\(old)\" to \"\(new)\"")
    }
  }

  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "delete", abstract: "Delete a Workspace and everything in it.")
    @OptionGroup var global: GlobalOptions
    @Argument(completion: Completions.workspaces) var name: String
    @Flag(help: "Confirm without asking.") var yes = false

    func run() throws {
      let application = global.session.application
      do {
        try application.deleteWorkspace(name, confirmed: yes)
      } catch ModelError.needsConfirmation(let impact) {
        guard Console.interactive else { throw Failure.usage("\(impact.question) Pass --yes to confirm.") }
        guard Console.confirm(impact.question) else {
          throw Failure(message: "cancelled; nothing changed", code: 1)
        }
        try application.deleteWorkspace(name, confirmed: true)
      }
      Console.out("deleted Workspace \"\(name)\"")
    }
  }

  struct Use: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "use", abstract: "Make a Workspace the default.")
    @OptionGroup var global: GlobalOptions
    @Argument(completion: Completions.workspaces) var name: String

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      try session.repository.useWorkspace(name)
      Console.out("Workspace \"\(name)\" is now the default")
    }
  }
}
