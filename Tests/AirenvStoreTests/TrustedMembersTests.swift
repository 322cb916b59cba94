import AirenvModel
import Testing

@testable import AirenvStore

/// The member list replayed from signed changes of the header (`TrustedMembers`).
@Suite("Trusted member list")
struct TrustedMembersTests {
  private func state(_ members: [String: Role], fetching: Bool = false) -> MemberState {
    MemberState(
      members: members, keys: Dictionary(uniqueKeysWithValues: members.keys.map { ($0, "key-" + $0) }),
      secretsFetching: fetching)
  }

  private func change(
    _ entry: String, by user: String, key: String? = nil, _ before: MemberState?, _ after: MemberState,
    approval: Bool = false
  ) -> HeaderFacts {
    HeaderFacts(
      entry: entry, user: user, signer: user, signerKey: key ?? "key-" + user, approval: approval,
      before: before,
      beforeDigest: nil, after: after, afterDigest: nil)
  }

  @Test func twoOwnersChangingDifferentMembersInParallelBothCount() throws {
    let start = state(["alice": .owner, "olga": .owner])
    let carol = state(["alice": .owner, "olga": .owner, "carol": .operator])
    let dave = state(["alice": .owner, "olga": .owner, "dave": .member])
    let merged = state(["alice": .owner, "olga": .owner, "carol": .operator, "dave": .member])
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "alice", start, carol),
          change("3", by: "olga", start, dave),
        ],
        current: merged, currentDigest: nil))
    #expect(trusted.state == merged && trusted.problem == nil)
  }

  @Test func aChangeByANonOwnerOrWithAnotherKeyCountsForNothing() throws {
    let start = state(["alice": .owner, "bob": .operator])
    let promoted = state(["alice": .owner, "bob": .owner])
    for forged in [
      change("2", by: "bob", start, promoted),
      change("2", by: "alice", key: "key-mallory", start, promoted),
    ] {
      let trusted = try #require(
        TrustedMembers.replay(
          [change("1", by: "alice", nil, start), forged], current: promoted, currentDigest: nil))
      #expect(trusted.state == start)
      #expect(trusted.problem == "it makes bob Owner, though signed changes by Owners made them Operator")
    }
  }

  @Test func aRemovalStandsAgainstAnOlderListPutBack() throws {
    let start = state(["alice": .owner])
    let withBob = state(["alice": .owner, "bob": .operator])
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "alice", start, withBob),
          change("3", by: "alice", withBob, start),
        ],
        current: withBob, currentDigest: nil))
    #expect(trusted.problem == "it makes bob Operator, which no signed change by an Owner did")
    let fetching = try #require(
      TrustedMembers.replay(
        [change("1", by: "alice", nil, start)], current: state(["alice": .owner], fetching: true),
        currentDigest: nil))
    #expect(fetching.problem?.contains("secretsFetching on") == true)
  }

  @Test func twoCreationsOrAChangeBeforeTheCreationAreNotTrusted() throws {
    let start = state(["alice": .owner])
    let mallory = state(["mallory": .owner])
    let twice = try #require(
      TrustedMembers.replay(
        [change("1", by: "alice", nil, start), change("2", by: "mallory", nil, mallory)], current: start,
        currentDigest: nil))
    #expect(twice.problem?.contains("2 signed changes each claim to have created") == true)
    let early = try #require(
      TrustedMembers.replay(
        [change("0", by: "mallory", start, mallory), change("1", by: "alice", nil, start)], current: mallory,
        currentDigest: nil))
    #expect(early.state == start && early.problem != nil)
  }

  @Test func anApprovalByAnOwnerTakesTheListAsStored() throws {
    let start = state(["alice": .owner, "bob": .member])
    let edited = state(["alice": .owner, "bob": .operator])
    let trusted = try #require(
      TrustedMembers.replay(
        [change("1", by: "alice", nil, start), change("2", by: "alice", edited, edited, approval: true)],
        current: edited, currentDigest: nil))
    #expect(trusted.state == edited && trusted.problem == nil)
  }
}
