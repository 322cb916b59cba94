import AirenvModel
import AirenvStore
import ArgumentParser

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create an empty repository (does nothing if one exists).")

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let session = global.session
    try session.refuseIfReadonly()
    let created = try session.repository.initialize()
    Console.out(
      created
        ? "created an empty repository at \(session.repository.root)"
        : "a repository exists at \(session.repository.root)")
  }
}

struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Add the demo Workspace (creating the repository if needed).",
    discussion: "Five Deployments, a dozen connections and a dozen variables that show every feature.")

  @OptionGroup var global: GlobalOptions

  func run() throws {
    let session = global.session
    try session.refuseIfReadonly()
    try session.repository.initialize()
    if let existing = try session.repository.workspaceSummaries().first(where: {
      $0.name == DemoWorkspace.name
    }) {
      Console.out(
        "the Workspace \"\(existing.name)\" is already in \(session.repository.root); "
          + "`airenv workspace delete \(existing.name)` removes it to start afresh")
      return
    }
    let filled = try session.createDemoWorkspace()
    Console.out(
      "created Workspace \"\(filled.name)\" in \(session.repository.root) with \(filled.deployments.count) "
        + "Deployments, \(filled.connections.count) connections and \(filled.variables.count) variables")
  }
}

struct WorkspaceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workspace", abstract: "List, create, rename, delete or choose Workspaces.",
    subcommands: [
      List.self, Create.self, Rename.self, Delete.self, Use.self, MemberCommand.self, SettingsCommand.self,
    ])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the Workspaces.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Item: Encodable {
      var name: String
      var id: String
      var isDefault: Bool
      enum CodingKeys: String, CodingKey { case name, id, isDefault = "default" }
    }

    func run() throws {
      let summaries = try global.session.repository.workspaceSummaries()
      try Output.print(summaries.map { Item(name: $0.name, id: $0.id, isDefault: $0.isDefault) }, as: output)
      {
        var table = TextTable("NAME", "DEFAULT", "ID")
        for summary in summaries { table.add([summary.name, summary.isDefault ? "*" : "", summary.id]) }
        return table.rendered
      }
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a Workspace.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new Workspace's name.") var name: String

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      try session.repository.initialize()
      _ = try session.repository.createWorkspace(named: name, by: session.actor)
      Console.out("created Workspace \"\(name)\"")
    }
  }

  struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rename a Workspace.")
    @OptionGroup var global: GlobalOptions
    @Argument var old: String
    @Argument var new: String

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      try session.repository.read(workspace: old).authorize(.administer, for: session.actor.user)
      try session.repository.renameWorkspace(old, to: new, by: session.actor)
      Console.out("renamed Workspace \"\(old)\" to \"\(new)\"")
    }
  }

  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a Workspace and everything in it.")
    @OptionGroup var global: GlobalOptions
    @Argument var name: String
    @Flag(help: "Confirm without asking.") var yes = false

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      let workspace = try session.repository.read(workspace: name)
      try workspace.authorize(.administer, for: session.actor.user)
      let question =
        "Delete Workspace \"\(workspace.name)\" with its \(workspace.deployments.count) Deployments, "
        + "\(workspace.connections.count) connections and \(workspace.variables.count) variables?"
      if !yes {
        guard Console.interactive else { throw Failure.usage("\(question) Pass --yes to confirm.") }
        guard Console.confirm(question) else { throw Failure(message: "cancelled; nothing changed", code: 1) }
      }
      try session.repository.deleteWorkspace(workspace.name)
      Console.out("deleted Workspace \"\(workspace.name)\"")
    }
  }

  struct Use: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make a Workspace the default.")
    @OptionGroup var global: GlobalOptions
    @Argument var name: String

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      try session.repository.useWorkspace(name)
      Console.out("Workspace \"\(name)\" is now the default")
    }
  }
}

struct DeploymentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deployment", abstract: "List, create, rename or delete Deployments.",
    subcommands: [List.self, Create.self, Rename.self, Delete.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the Deployments.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Item: Encodable {
      var name: String
      var id: String
      var description: String?
      var tags: [String]
      var branch: String?
      var connections: Int
      var variables: Int
    }

    func run() throws {
      let workspace = try global.session.read()
      let items = workspace.sortedDeployments.map { deployment in
        Item(
          name: deployment.name, id: deployment.id, description: deployment.description,
          tags: deployment.tags,
          branch: deployment.branch,
          connections: workspace.connections.filter { $0.reach(for: deployment.id) != nil }.count,
          variables: workspace.variables.filter { $0.reach(for: deployment.id) != nil }.count)
      }
      try Output.print(items, as: output) {
        var table = TextTable("NAME", "TAGS", "BRANCH", "CONNECTIONS", "VARIABLES", "DESCRIPTION")
        for item in items {
          table.add([
            item.name, item.tags.joined(separator: ","), item.branch ?? "", String(item.connections),
            String(item.variables), TextTable.clip(item.description ?? ""),
          ])
        }
        return table.rendered
      }
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create a Deployment; it gets every object linked to all Deployments at once.")
    @OptionGroup var global: GlobalOptions
    @Argument var name: String
    @Option(help: "What the Deployment is for.") var description: String?
    @Option(help: "A tag such as production or development (repeatable).") var tag: [String] = []
    @Option(help: "The git branch it was created for.") var branch: String?

    func run() throws {
      try global.session.apply(
        .createDeployment(name: name, description: description, tags: tag, branch: branch))
    }
  }

  struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rename a Deployment; its links stay.")
    @OptionGroup var global: GlobalOptions
    @Argument var old: String
    @Argument var new: String

    func run() throws { try global.session.apply(.renameDeployment(name: old, newName: new)) }
  }

  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Delete a Deployment with its links, exclusions and Deployment-scoped objects.")
    @OptionGroup var global: GlobalOptions
    @Argument var name: String
    @Flag(help: "Confirm without asking.") var yes = false

    func run() throws { try global.session.apply(.deleteDeployment(name: name), yes: yes) }
  }
}
