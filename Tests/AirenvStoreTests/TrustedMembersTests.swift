import AirenvModel
import Crypto
import Foundation
import Testing

@testable import AirenvStore

/// The member list replayed from signed changes of the header (`TrustedMembers`).
@Suite("Trusted member list")
struct TrustedMembersTests {
  /// A signing key per user, as `IdentityText` records it (the agreement key is not looked at).
  private static func signing(_ user: String) -> Data { Data(SHA256.hash(data: Data(user.utf8))) }

  private func state(_ members: [String: Role], fetching: Bool = false) -> MemberState {
    MemberState(
      members: members,
      keys: Dictionary(
        uniqueKeysWithValues: members.keys.map {
          ($0, IdentityText.make(signing: Self.signing($0), agreement: Self.signing("agreement " + $0)))
        }),
      secretsFetching: fetching)
  }

  /// A change of the header by `user`; without `parents`, as an earlier airenv wrote it (it
  /// follows the change before it).
  private func change(
    _ entry: String, by user: String, key: String? = nil, _ before: MemberState?, _ after: MemberState,
    approval: Bool = false, parents: [String]? = nil
  ) -> HeaderFacts {
    HeaderFacts(
      entry: entry, user: user, signer: user, signerKey: Self.signing(key ?? user).base64EncodedString(),
      approval: approval, before: before, beforeDigest: nil, after: after, afterDigest: nil, parents: parents)
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
      change("2", by: "alice", key: "mallory", start, promoted),
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
    #expect(
      trusted.problem
        == "it makes bob Operator, which no signed change by an Owner did; it records a public key for bob that no "
        + "signed change by an Owner recorded")
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
        [
          change("1", by: "alice", nil, start),
          change("2", by: "alice", edited, edited, approval: true, parents: ["1"]),
        ],
        current: edited, currentDigest: nil))
    #expect(trusted.state == edited && trusted.problem == nil)
  }

  /// A demoted Owner dates a change of theirs before their demotion (an entry's name is its
  /// author's to choose): the demotion was not made knowing it, so it counts for nothing.
  @Test func aChangeDatedBackByADemotedOwnerCountsForNothing() throws {
    let start = state(["alice": .owner, "carol": .owner, "bob": .member])
    let demoted = state(["alice": .owner, "carol": .member, "bob": .member])
    let forged = state(["alice": .owner, "carol": .owner, "bob": .owner])
    let both = state(["alice": .owner, "carol": .member, "bob": .owner])
    // Dated before the demotion, which was not made knowing it: it counts for nothing.
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "carol", start, forged, parents: ["1"]),
          change("3", by: "alice", start, demoted, parents: ["1"]),
        ],
        current: both, currentDigest: nil))
    #expect(trusted.state.members == demoted.members)
    #expect(trusted.problem == "it makes bob Owner, though signed changes by Owners made them Member")
    // Made before the demotion and known to it, the same change stands.
    let known = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "carol", start, forged, parents: ["1"]),
          change("3", by: "alice", forged, both, parents: ["2"]),
        ],
        current: both, currentDigest: nil))
    #expect(known.problem == nil && known.heads == ["3"])
    // Dated before the demotion but naming it as a parent: made up, and left out.
    let claimed = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "carol", demoted, forged, parents: ["3"]),
          change("3", by: "alice", start, demoted, parents: ["1"]),
        ],
        current: demoted, currentDigest: nil))
    #expect(claimed.problem == nil && claimed.state.members == demoted.members, "\(claimed)")
    // Dated after the demotion, made on the list before it: voided as well (and carol is no
    // Owner of the list the demotion made, had it named that one).
    let later = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "alice", start, demoted, parents: ["1"]),
          change("3", by: "carol", start, forged, parents: ["1"]),
        ],
        current: both, currentDigest: nil))
    #expect(later.state.members == demoted.members && later.problem != nil)
  }

  /// `history` shows the signed changes that do not count, and why: a signature that holds is
  /// not a change that counts.
  @Test func eachChangeThatDoesNotCountSaysWhy() throws {
    let start = state(["alice": .owner, "carol": .owner, "bob": .member])
    let demoted = state(["alice": .owner, "carol": .member, "bob": .member])
    let forged = state(["alice": .owner, "carol": .owner, "bob": .owner])
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("0", by: "carol", start, forged, parents: []),
          change("1", by: "alice", nil, start),
          change("2", by: "carol", start, forged, parents: ["1"]),
          change("3", by: "alice", start, demoted, parents: ["1"]),
          change("4", by: "bob", demoted, forged, parents: ["3"]),
          change("5", by: "alice", demoted, start, parents: ["9"]),
        ],
        current: demoted, currentDigest: nil))
    #expect(trusted.problem == nil && trusted.state.members == demoted.members)
    #expect(Set(trusted.uncounted.keys) == ["0", "2", "4", "5"])
    #expect(
      trusted.uncounted["0"]?.hasPrefix("it is dated before the change that began the member list (1)")
        == true)
    #expect(trusted.uncounted["2"]?.hasPrefix("voided by change 3 by alice") == true)
    #expect(trusted.uncounted["4"]?.hasPrefix("bob was no Owner of the member list it followed") == true)
    #expect(trusted.uncounted["5"]?.contains("not earlier in the history") == true)
    // Changes against each other's authors: both named, each with the other.
    let aliceDemoted = state(["alice": .author, "carol": .owner, "bob": .member])
    let conflict = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "alice", start, demoted, parents: ["1"]),
          change("3", by: "carol", start, aliceDemoted, parents: ["1"]),
        ],
        current: demoted, currentDigest: nil))
    #expect(conflict.state.members.isEmpty)
    #expect(conflict.uncounted["2"]?.hasPrefix("it and change 3 by carol") == true)
    #expect(conflict.uncounted["3"]?.hasPrefix("it and change 2 by alice") == true)
  }

  /// Entries signed by someone no Owner's signed change ever made an Owner (a Member, a
  /// stranger) are left out before the graph is built: made up in bulk, they cost a pass.
  @Test func changesNoOwnerCouldHaveSignedAreLeftOutFirst() throws {
    let start = state(["alice": .owner, "carol": .member])
    var forged = state(["alice": .owner, "carol": .owner, "mallory": .owner])
    var previous = "001"
    var changes = [change("001", by: "alice", nil, start)]
    for index in 2...50 {
      let name = String(format: "%03d", index)
      forged.secretsFetching.toggle()
      changes.append(
        change(name, by: index.isMultiple(of: 2) ? "carol" : "mallory", start, forged, parents: [previous]))
      previous = name
    }
    let trusted = try #require(TrustedMembers.replay(changes, current: start, currentDigest: nil))
    #expect(trusted.state == start && trusted.problem == nil && trusted.heads == ["001"])
    #expect(trusted.uncounted.count == 49)
    #expect(
      trusted.uncounted["002"]
        == "it is signed by carol with a key no signed change by an Owner recorded for an Owner")
  }

  /// Where this machine saw the creation, a second one (anyone can write one) is passed over;
  /// a machine that saw neither cannot tell which is real, and trusts nobody.
  @Test func aSecondCreationIsPassedOverWhereTheFirstWasSeen() throws {
    let start = state(["alice": .owner])
    let changes = [
      change("1", by: "alice", nil, start), change("5", by: "mallory", nil, state(["mallory": .owner])),
    ]
    let pinned = try #require(TrustedMembers.replay(changes, current: start, currentDigest: nil, pinned: "1"))
    #expect(pinned.state == start && pinned.problem == nil)
    #expect(pinned.uncounted["5"]?.contains("claims to have created the Workspace") == true)
    let fresh = try #require(TrustedMembers.replay(changes, current: start, currentDigest: nil))
    #expect(fresh.state.members.isEmpty && fresh.problem?.contains("2 signed changes each claim") == true)
  }

  /// A long history replays by steps along each chain, and by its counting ancestors where
  /// branches merged: the result is what the changes made, in order.
  @Test func aLongHistoryWithAMergeReplaysEveryChange() throws {
    var list = state(["alice": .owner, "bob": .owner, "carol": .member])
    var changes = [change("0000", by: "alice", nil, list)]
    var previous = "0000"
    var branch: String?
    for index in 1...600 {
      let name = String(format: "%04d", index)
      var next = list
      next.members["carol"] = index.isMultiple(of: 2) ? .member : .author
      if index == 300 {
        // bob, on a branch from 299, adds dave; alice goes on without knowing it until 302.
        var withDave = list
        withDave.members["dave"] = .operator
        withDave.keys["dave"] = IdentityText.make(signing: Self.signing("dave"), agreement: Self.signing("d"))
        changes.append(change("0300b", by: "bob", list, withDave, parents: [previous]))
        branch = "0300b"
      }
      let parents = index == 302 ? [previous, branch!] : [previous]
      changes.append(change(name, by: "alice", list, next, parents: parents))
      list = next
      previous = name
    }
    list.members["dave"] = .operator
    list.keys["dave"] = IdentityText.make(signing: Self.signing("dave"), agreement: Self.signing("d"))
    let trusted = try #require(TrustedMembers.replay(changes, current: list, currentDigest: nil))
    #expect(
      trusted.problem == nil && trusted.state == list && trusted.heads == ["0600"], "\(trusted.problem ?? "")"
    )
    #expect(trusted.uncounted.isEmpty)
  }

  /// More signed changes of the member list than a replay takes are refused, not replayed.
  @Test func aHistoryOfTooManyChangesTrustsNobody() throws {
    let start = state(["alice": .owner])
    var changes = [change("000000", by: "alice", nil, start)]
    for index in 1...(TrustedMembers.largestReplay + 1) {
      changes.append(
        change(
          String(format: "%06d", index), by: "alice", start, start,
          parents: [String(format: "%06d", index - 1)]))
    }
    let trusted = try #require(TrustedMembers.replay(changes, current: start, currentDigest: nil))
    #expect(trusted.state.members.isEmpty)
    #expect(
      trusted.problem?.contains("more than the 10000 airenv replays") == true, "\(trusted.problem ?? "")")
  }

  /// A forged `before` (a key replaced that was never recorded) takes nothing from anyone: what
  /// a change takes is judged against the list its parents make.
  @Test func aMadeUpBeforeTakesNothing() throws {
    let start = state(["alice": .owner, "bob": .owner])
    let aliceDemoted = state(["alice": .author, "bob": .owner])
    var bogus = start
    bogus.keys["bob"] = "bogus"
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "bob", start, aliceDemoted, parents: ["1"]),
          change("3", by: "alice", bogus, start, parents: ["1"]),
        ],
        current: start, currentDigest: nil))
    #expect(trusted.state.members == aliceDemoted.members, "\(trusted)")
  }

  /// The anchor this machine saw first: a history without it, or one that starts earlier, is
  /// not trusted.
  @Test func theAnchorSeenBeforeMustStayTheAnchor() throws {
    let start = state(["alice": .owner])
    let mallory = state(["alice": .owner, "mallory": .owner])
    let withoutIt = try #require(
      TrustedMembers.replay(
        [change("2", by: "alice", start, start)], current: start, currentDigest: nil, pinned: "1"))
    #expect(withoutIt.problem?.contains("which this machine saw before, is gone") == true)
    #expect(withoutIt.state.members.isEmpty)
    // A migrated Workspace (no creation): a change made up with an earlier name is passed over.
    let legacy = MemberState(members: ["alice": .owner], keys: [:], secretsFetching: false)
    let pinned = try #require(
      TrustedMembers.replay(
        [change("0", by: "mallory", mallory, mallory), change("1", by: "alice", legacy, start)],
        current: start,
        currentDigest: nil, pinned: "1"))
    #expect(pinned.problem == nil && pinned.anchor == "1" && pinned.state.members["mallory"] == nil)
    let firstSight = try #require(
      TrustedMembers.replay(
        [change("0", by: "mallory", mallory, mallory), change("1", by: "alice", legacy, start)],
        current: start,
        currentDigest: nil))
    #expect(firstSight.anchor == "0")
  }

  /// Demoted by bob, alice dates back a change that demotes bob first: neither change was made
  /// knowing the other, so neither is believed and nobody is trusted until the history is
  /// restored; the same for a change that replaces bob's key instead, and for a backdated
  /// approval of a list in which bob is lowered.
  @Test func twoChangesAgainstEachOthersAuthorsTrustNobody() throws {
    let start = state(["alice": .owner, "bob": .owner])
    let aliceDemoted = state(["alice": .author, "bob": .owner])
    let bobDemoted = state(["alice": .owner, "bob": .author])
    var bobRekeyed = start
    bobRekeyed.keys["bob"] = IdentityText.make(signing: Self.signing("alice's"), agreement: Self.signing("x"))
    for (forged, approval) in [(bobDemoted, false), (bobRekeyed, false), (bobDemoted, true)] {
      let trusted = try #require(
        TrustedMembers.replay(
          [
            change("1", by: "alice", nil, start),
            change("2", by: "alice", approval ? forged : start, forged, approval: approval, parents: ["1"]),
            change("3", by: "bob", start, aliceDemoted, parents: ["1"]),
          ],
          current: forged, currentDigest: nil))
      #expect(trusted.state.members.isEmpty)
      #expect(trusted.problem?.contains("neither was made knowing the other") == true, "\(trusted)")
    }
    // Made one after the other, the second by someone the first left an Owner, both stand.
    let both = try #require(
      TrustedMembers.replay(
        [change("1", by: "alice", nil, start), change("2", by: "bob", start, aliceDemoted, parents: ["1"])],
        current: aliceDemoted, currentDigest: nil))
    #expect(both.problem == nil && both.state.members == aliceDemoted.members)
  }

  /// A former Owner's change made on a list from before their demotion, against someone whose
  /// change the demotion rests on: it cannot void that change (a removal, which would bring
  /// mallory back with the data key she held). The changes contest each other, so nobody is
  /// trusted until the made-up one is removed in git; a former Owner can always do that much.
  @Test func aContestedChangeVoidsNothing() throws {
    let start = state(["alice": .owner, "bob": .owner, "carol": .owner, "mallory": .owner])
    let removed = state(["alice": .owner, "bob": .owner, "carol": .owner])
    let demoted = state(["alice": .owner, "bob": .member, "carol": .owner])
    let forged = state(["alice": .owner, "bob": .owner, "carol": .member, "mallory": .owner])
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "carol", start, removed, parents: ["1"]),
          change("3", by: "alice", removed, demoted, parents: ["2"]),
          change("4", by: "bob", start, forged, parents: ["1"]),
        ],
        current: demoted, currentDigest: nil))
    #expect(
      trusted.state.members.isEmpty && trusted.problem?.contains("take something from each other") == true)
    // Without it, the removal and the demotion stand.
    let honest = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "carol", start, removed, parents: ["1"]),
          change("3", by: "alice", removed, demoted, parents: ["2"]),
        ],
        current: demoted, currentDigest: nil))
    #expect(honest.problem == nil && honest.state.members == demoted.members)
  }

  /// A demoted Owner makes up a member on the list from before the demotion, and acts through
  /// them: what the made-up member does rests on a change the demotion contests, so it is
  /// contested too, and the two sides leave nobody trusted instead of the demotion being undone.
  @Test func aMemberMadeUpOnAnOldListActsForNobody() throws {
    let start = state(["alice": .owner, "bob": .owner, "mallory": .owner])
    let demoted = state(["alice": .owner, "bob": .owner, "mallory": .operator])
    let ghost = state(["alice": .owner, "bob": .owner, "mallory": .owner, "ghost": .owner])
    let bobLowered = state(["alice": .owner, "bob": .operator, "mallory": .owner, "ghost": .owner])
    let restored = state(["alice": .owner, "bob": .owner, "mallory": .owner])
    let trusted = try #require(
      TrustedMembers.replay(
        [
          change("1", by: "alice", nil, start), change("2", by: "bob", start, demoted, parents: ["1"]),
          change("3", by: "mallory", start, ghost, parents: ["1"]),
          change("4", by: "ghost", ghost, bobLowered, parents: ["3"]),
          change("5", by: "ghost", bobLowered, restored, parents: ["4"]),
        ],
        current: restored, currentDigest: nil))
    #expect(
      trusted.state.members.isEmpty && trusted.problem?.contains("take something from each other") == true)
  }

  /// While still an Owner, mallory adds ghost and hides them again on a side branch; demoted
  /// later, she acts through ghost on that branch. Ghost is no Owner of the list readers end
  /// with before that change, so it counts for nothing.
  @Test func anOwnerHiddenOnASideBranchActsForNobody() throws {
    let start = state(["alice": .owner, "bob": .owner, "mallory": .owner])
    let ghost = state(["alice": .owner, "bob": .owner, "mallory": .owner, "ghost": .owner])
    let demoted = state(["alice": .owner, "bob": .owner, "mallory": .operator])
    let restored = state(["alice": .owner, "bob": .owner, "mallory": .owner])
    for hidden in [start, state(["alice": .owner, "bob": .owner, "mallory": .owner, "ghost": .operator])] {
      let trusted = try #require(
        TrustedMembers.replay(
          [
            change("1", by: "alice", nil, start), change("2", by: "mallory", start, ghost, parents: ["1"]),
            change("3", by: "mallory", ghost, hidden, parents: ["1"]),
            change("4", by: "bob", start, demoted, parents: ["2", "3"]),
            change("5", by: "ghost", demoted, restored, parents: ["2"]),
          ],
          current: restored, currentDigest: nil))
      #expect(trusted.state.members["mallory"] == .operator, "\(trusted)")
      #expect(trusted.problem != nil)
    }
  }
}
