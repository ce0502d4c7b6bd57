import Testing

@testable import CordonServer

/// The seal lifecycle without a vault: one unseal attempt at a time, a failure returns to
/// sealed, and a stop wins over everything that comes after it.
@Suite("SealStateMachine")
struct SealStateMachineTests {
    @Test func aServerStartsSealedOrServingByWhetherTheKeyWasThere() {
        #expect(SealStateMachine(unsealed: false).state == .sealed)
        #expect(SealStateMachine(unsealed: true).state == .serving)
    }

    @Test func aSealedServerAttemptsOneUnsealAndRefusesASecondMeanwhile() {
        var machine = SealStateMachine(unsealed: false)
        #expect(machine.unsealRequested() == .attempt)
        #expect(machine.state == .unsealing)
        #expect(machine.unsealRequested() == .refuseInProgress)
        #expect(machine.state == .unsealing)
    }

    @Test func aSuccessfulAttemptServesAndRefusesFurtherUnseals() {
        var machine = SealStateMachine(unsealed: false)
        _ = machine.unsealRequested()
        let kept = machine.unsealFinished(succeeded: true)
        #expect(kept)
        #expect(machine.state == .serving)
        #expect(machine.unsealRequested() == .refuseAlreadyUnsealed)
    }

    @Test func aFailedAttemptReturnsToSealedSoTheNextOneMayTry() {
        var machine = SealStateMachine(unsealed: false)
        _ = machine.unsealRequested()
        let kept = machine.unsealFinished(succeeded: false)
        #expect(!kept)
        #expect(machine.state == .sealed)
        #expect(machine.unsealRequested() == .attempt)
    }

    @Test func anUnsealThatFinishesAfterAStopDoesNotKeepItsVault() {
        var machine = SealStateMachine(unsealed: false)
        _ = machine.unsealRequested()
        #expect(machine.stopRequested() == .nothing)
        let kept = machine.unsealFinished(succeeded: true)
        #expect(!kept)
        #expect(machine.state == .stopping)
    }

    @Test func aFinishWithoutAnAttemptChangesNothing() {
        var sealed = SealStateMachine(unsealed: false)
        let kept = sealed.unsealFinished(succeeded: true)
        #expect(!kept)
        #expect(sealed.state == .sealed)
        var serving = SealStateMachine(unsealed: true)
        let servingKept = serving.unsealFinished(succeeded: false)
        #expect(!servingKept)
        #expect(serving.state == .serving)
    }

    @Test(arguments: [
        (true, SealStateMachine.StopAction.closeVault),
        (false, SealStateMachine.StopAction.nothing),
    ])
    func stoppingClosesTheVaultOnlyWhenServing(unsealed: Bool, action: SealStateMachine.StopAction) {
        var machine = SealStateMachine(unsealed: unsealed)
        #expect(machine.stopRequested() == action)
        #expect(machine.state == .stopping)
    }

    @Test func aStoppingServerRefusesUnsealsAndHasNothingLeftToClose() {
        var machine = SealStateMachine(unsealed: true)
        _ = machine.stopRequested()
        #expect(machine.unsealRequested() == .refuseStopping)
        #expect(machine.stopRequested() == .nothing)
        #expect(machine.state == .stopping)
    }
}
