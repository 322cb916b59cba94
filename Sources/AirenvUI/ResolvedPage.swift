import AirenvModel

/// What one Deployment really gets, field by field with where each value comes from, and
/// the differences between two Deployments.
enum ResolvedPage {
  static func lines(_ state: AppState, deployment id: DeploymentID, glyphs: Glyphs) -> [[Span]] {
    let workspace = state.workspace
    guard let deployment = workspace.deployment(id: id) else { return [[Span("Deployment gone", .error)]] }
    var lines: [[Span]] = [
      [
        Span("Resolved set of \(deployment.name)", .title, bold: true),
        Span("  [b]ase [o]verride [s]coped  Esc back", .muted),
      ]
    ]
    guard state.mayViewValues else {
      lines.append([Span("Field values need the Author role or higher.", .muted)])
      return lines
    }
    lines.append([Span("Connections", .accent, bold: true)])
    for (connection, resolved) in workspace.resolvedConnections(for: id) {
      lines.append([
        Span(connection.key, .text, bold: true),
        Span("  " + (resolved.fields[.connType]?.value ?? ""), .muted),
      ])
      for field in [ConnectionField.host, .schema, .login, .password, .port, .description] {
        guard let value = resolved.fields[field] else { continue }
        let shown = field == .password ? DetailView.secret(value.value, state, glyphs) : Span(value.value)
        lines.append([mark(value.provenance), Span(glyphs.fit(field.rawValue, 12), .muted), shown])
      }
      for key in resolved.extra.keys.sorted() {
        let value = resolved.extra[key]!
        let shown =
          connection.base.isSecret(extraKey: key)
          ? DetailView.secret(value.value.compactText, state, glyphs) : Span(value.value.compactText)
        lines.append([mark(value.provenance), Span(glyphs.fit("extra." + key, 12) + " ", .muted), shown])
      }
    }
    lines.append([])
    lines.append([Span("Variables", .accent, bold: true)])
    for (variable, resolved) in workspace.resolvedVariables(for: id) {
      let shown =
        variable.isSecret
        ? DetailView.secret(resolved.value.value, state, glyphs) : Span(resolved.value.value)
      lines.append([mark(resolved.value.provenance), Span(glyphs.fit(variable.key, 24) + " ", .text), shown])
    }
    return lines
  }

  static func mark(_ provenance: Provenance) -> Span {
    switch provenance {
    case .base: Span("  b ", .muted)
    case .override: Span("  o ", .overridden, bold: true)
    case .scoped: Span("  s ", .scoped)
    }
  }

  static func diff(_ state: AppState, _ first: DeploymentID, _ second: DeploymentID, glyphs: Glyphs)
    -> [[Span]]
  {
    let workspace = state.workspace
    let names = (
      workspace.deployment(id: first)?.name ?? first, workspace.deployment(id: second)?.name ?? second
    )
    var lines: [[Span]] = [
      [
        Span("Differences: \(names.0) \(glyphs.arrow) \(names.1)", .title, bold: true),
        Span("  Esc back", .muted),
      ]
    ]
    guard state.mayViewValues else {
      lines.append([Span("Field values need the Author role or higher.", .muted)])
      return lines
    }
    func flatten(_ connection: Connection, _ resolved: ResolvedConnection) -> [String: (String, Bool)] {
      var flat: [String: (String, Bool)] = [:]
      for (field, value) in resolved.fields { flat[field.rawValue] = (value.value, field == .password) }
      for (key, value) in resolved.extra {
        flat["extra." + key] = (value.value.compactText, connection.base.isSecret(extraKey: key))
      }
      return flat
    }
    let left = Dictionary(
      uniqueKeysWithValues: workspace.resolvedConnections(for: first).map { ($0.0.key, flatten($0.0, $0.1)) })
    let right = Dictionary(
      uniqueKeysWithValues: workspace.resolvedConnections(for: second).map { ($0.0.key, flatten($0.0, $0.1)) }
    )
    for key in Set(left.keys).union(right.keys).sorted() {
      guard let a = left[key], let b = right[key] else {
        lines.append([
          Span(left[key] == nil ? "+ " : "- ", left[key] == nil ? .success : .error), Span(key),
          Span(" only in " + (left[key] == nil ? names.1 : names.0), .muted),
        ])
        continue
      }
      for field in Set(a.keys).union(b.keys).sorted() where a[field]?.0 != b[field]?.0 {
        let secret = (a[field]?.1 ?? false) || (b[field]?.1 ?? false)
        let change =
          secret
          ? "differs (secret)" : "\(a[field]?.0 ?? "(none)") \(glyphs.arrow) \(b[field]?.0 ?? "(none)")"
        lines.append([
          Span("~ ", .warning), Span(key + "." + field + "  "), Span(change, secret ? .secret : .overridden),
        ])
      }
    }
    let leftVariables = Dictionary(
      uniqueKeysWithValues: workspace.resolvedVariables(for: first).map {
        ($0.0.key, ($0.1.value.value, $0.0.isSecret))
      })
    let rightVariables = Dictionary(
      uniqueKeysWithValues: workspace.resolvedVariables(for: second).map {
        ($0.0.key, ($0.1.value.value, $0.0.isSecret))
      })
    for key in Set(leftVariables.keys).union(rightVariables.keys).sorted() {
      guard let a = leftVariables[key], let b = rightVariables[key] else {
        lines.append([
          Span(leftVariables[key] == nil ? "+ " : "- ", .warning), Span(key),
          Span(" only in " + (leftVariables[key] == nil ? names.1 : names.0), .muted),
        ])
        continue
      }
      if a.0 != b.0 {
        let change = a.1 ? "differs (secret)" : "\(a.0) \(glyphs.arrow) \(b.0)"
        lines.append([Span("~ ", .warning), Span(key + "  "), Span(change, a.1 ? .secret : .overridden)])
      }
    }
    if lines.count == 1 { lines.append([Span("They get the same objects and values.", .muted)]) }
    return lines
  }
}
