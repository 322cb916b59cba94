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
