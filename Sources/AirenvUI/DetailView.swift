import AirenvModel
import AirenvPresentation

/// The detail pane: base fields, sharing, and what each Deployment gets with its overrides.
enum DetailView {
  static func lines(_ state: AppState, glyphs: Glyphs) -> [[Span]] {
    if let connection = state.selectedConnection { return connectionLines(connection, state, glyphs) }
    if let variable = state.selectedVariable { return variableLines(variable, state, glyphs) }
    if let deployment = state.selectedDeployment { return deploymentLines(deployment, state, glyphs) }
    return []
  }

  /// The last changes to one object, newest first.
  static func recentChanges(_ key: String, _ state: AppState, _ glyphs: Glyphs) -> [[Span]] {
    let recent = state.history.filter { $0.keys.contains(key) }.prefix(3)
    guard !recent.isEmpty else { return [] }
    var lines: [[Span]] = [[], [Span("Recent changes (H: history)", .title, bold: true)]]
    for line in recent {
      lines.append([
        Span(glyphs.fit(line.time.prefix(16).replacingOccurrences(of: "T", with: " "), 17), .muted),
        Span(glyphs.fit(line.user, 9), .accent), Span(line.command),
      ])
    }
    return lines
  }

  static func secret(_ value: String, _ state: AppState, _ glyphs: Glyphs) -> Span {
    if Secrecy.lock(of: value) != nil { return Span("(locked)", .warning) }
    return state.revealed ? Span(value, .secret) : Span(glyphs.mask, .secret)
  }

  /// An extra value as shown: masked whole when its key is secret, and with its secret members
  /// masked when they sit deeper (`{"auth": {"password": …}}`, `[{"token": …}]`).
  static func extraValue(
    _ value: JSONValue, key: String, of payload: ConnectionPayload, _ state: AppState, _ glyphs: Glyphs
  ) -> Span {
    if payload.isSecret(extraKey: key) { return secret(value.compactText, state, glyphs) }
    guard Secrecy.containsSecret(value, key: key) else { return Span(value.compactText) }
    if Secrecy.lock(of: value) != nil && state.revealed { return Span("(locked)", .warning) }
    let shown = state.revealed ? value : Secrecy.masked(value, key: key, with: glyphs.mask)
    return Span(shown.compactText, .secret)
  }

  /// Why the object is unverified and what to do, when it is.
  static func unverifiedLines(_ id: String, _ state: AppState) -> [[Span]] {
    guard let reason = state.unverified[id] else { return [] }
    return wrap(
      "! unverified: \(reason). Export and apply wait until `airenv approve` vouches for it.",
      width: max(20, state.layout.detail.width - 2)
    ).map { [Span($0, .warning)] }
  }

  static func sharingLine<P>(_ object: EnvironmentObject<P>, _ workspace: Workspace) -> Span {
    let sharing = SharingSummary(object, in: workspace)
    let role: StyleRole = sharing.owner != nil ? .scoped : sharing.linkedToAll ? .linkedAll : .linked
    return Span(sharing.sentence, role)
  }

  static func connectionLines(_ connection: Connection, _ state: AppState, _ glyphs: Glyphs) -> [[Span]] {
    var lines: [[Span]] =
      [
        [Span(connection.key, .title, bold: true), Span("  " + connection.base.connType, .muted)],
        [sharingLine(connection, state.workspace)],
      ] + unverifiedLines(connection.id, state)
    if !state.mayViewValues {
      lines.append([Span("Field values need the Author role or higher.", .muted)])
    } else {
      if let description = connection.base.fields[.description] { lines.append([Span(description, .muted)]) }
      lines.append([])
      let fields = ConnectionField.listedAsValues.filter { connection.base.fields[$0] != nil }
      let extraKeys = connection.base.extra.keys.sorted()
      let labels = fields.map(\.rawValue) + extraKeys.map { "extra." + $0 }
      let width = Glyphs.labelWidth(labels, room: state.layout.detail.width)
      for field in fields {
        let value = connection.base.fields[field]!
        let shown = field == .password ? secret(value, state, glyphs) : Span(value)
        lines.append([Span(glyphs.fit(field.rawValue, width), .muted), shown])
      }
      for key in extraKeys {
        let value = connection.base.extra[key]!
        let shown = extraValue(value, key: key, of: connection.base, state, glyphs)
        lines.append([Span(glyphs.fit("extra." + key, width), .muted), shown])
      }
    }
    lines.append([])
    lines.append([Span("Deployments", .title, bold: true)])
    for position in state.deploymentColumns.indices {
      let deployment = state.deployment(at: position)
      let cell = connection.cellState(for: deployment.id)
      var row = [Span(glyphs.cell(cell) + " ", Glyphs.role(cell)), Span(glyphs.fit(deployment.name, 20))]
      if let link = connection.links[deployment.id], !link.isEmpty {
        row.append(Span(" " + link.setFieldNames.joined(separator: ", "), .overridden))
      } else if cell == .excluded || cell == .inertExclusion {
        row.append(Span(cell == .excluded ? " excluded" : " excluded (inert: not linked to all)", .muted))
      }
      row += outOfSync(.connection, connection.key, deployment, state)
      lines.append(row)
    }
    return lines + recentChanges(connection.key, state, glyphs)
  }

