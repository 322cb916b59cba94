import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser

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
      "created Workspace \"\(filled.name)\" in \(session.repository.root) with "
        + "\(counted(filled.deployments.count, "Deployment")), \(counted(filled.connections.count, "connection")) "
        + "and \(counted(filled.variables.count, "variable"))")
  }
}
