import AirenvModel
import ArgumentParser

struct VariableCommand: ParsableCommand {
  typealias Shared = SharedObjectCommands<VariableKind>

  static let configuration = CommandConfiguration(
    commandName: "variable", abstract: "Manage Airflow variables.",
    subcommands: [
      List.self, Get.self, Create.self, Update.self, Shared.Delete.self, Link.self, Shared.Unlink.self,
      Shared.Exclude.self, Shared.Include.self, Shared.Reset.self, Shared.Rename.self, Shared.Promote.self,
    ])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List variables, or what one Deployment gets with --deployment.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Show the variables this Deployment resolves.", completion: Completions.deployments)
    var deployment: String?
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    /// A variable's value as a table shows it.
    static func shown(_ view: VariableView) -> String {
      if view.locked { return FieldLines.locked }
      if view.masked { return Secrecy.mask }
      return TextTable.clip(view.value ?? "", 40)
    }

    func run() throws {
      let session = global.session
      let (workspace, policy) = try session.read(reveal: false, onlyKind: .variable, allowingConflicts: true)
      let conflicts = workspace.conflicts().filter { $0.subject != "connection" }
      session.warn(about: conflicts)
      if let deployment {
        let resolved = try ResolvedSet(workspace: workspace, deployment: deployment, policy: policy)
        try Output.print(resolved.variables, as: output) {
          var table = TextTable("KEY", "VALUE", "VIA", "FROM")
          for entry in resolved.variables {
            table.add([
              entry.key, entry.masked ? Secrecy.mask : TextTable.clip(entry.value ?? ""),
              entry.reach.rawValue,
              entry.provenance.rawValue,
            ])
          }
          return table.rendered
        }
        return
      }
      let reasons = Conflict.reasons(byID: conflicts)
      let unverified = try session.unverified(in: workspace)
      let names = workspace.deploymentNamesByID
      // Made on every core: a listing of 5,000 variables with ten links each.
      let views = workspace.variables.sortedIgnoringCase(by: \.key).concurrentMap { variable in
        var view = VariableView(variable, in: workspace, policy: policy, deploymentNames: names)
        view.conflict = reasons[variable.id]
        view.unverified = unverified[variable.id]?.reason
        return view
      }
      try Output.print(views, as: output) {
        var table = TextTable("KEY", "VALUE", "SECRET", "DEPLOYMENTS", "OVERRIDES")
        for view in views {
          table.add([
            view.key + (view.conflict == nil ? "" : " (conflict)")
              + (view.unverified == nil ? "" : " (unverified)"),
            view.masked ? Secrecy.mask : TextTable.clip(view.value ?? "", 40),
            view.secret ? "yes" : "",
            view.sharing.summary, String(view.overrides.values.filter { $0 != nil || view.masked }.count),
          ])
        }
        return table.rendered
      }
    }
  }

  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "get",
      abstract: "Show one variable with its links and overrides.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key.", completion: Completions.objects) var key: String
    @Option(name: .customLong("scope-deployment"), completion: Completions.deployments) var scopeDeployment:
      String?
    @Flag(help: "Show secret values.") var reveal = false
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    func run() throws {
      let session = global.session
      let (workspace, policy) = try session.read(reveal: reveal, onlyObjectsKeyed: [key])
      let variable = try workspace.variable(ObjectReference(.variable, key, scopeDeployment: scopeDeployment))
      var view = VariableView(variable, in: workspace, policy: policy)
      view.unverified = try session.application.unverifiedObjects(in: workspace)[variable.id]?.reason
      try session.requireUnlocked(view.locked ? [view.key] : [], reveal: reveal)
      try Output.print(view, as: output) {
        var lines = [
          "key          \(view.key)  (revision \(view.revision), \(view.updatedBy) at \(view.updatedAt))",
          "deployments  \(view.sharing.summary)",
          "value        \(List.shown(view))",
        ]
        if let description = view.description { lines.append("description  \(description)") }
        if view.secret { lines.append("secret       yes") }
        if let unverified = view.unverified {
          lines.append("unverified   \(unverified); see `airenv approve`")
        }
        for (name, value) in view.overrides.sorted(by: { $0.key < $1.key }) {
          lines.append(
            "link \(name)"
              + (value == nil && !view.masked ? " (no override)" : " value = \(value ?? Secrecy.mask)"))
        }
        return lines.joined(separator: "\n") + "\n"
      }
    }
  }

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "create", abstract: "Create a variable.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key.") var key: String
    @OptionGroup var value: VariableValueOptions
    @Option var description: String?
    @Flag(help: "Mark the value secret (keys with a sensitive word are secret anyway).") var secret = false
    @OptionGroup var sharing: SharingOptions

    func run() throws {
      let isSecret = Secrecy.isSecret(variableKey: key, flagged: secret)
      let changes = VariableChanges(
        value: try value.read(secret: isSecret), description: description, secret: secret)
      try global.session.apply(.createVariable(key: key, fields: changes, sharing: try sharing.sharing()))
    }
  }

  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "update",
      abstract: "Change the base value or description; what is not named stays as it was.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var value: VariableValueOptions
    @Option var description: String?
    @Flag(help: "Clear the description.") var clearDescription = false
    @Flag(inversion: .prefixedNo, help: "Mark the value secret or not.") var secret: Bool?
    @OptionGroup var linkAll: LinkAllToggle

    func run() throws {
      let reference = object.reference(.variable)
      let changes = VariableChanges(
        value: try value.read(secret: secret ?? false), description: description,
        clearDescription: clearDescription, secret: secret)
      if changes.isEmpty && linkAll.linkAll == nil {
        throw Failure.usage(
          "nothing to change: give a value, --description, --secret or --link-all/--no-link-all")
      }
      try global.session.apply(.updateVariable(reference, changes, linkedToAll: linkAll.linkAll)) {
        workspace in
        if secret == nil { value.warnIfExposed(secret: isSecret(workspace, reference)) }
      }
    }
  }

  struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "link",
      abstract: "Link to a Deployment, optionally overriding the value there.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var object: ObjectSelector
    @OptionGroup var target: DeploymentTarget
    @OptionGroup var value: VariableValueOptions

    func run() throws {
      let reference = object.reference(.variable)
      let overrides = VariableChanges(value: try value.read(secret: false))
      try global.session.apply(
        .linkVariable(reference, deployment: target.deployment, overrides: overrides)
      ) { workspace in
        value.warnIfExposed(secret: isSecret(workspace, reference))
      }
    }
  }
}

/// Whether the variable is secret, to warn when its value is given on the command line.
private func isSecret(_ workspace: Workspace, _ reference: ObjectReference) -> Bool {
  (try? workspace.variable(reference).isSecret)
    ?? Secrecy.isSecret(variableKey: reference.key, flagged: false)
}