  /// `  ⟳ drifted in its Airflow`: where the Deployment's target differs for this object.
  private static func outOfSync(
    _ kind: ObjectKind, _ key: String, _ deployment: Deployment, _ state: AppState
  )
    -> [Span]
  {
    guard let word = state.sync[deployment.id]?.state(of: kind, key) else { return [] }
    return [Span("  [\(word) in its Airflow]", word == "create" || word == "update" ? .accent : .warning)]
  }

  static func variableLines(_ variable: Variable, _ state: AppState, _ glyphs: Glyphs) -> [[Span]] {
    var lines: [[Span]] =
      [
        [Span(variable.key, .title, bold: true), Span(variable.isSecret ? "  secret" : "", .secret)],
        [sharingLine(variable, state.workspace)],
      ] + unverifiedLines(variable.id, state)
    if let description = variable.base.description, state.mayViewValues {
      lines.append([Span(description, .muted)])
    }
    lines.append([])
    if state.mayViewValues {
      lines.append([
        Span(glyphs.fit("value", 12), .muted),
        variable.isSecret ? secret(variable.base.value, state, glyphs) : Span(variable.base.value),
      ])
    }
    lines.append([])
    lines.append([Span("Deployments", .title, bold: true)])
    for position in state.deploymentColumns.indices {
      let deployment = state.deployment(at: position)
      let cell = variable.cellState(for: deployment.id)
      var row = [Span(glyphs.cell(cell) + " ", Glyphs.role(cell)), Span(glyphs.fit(deployment.name, 20))]
      if let value = variable.links[deployment.id]?.value, state.mayViewValues {
        row.append(Span(" = ", .muted))
        row.append(variable.isSecret ? secret(value, state, glyphs) : Span(value, .overridden))
      }
      row += outOfSync(.variable, variable.key, deployment, state)
      lines.append(row)
    }
    return lines + recentChanges(variable.key, state, glyphs)
  }

  static func deploymentLines(_ deployment: Deployment, _ state: AppState, _ glyphs: Glyphs) -> [[Span]] {
    let workspace = state.workspace
    let (connections, variables) = state.reachCounts.value(for: deployment.id) {
      // Connections and variables are counted at once, on two cores.
      let counts = [0, 1].concurrentMap { kind in
        kind == 0
          ? reachCount(workspace.connections, deployment.id) : reachCount(workspace.variables, deployment.id)
      }
      return (counts[0], counts[1])
    }
    var lines: [[Span]] =
      [[Span(deployment.name, .title, bold: true)]] + unverifiedLines(deployment.id, state)
    if let description = deployment.description { lines.append([Span(description, .muted)]) }
    if !deployment.tags.isEmpty {
      lines.append([Span("tags    ", .muted), Span(deployment.tags.joined(separator: ", "))])
    }
    if let branch = deployment.branch { lines.append([Span("branch  ", .muted), Span(branch)]) }
    if let target = deployment.target {
      lines.append([Span("target  ", .muted), Span(target.address)])
      let sync = state.sync[deployment.id] ?? .checking(target.address)
      lines.append([
        Span("sync    ", .muted), Span(sync.summary, sync.role), Span("  (p plan · A apply)", .muted),
      ])
    }
    lines.append([])
    lines.append([Span("Gets \(connections.reaching) connections and \(variables.reaching) variables", .text)]
    )
    lines.append([
      Span("\(connections.overridden + variables.overridden) of them with overrides", .overridden)
    ])
    lines.append([Span("Enter shows the resolved set with provenance", .muted)])
    return lines + recentChanges(deployment.name, state, glyphs)
  }

  /// How many objects reach a Deployment and how many of those override something there:
  /// one lookup per object, about 1.5 ms for 10,000 objects with ten links each, so it is
  /// counted once per Deployment and Workspace (`AppState.reachCounts`), not on every frame.
  private static func reachCount<P>(_ objects: [EnvironmentObject<P>], _ deployment: DeploymentID)
    -> ReachCount
  {
    var reaching = 0
    var overridden = 0
    // The rule of `EnvironmentObject.reach`, with one dictionary lookup per object.
    for index in objects.indices {
      if let owner = objects[index].scope.owningDeployment {
        if owner == deployment { reaching += 1 }
      } else if let link = objects[index].links[deployment] {
        reaching += 1
        if !link.isEmpty { overridden += 1 }
      } else if objects[index].linkedToAll
        && (objects[index].exclusions.isEmpty || !objects[index].exclusions.contains(deployment))
      {
        reaching += 1
      }
    }
    return (reaching, overridden)
  }
}

typealias ReachCount = (reaching: Int, overridden: Int)
