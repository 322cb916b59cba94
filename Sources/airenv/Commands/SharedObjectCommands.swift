import AirenvModel
import ArgumentParser

/// Which kind of object a shared subcommand acts on.
protocol KindMarker {
  static var kind: ObjectKind { get }
}

enum ConnectionKind: KindMarker { static var kind: ObjectKind { .connection } }

enum VariableKind: KindMarker { static var kind: ObjectKind { .variable } }

/// The subcommands that are the same for connections and variables.
enum SharedObjectCommands<Kind: KindMarker> {
  struct Unlink: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "unlink",
        abstract: "Remove a Deployment's explicit link (and its overrides, after confirming).")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var target: DeploymentTarget
    @Flag(help: "Confirm the loss of overrides without asking.") var yes = false

    func run() throws {
      try global.session.apply(.unlink(object.reference(Kind.kind), deployment: target.deployment), yes: yes)
    }
  }

  struct Exclude: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "exclude",
        abstract: "Opt a Deployment out of a linked-to-all object (removes its link after confirming).")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var target: DeploymentTarget
    @Flag(help: "Confirm removing an existing link without asking.") var yes = false

    func run() throws {
      try global.session.apply(.exclude(object.reference(Kind.kind), deployment: target.deployment), yes: yes)
    }
  }

  struct Include: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "include", abstract: "Lift a Deployment's exclusion.")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var target: DeploymentTarget

    func run() throws {
      try global.session.apply(.include(object.reference(Kind.kind), deployment: target.deployment))
    }
  }

  struct Reset: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "reset",
        abstract: "Clear overrides on a link so that fields inherit the base again.",
        discussion: "Without --field every override of the link is cleared; the link stays.")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var target: DeploymentTarget
    @Option(help: "A field to reset: host, port, password, … extra, extra.KEY, value (repeatable).")
    var field: [String] = []

    func run() throws {
      try global.session.apply(
        .resetOverride(object.reference(Kind.kind), deployment: target.deployment, fields: field))
    }
  }

  struct Delete: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "delete", abstract: "Delete the object, its links and exclusions.")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @Flag(help: "Confirm without asking.") var yes = false

    func run() throws { try global.session.apply(.delete(object.reference(Kind.kind)), yes: yes) }
  }

  struct Rename: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "rename", abstract: "Change the object's id; links and overrides stay.")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @Argument(help: "The new id.") var newID: String

    func run() throws { try global.session.apply(.rename(object.reference(Kind.kind), newKey: newID)) }
  }

  struct Promote: ParsableCommand {
    static var configuration: CommandConfiguration {
      CommandConfiguration(
        commandName: "promote",
        abstract: "Make a Deployment-scoped object Workspace-scoped; it stays linked to its Deployment.")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector

    func run() throws { try global.session.apply(.promote(object.reference(Kind.kind))) }
  }
}
