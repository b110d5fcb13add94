import Testing

@testable import Daemon

/// The command queue between handlers and the training loop.
@Suite struct HookRegistryTests {
    @Test func commandsGoToTheirRunOrTheNextOne() {
        let registry = HookRegistry()
        let forNext = registry.enqueue(.detach(hookID: 1), runID: nil)
        let forTwo = registry.enqueue(.detach(hookID: 2), runID: 2)
        let forThree = registry.enqueue(.detach(hookID: 3), runID: 3)
        #expect(registry.take(forRun: 2).map(\.pendingID) == [forNext.pendingID, forTwo.pendingID])
        #expect(registry.take(forRun: 2).isEmpty)
        registry.runEnded(3)
        #expect(forThree.ticket.result == .runEnded(3))
        #expect(registry.pending.isEmpty)
    }

    @Test func ticketsTimeOutAndSettleOnce() {
        let ticket = HookTicket()
        #expect(ticket.wait(milliseconds: 10) == nil)
        ticket.complete(.unknownLayer("a"))
        ticket.complete(.unknownLayer("b"))
        #expect(ticket.wait(milliseconds: 10) == .unknownLayer("a"))
    }

    @Test func cancelWithdrawsOnlyQueuedCommands() {
        let registry = HookRegistry()
        let command = registry.enqueue(.detach(hookID: 9), runID: nil)
        #expect(registry.cancel(pendingID: command.pendingID)?.pendingID == command.pendingID)
        #expect(registry.cancel(pendingID: command.pendingID) == nil)
    }
}
