import AirenvModel
import AirenvStore
import ArgumentParser

struct DeploymentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deployment", abstract: "List, create, rename or delete Deployments.",
    subcommands: [List.self, Create.self, Rename.self, Delete.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the Deployments.")
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
      /// Why the Deployment's own file is unverified, when it is (see `airenv approve`).
      var unverified: String?
    }

    func run() throws {
      let session = global.session
      let workspace = try session.read()
      let unverified = try session.unverified(in: workspace)
      let items = workspace.sortedDeployments.map { deployment in
        Item(
          name: deployment.name, id: deployment.id, description: deployment.description,
          tags: deployment.tags,
          branch: deployment.branch,
          connections: workspace.connections.filter { $0.reach(for: deployment.id) != nil }.count,
          variables: workspace.variables.filter { $0.reach(for: deployment.id) != nil }.count,
          unverified: unverified[deployment.id]?.reason)
      }
      try Output.print(items, as: output) {
        var table = TextTable("NAME", "TAGS", "BRANCH", "CONNECTIONS", "VARIABLES", "DESCRIPTION")
        for item in items {
          table.add([
            item.name + (item.unverified == nil ? "" : " (unverified)"), item.tags.joined(separator: ","),
            item.branch ?? "", String(item.connections),
            String(item.variables), item.description ?? "",
          ])
        }
        return table.rendered
      }
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "create",
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
    static let configuration = CommandConfiguration(
      commandName: "rename", abstract: "Rename a Deployment; its links stay.")
    @OptionGroup var global: GlobalOptions
    @Argument(completion: Completions.deployments) var old: String
    @Argument var new: String

    func run() throws { try global.session.apply(.renameDeployment(name: old, newName: new)) }
  }

  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "delete",
      abstract: "Delete a Deployment with its links, exclusions and Deployment-scoped objects.")
    @OptionGroup var global: GlobalOptions
    @Argument(completion: Completions.deployments) var name: String
    @Flag(help: "Confirm without asking.") var yes = false

    func run() throws { try global.session.apply(.deleteDeployment(name: name), yes: yes) }
  }
}
