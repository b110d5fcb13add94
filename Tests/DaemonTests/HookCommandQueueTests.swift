import Testing

@testable import Daemon

/// The command queue between handlers and the training loop.
@Suite struct HookCommandQueueTests {
    @Test func commandsGoToTheirRunOrTheNextOne() {
        let queue = HookCommandQueue()
        let forNext = queue.enqueue(.detach(hookID: 1), runID: nil)
        let forTwo = queue.enqueue(.detach(hookID: 2), runID: 2)
        let forThree = queue.enqueue(.detach(hookID: 3), runID: 3)
        #expect(queue.take(forRun: 2).map(\.pendingID) == [forNext.pendingID, forTwo.pendingID])
        #expect(queue.take(forRun: 2).isEmpty)
        queue.runEnded(3)
        #expect(forThree.ticket.result == .runEnded(3))
        #expect(queue.pending.isEmpty)
    }

    @Test func ticketsTimeOutAndSettleOnce() {
        let ticket = HookTicket()
        #expect(ticket.wait(milliseconds: 10) == nil)
        ticket.complete(.unknownLayer("a"))
        ticket.complete(.unknownLayer("b"))
        #expect(ticket.wait(milliseconds: 10) == .unknownLayer("a"))
    }

    @Test func cancelWithdrawsOnlyQueuedCommands() {
        let queue = HookCommandQueue()
        let command = queue.enqueue(.detach(hookID: 9), runID: nil)
        #expect(queue.cancel(pendingID: command.pendingID)?.pendingID == command.pendingID)
        #expect(queue.cancel(pendingID: command.pendingID) == nil)
    }
}
